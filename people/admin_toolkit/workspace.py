"""The clinic an admin request works on, and the person's role there.

Every clinic screen in the admin works on one clinic, the request's *admin clinic*
(``people.selectors.admin_clinic_for_user``: the clinic whose domain the admin is opened
on if the person works there, else their first membership; superusers may switch), and
asks for the person's role at that clinic, not anywhere.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from people.models import StaffRole
from people.selectors import (
    admin_clinic_and_role_for_user,
    admin_clinics_for_user,
    clinic_role_for_user,
)

SESSION_KEY = "admin_clinic_id"
MANAGERS = (StaffRole.MANAGER,)
FRONT_DESK = (StaffRole.MANAGER, StaffRole.STAFF)


def request_admin_clinic(request):
    """The clinic this admin request works on (cached on the request)."""
    if not hasattr(request, "_admin_clinic"):
        clinic, role = admin_clinic_and_role_for_user(
            request.user,
            host_clinic=getattr(request, "clinic", None),
            chosen_clinic_id=request.session.get(SESSION_KEY),
        )
        request._admin_clinic = clinic
        if role is not None:
            # Found with the clinic: ``request_admin_role`` needs no query of its own.
            request._admin_role = ((clinic.pk, request.user.pk), role)
    return request._admin_clinic


def request_admin_role(request):
    """The person's role at the admin clinic, looked up once per request (every menu item
    asks; the admin home asked some thirty times)."""
    clinic = request_admin_clinic(request)
    cached = getattr(request, "_admin_role", None)
    if cached is None or cached[0] != (clinic.pk if clinic else None, request.user.pk):
        role = clinic_role_for_user(clinic, request.user)
        cached = ((clinic.pk if clinic else None, request.user.pk), role)
        request._admin_role = cached
    return cached[1]


class ClinicWorkspaceMixin:
    """Refuses anyone without one of ``roles`` at the request's admin clinic."""

    roles = FRONT_DESK

    def dispatch(self, request, *args, **kwargs):
        self.clinic = request_admin_clinic(request)
        if self.clinic is None or request_admin_role(request) not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clinic"] = self.clinic
        context["clinic_switcher"] = clinic_switcher(self.request)
        return context

    def get_breadcrumbs_items(self):
        """Wagtail's header shows the last breadcrumb: a page with only "Home" there
        would be headed "Home", so the page's own title follows it."""
        items = super().get_breadcrumbs_items()
        title = self.get_page_title() if hasattr(self, "get_page_title") else ""
        if title and len(items) == 1:
            return [*items, {"url": "", "label": title}]
        return items


def clinic_switcher(request):
    """For superusers: the clinics they may switch the workspace to."""
    if not request.user.is_superuser:
        return None
    return {
        "clinics": list(admin_clinics_for_user(request.user)),
        "current": request_admin_clinic(request),
        "url": reverse("clinic_workspace:switch"),
        "next": request.get_full_path(),
    }


def switch_clinic(request):
    """POST (superusers): work on another clinic from now on, then go back."""
    if request.method != "POST" or not request.user.is_superuser:
        raise PermissionDenied
    clinic = admin_clinics_for_user(request.user).filter(pk=request.POST.get("clinic")).first()
    if clinic is None:
        raise Http404
    request.session[SESSION_KEY] = clinic.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("clinic_workspace:clients")
    return redirect(next_url)
