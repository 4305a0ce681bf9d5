"""A "Bookings" menu next to the "Clinic" one: services, service categories and staff
(with their schedules and time off), each scoped to the admin clinic.

Managers edit all three; front-desk staff may list services and staff (read only);
therapists see none of it, only the Calendar (their own schedule). Other booking screens
join the same menu with ``@hooks.register("register_bookings_menu_item")``. The client
account view gets a "Patch tests" tab.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from booking_api.admin_views import ServiceCategoryViewSet, ServiceViewSet, StaffMemberViewSet
from booking_api.calendar_views import CALENDAR_ROLES, PatchTestForm, calendar_urlpatterns
from booking_api.models import Service, ServiceCategory, StaffMember
from booking_api.patch_test_selectors import client_patch_tests
from people.account_tabs import ClientAccountTab
from people.admin_views import FRONT_DESK, MANAGERS
from people.wagtail_hooks import RoleMenuItem

category_viewset = ServiceCategoryViewSet()
service_viewset = ServiceViewSet()
staff_viewset = StaffMemberViewSet()

for _model, _viewset in (
    (ServiceCategory, category_viewset),
    (Service, service_viewset),
    (StaffMember, staff_viewset),
):
    register_permission_policy(_model, _viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return [category_viewset, service_viewset, staff_viewset]


@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [path("bookings/calendar/", include((calendar_urlpatterns(), "booking_calendar")))]


@hooks.register("register_bookings_menu_item")
def register_calendar_menu_item():
    return RoleMenuItem(
        _("Calendar"),
        reverse("booking_calendar:calendar"),
        name="booking-calendar",
        icon_name="date",
        order=50,
        roles=CALENDAR_ROLES,
    )


def _patch_tests_tab_context(request, clinic, account):
    return {
        "patch_tests": list(client_patch_tests(clinic, account)),
        "form": PatchTestForm(),
        "add_url": reverse("booking_calendar:patch_test_add", args=[account.pk]),
    }


@hooks.register("register_client_account_tab")
def register_patch_tests_tab():
    return ClientAccountTab(
        key="patch_tests",
        label=_("Patch tests"),
        order=70,
        template_name="booking_api/admin/patch_tests_tab.html",
        get_context=_patch_tests_tab_context,
    )


@hooks.register("register_bookings_menu_item")
def register_services_menu_item():
    return RoleMenuItem(
        _("Services"),
        reverse(service_viewset.get_url_name("index")),
        name="booking-services",
        icon_name="list-ul",
        order=100,
        roles=FRONT_DESK,
    )


@hooks.register("register_bookings_menu_item")
def register_categories_menu_item():
    return RoleMenuItem(
        _("Service categories"),
        reverse(category_viewset.get_url_name("index")),
        name="booking-categories",
        icon_name="folder-open-inverse",
        order=200,
        roles=MANAGERS,
    )


@hooks.register("register_bookings_menu_item")
def register_staff_menu_item():
    return RoleMenuItem(
        _("Staff"),
        reverse(staff_viewset.get_url_name("index")),
        name="booking-staff",
        icon_name="user",
        order=300,
        roles=FRONT_DESK,
    )


@hooks.register("register_admin_menu_item")
def register_bookings_menu():
    return SubmenuMenuItem(
        _("Bookings"),
        Menu(register_hook_name="register_bookings_menu_item"),
        name="bookings",
        icon_name="date",
        order=160,
    )
