"""The calendar page: a day or week grid of the admin clinic's staff (or one of them).
Each view is one entry in the audit log, naming the days and staff shown."""

import datetime

from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.admin.calendar.access import (
    CalendarAccessMixin,
    clinic_tz,
    parse_day,
)
from booking_api.calendar_selectors import calendar_for, calendar_staff, calendar_version
from booking_api.models import BookingStatus
from branding import clinic_time
from people.models import AuditAction
from people.services import audit_record


class CalendarView(CalendarAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "booking_api/admin/calendar.html"
    page_title = gettext_lazy("Calendar")
    header_icon = "date"
    is_calendar_page = True

    def _period(self):
        """(mode, the day asked for, the first day shown, the number of days shown)."""
        today = timezone.localdate(timezone=clinic_tz(self.clinic))
        mode = "week" if self.request.GET.get("view") == "week" else "day"
        day = parse_day(self.request.GET.get("date"), today)
        first_day = day - datetime.timedelta(days=day.weekday()) if mode == "week" else day
        return mode, day, first_day, 7 if mode == "week" else 1

    def get_page_subtitle(self):
        # The title names the day or week shown ("Calendar: Thu, 4 Jul 2030").
        mode, day, first_day, span = self._period()
        if mode == "day":
            shown = clinic_time.format_date(day, "weekday")
        else:
            last_day = first_day + datetime.timedelta(days=span - 1)
            shown = (
                f"{clinic_time.format_date(first_day, 'day')} – {clinic_time.format_date(last_day)}"
            )
        return f"{shown} · {self.clinic.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = clinic_tz(self.clinic)
        today = timezone.localdate(timezone=tz)
        mode, day, first_day, span = self._period()

        own = self.own_staff_ids
        all_staff = calendar_staff(self.clinic, staff_ids=own)
        chosen = self.request.GET.get("staff", "")
        staff_ids = own
        if chosen.isdigit() and any(member.pk == int(chosen) for member in all_staff):
            staff_ids = [int(chosen)]
        calendar = calendar_for(self.clinic, first_day=first_day, days=span, staff_ids=staff_ids)

        def link(**changes):
            params = {"view": mode, "date": day.isoformat(), "staff": chosen, **changes}
            return "?" + urlencode({k: v for k, v in params.items() if v})

        step = datetime.timedelta(days=span)
        last_day = first_day + step - datetime.timedelta(days=1)
        shown = (
            "all staff"
            if staff_ids is None
            else ", ".join(m.display_name for m in all_staff if m.pk in staff_ids) or "no staff"
        )
        # The page's own live refresh (calendar.js) re-reads what this person is already
        # looking at: recorded once, when they opened it, not at every change.
        if self.request.headers.get("X-Calendar-Refresh") != "1":
            audit_record(
                clinic=self.clinic,
                actor=self.request.user,
                action=AuditAction.VIEW,
                summary=f"Viewed the calendar {first_day.isoformat()} to {last_day.isoformat()} "
                f"({mode}, {shown})",
                request=self.request,
            )
        context.update(
            calendar=calendar,
            mode=mode,
            day=day,
            first_day=first_day,
            last_day=last_day,
            staff_options=all_staff,
            chosen_staff=chosen,
            prev_url=link(date=(day - step).isoformat()),
            next_url=link(date=(day + step).isoformat()),
            today_url=link(date=today.isoformat()),
            day_url=link(view="day"),
            week_url=link(view="week"),
            can_edit=self.is_front_desk,
            not_linked=own is not None and not own,
            statuses=BookingStatus.choices,
            slot_minutes=15,
        )
        return context


class CalendarVersionView(CalendarAccessMixin, View):
    """``version/?view=&date=&staff=``: the live-update token of the range the calendar
    shows (same clinic and role rules as the calendar; one query, no audit entry). The
    calendar's script polls it and reloads its grid when it changes."""

    def get(self, request, *args, **kwargs):
        period = CalendarView._period(self)
        _mode, _day, first_day, span = period
        staff_ids = self.own_staff_ids
        chosen = request.GET.get("staff", "")
        if chosen.isdigit() and (staff_ids is None or int(chosen) in staff_ids):
            staff_ids = [int(chosen)]
        version = calendar_version(self.clinic, first_day=first_day, days=span, staff_ids=staff_ids)
        return JsonResponse({"version": version})
