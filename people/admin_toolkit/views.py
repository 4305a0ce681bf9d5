"""The views of a clinic-owned model (one with a ``clinic`` foreign key), scoped to the
clinic the admin works on: lists hold only the rows of the clinics the person may view;
edit, delete, history (and its results), usage, inspect and copy find only the rows
the person may change there, so another clinic's row answers 404; a new row belongs to
the request's admin clinic, and a rule a service enforces comes back as a form error."""

from django.contrib import messages as django_messages
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import CopyViewMixin
from wagtail.admin.views.generic.usage import UsageView

from branding.errors import DomainError
from people.admin_toolkit.workspace import MANAGERS, request_admin_clinic, request_admin_role


def form_add_domain_error(form, error):
    """Show a service's refusal on the form: on the field it names, if the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def clinic_rows(view, action):
    """The rows of the view's model in the clinics where the person may ``action``."""
    return view.permission_policy.instances_user_has_any_permission_for(
        view.request.user, [action]
    ).select_related("clinic")


class ClinicScopeMixin:
    """Rows through the view's permission policy: the index those of the clinics the
    person may ``view``, edit and delete those they may change (else simply not there)."""

    scope_action = "change"

    def get_base_queryset(self):
        return clinic_rows(self, self.scope_action)

    def get_queryset(self):
        if isinstance(self, generic.IndexView):
            return super().get_queryset()
        return self.get_base_queryset()


class ClinicObjectMixin:
    """For Wagtail's views of one row that list something else about it (its history,
    its usage): the row is found among those the person may change, else 404."""

    def get_base_object_queryset(self):
        return clinic_rows(self, "change")


class ClinicIndexView(ClinicScopeMixin, generic.IndexView):
    scope_action = "view"


class ClinicHistoryView(ClinicObjectMixin, HistoryView):
    """A row's history and its results."""


class ClinicUsageView(ClinicObjectMixin, UsageView):
    """Where a row is used."""


class ClinicInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(clinic_rows(self, "view"), pk=self.pk)


class ClinicCreateView(generic.CreateView):
    """Creates for the request's admin clinic, and only for someone who may edit there
    (the policy's ``roles``: managers)."""

    def dispatch(self, request, *args, **kwargs):
        clinic = request_admin_clinic(request)
        roles = getattr(self.permission_policy, "roles", MANAGERS)
        if clinic is None or request_admin_role(request) not in roles:
            raise PermissionDenied
        self.clinic = clinic
        return super().dispatch(request, *args, **kwargs)

    def get_initial_form_instance(self):
        return self.model(clinic=self.clinic)

    def get_page_subtitle(self):
        return self.clinic.name

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:  # a rule the service enforces; nothing was written
            form_add_domain_error(form, exc)
            return self.form_invalid(form)


class ClinicCopyView(CopyViewMixin, ClinicCreateView):
    """A new row filled from one the person may change (another clinic's: 404)."""

    def get_object(self, queryset=None):
        return get_object_or_404(clinic_rows(self, "change"), pk=self.kwargs[self.pk_url_kwarg])


class ClinicEditView(ClinicScopeMixin, generic.EditView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)


class ClinicDeleteView(ClinicScopeMixin, generic.DeleteView):
    scope_action = "delete"
    protected_message = _("%(object)s is in use and cannot be deleted.")

    def form_valid(self, form):
        # Rows that others still point at (services of a category, bookings of a
        # service): explained on the edit page instead of a permission error or a crash.
        if self.usage and self.usage.is_protected:
            return self._protected()
        try:
            return super().form_valid(form)
        except ProtectedError:
            return self._protected()

    def _protected(self):
        django_messages.error(self.request, self.protected_message % {"object": self.object})
        return redirect(self.edit_url_name, self.object.pk)
