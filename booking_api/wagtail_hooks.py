"""A "Bookings" menu next to the "Clinic" one: the Calendar, services, service categories
and staff (with their schedules and time off), each scoped to the admin clinic.

Managers edit all three; front-desk staff may list services and staff (read only);
therapists see none of it, only the Calendar (their own schedule). Other booking screens
join the same menu with ``@hooks.register("register_bookings_menu_item")``. The client
account view gets a "Patch tests" tab and, on its Overview, the no-show block, patch-test
alerts and the next and last visits (``booking_api.admin.overview``).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from booking_api.admin.calendar.access import CALENDAR_ROLES
from booking_api.admin.calendar.patch_tests import PatchTestForm
from booking_api.admin.calendar.urls import calendar_urlpatterns
from booking_api.admin.catalogue import ServiceCategoryViewSet, ServiceViewSet
from booking_api.admin.overview import overview_panels, patch_tests_for
from booking_api.admin.staff import StaffMemberViewSet
from people.account_tabs import OVERVIEW_HOOK_NAME, ClientAccountTab
from people.admin_toolkit.menus import ClinicMenu, MenuLink


class BookingsMenu(ClinicMenu):
    menu_label = _("Bookings")
    menu_name = "bookings"
    menu_icon = "date"
    menu_order = 160
    submenu_hook = "register_bookings_menu_item"
    items = [ServiceViewSet, ServiceCategoryViewSet, StaffMemberViewSet]
    links = [
        MenuLink(
            _("Calendar"),
            "booking_calendar:calendar",
            "booking-calendar",
            "date",
            50,
            CALENDAR_ROLES,
        ),
    ]


bookings_menu = BookingsMenu()


@hooks.register("register_admin_viewset")
def register_bookings_menu():
    return bookings_menu


@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [path("bookings/calendar/", include((calendar_urlpatterns(), "booking_calendar")))]


def _patch_tests_tab_context(request, clinic, account):
    return {
        "patch_tests": patch_tests_for(request, clinic, account),
        "form": PatchTestForm(),
        "add_url": reverse("booking_calendar:patch_test_add", args=[account.pk]),
    }


@hooks.register("register_client_account_tab")
def register_patch_tests_tab():
    return ClientAccountTab(
        key="patch_tests",
        label=_("Patch tests"),
        group="visits",
        order=70,
        template_name="booking_api/admin/patch_tests_tab.html",
        get_context=_patch_tests_tab_context,
    )


def _panel_hook(panel):
    return lambda: panel


for _panel in overview_panels():
    hooks.register(OVERVIEW_HOOK_NAME, _panel_hook(_panel))
