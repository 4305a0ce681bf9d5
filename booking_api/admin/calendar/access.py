"""Who may see and do what in the calendar, and what its views share."""

import datetime
import zoneinfo

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from booking_api.calendar_selectors import calendar_bookings, staff_for_user
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin, request_admin_role
from people.models import StaffRole

CALENDAR_ROLES = (*FRONT_DESK, StaffRole.THERAPIST)
THERAPIST_ACTIONS = ("check_in", "start", "complete", "no_show")
FRONT_DESK_ACTIONS = ("confirm", *THERAPIST_ACTIONS, "cancel")


def clinic_tz(clinic):
    return zoneinfo.ZoneInfo(clinic.timezone)


def parse_day(value, default):
    """A ``YYYY-MM-DD`` date from the query string; anything else (or a year the
    calendar's previous/next links would overflow on) is ``default``."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default
    return day if 1900 <= day.year <= 2999 else default


class CalendarAccessMixin(ClinicWorkspaceMixin):
    """Works out what the viewer may see: ``self.own_staff_ids`` is None for front desk
    (every booking of the clinic) or the therapist's own staff ids."""

    roles = CALENDAR_ROLES
    is_calendar_page = False  # the calendar itself ends the breadcrumbs

    @cached_property
    def is_front_desk(self):
        return request_admin_role(self.request) in FRONT_DESK

    @cached_property
    def own_staff_ids(self):
        if self.is_front_desk:
            return None
        return staff_for_user(self.clinic, self.request.user)

    def get_booking(self, pk):
        return get_object_or_404(
            calendar_bookings(self.clinic, staff_ids=self.own_staff_ids), pk=pk
        )

    def get_breadcrumbs_items(self):
        items = [
            super().get_breadcrumbs_items()[0],  # Home (the title is added here, once)
            {"url": reverse("booking_calendar:calendar"), "label": _("Calendar")},
        ]
        if not self.is_calendar_page:
            items.append({"url": "", "label": self.get_page_title()})
        return items

    @property
    def allowed_actions(self):
        return FRONT_DESK_ACTIONS if self.is_front_desk else THERAPIST_ACTIONS
