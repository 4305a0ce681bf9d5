"""The admin's clock: every admin screen shows times on the wall clock of the clinic it
works on (``request_admin_clinic``: the clinic of the domain, or the staff member's own,
or the one a superuser switched to), in that clinic's formats.

Wagtail's admin views run inside ``timezone.override`` of the signed-in person's
Wagtail profile time zone, which falls back to the server's (``TIME_ZONE``, UTC) when
unset or when there is no profile — so without this every page outside the calendar
said 13:00 for an 08:00 New York booking. Wagtail asks the profile
(``wagtail.admin.localization.get_localized_response``); here the profile says the
clinic's zone. A person without a profile gets an unsaved one that only answers that
question (Wagtail creates real ones with ``UserProfile.get_for_user``); a saved profile
is changed in memory only, never written. The profile's own time zone choice is hidden
from the account page (``WAGTAIL_USER_TIME_ZONES``): a clinic's times are its own."""

from django.core.exceptions import ObjectDoesNotExist
from wagtail.users.models import UserProfile

from branding import clinic_time
from people.admin_toolkit.workspace import request_admin_clinic
from people.selectors import user_permission_names

ADMIN_PREFIX = "/admin/"


def _profile_in_zone(user, zone: str):
    try:
        profile = user.wagtail_userprofile
    except ObjectDoesNotExist:
        profile = UserProfile(user=user)
        user.wagtail_userprofile = profile
    profile.current_time_zone = zone


class AdminClinicTimeMiddleware:
    """After authentication and ``branding.middleware.ClinicMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(ADMIN_PREFIX) or not request.user.is_authenticated:
            return self.get_response(request)
        clinic = request_admin_clinic(request)
        if clinic is None:
            return self.get_response(request)
        clinic_time.activate(clinic)
        _profile_in_zone(request.user, clinic.timezone)
        try:
            return self.get_response(request)
        finally:
            clinic_time.deactivate()


class AdminPermissionsMiddleware:
    """Every admin view asks ``has_perm`` (Wagtail's ``require_admin_access``, then the
    menus), and Django's ``ModelBackend`` reads the person's own and their groups'
    permissions with a query each, caching them on the user for the request. This reads
    both in one query and fills the same caches (``_user_perm_cache``,
    ``_group_perm_cache``, ``_perm_cache``), so the backend answers without asking.
    Superusers need none (``has_perm`` is always yes); portal pages are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(ADMIN_PREFIX)
            and user.is_authenticated
            and user.is_active
            and not user.is_superuser
            and not hasattr(user, "_perm_cache")
        ):
            direct, grouped = user_permission_names(user)
            user._user_perm_cache = direct
            user._group_perm_cache = grouped
            user._perm_cache = direct | grouped
        return self.get_response(request)
