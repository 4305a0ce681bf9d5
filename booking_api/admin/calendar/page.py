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
from booking_api.calendar_selectors import (
    calendar_for,
    calendar_locations,
    calendar_month,
    calendar_staff,
    calendar_version,
    month_grid_bounds,
)
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
        """(mode, the day asked for, the first day shown, the number of days shown). A
        month shows whole weeks, starting on the locale's first weekday."""
        today = timezone.localdate(timezone=clinic_tz(self.clinic))
        mode = self.request.GET.get("view")
        mode = mode if mode in ("week", "month") else "day"
        day = parse_day(self.request.GET.get("date"), today)
        if mode == "month":
            first, last = month_grid_bounds(day, clinic_time.first_weekday())
            return mode, day, first, (last - first).days + 1
        first_day = day - datetime.timedelta(days=day.weekday()) if mode == "week" else day
        return mode, day, first_day, 7 if mode == "week" else 1

    def get_page_subtitle(self):
        # The title names the day or week shown ("Calendar: Thu, 4 Jul 2030").
        mode, day, first_day, span = self._period()
        if mode == "day":
            shown = clinic_time.format_date(day, "weekday")
        elif mode == "month":
            shown = clinic_time.format_date(day, "month")
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
        locations = calendar_locations(self.clinic) if mode == "month" else []
        chosen_location = self.request.GET.get("location", "")
        location_id = next((loc.pk for loc in locations if str(loc.pk) == chosen_location), None)
        if mode == "month":
            calendar = None
            context["month_weeks"] = calendar_month(
                self.clinic,
                month=day,
                first_weekday=clinic_time.first_weekday(),
                staff_ids=staff_ids,
                location_id=location_id,
            )
            context["weekday_names"] = clinic_time.weekday_names()
            context["month_title"] = clinic_time.format_date(day, "month")
        else:
            calendar = calendar_for(
                self.clinic, first_day=first_day, days=span, staff_ids=staff_ids
            )

        def link(**changes):
            params = {
                "view": mode,
                "date": day.isoformat(),
                "staff": chosen,
                "location": chosen_location if location_id else "",
                **changes,
            }
            return "?" + urlencode({k: v for k, v in params.items() if v})

        for week in context.get("month_weeks", []):
            for cell in week:
                cell.url = link(view="day", date=cell.day.isoformat(), location="")

        step = datetime.timedelta(days=span)
        last_day = first_day + step - datetime.timedelta(days=1)
        if mode == "month":
            prev_day, next_day = _add_months(day, -1), _add_months(day, 1)
        else:
            prev_day, next_day = day - step, day + step
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
            calendar_tz=tz,
            calendar_city=clinic_time.zone_city(self.clinic.timezone),
            mode=mode,
            day=day,
            first_day=first_day,
            last_day=last_day,
            staff_options=all_staff,
            chosen_staff=chosen,
            prev_url=link(date=prev_day.isoformat()),
            next_url=link(date=next_day.isoformat()),
            today_url=link(date=today.isoformat()),
            today=today,
            day_url=link(view="day"),
            week_url=link(view="week"),
            month_url=link(view="month"),
            locations=locations if len(locations) > 1 else [],
            chosen_location=str(location_id or ""),
            services_shown=_services_shown(calendar),
            can_edit=self.is_front_desk,
            # Managers and the front desk (lifecycle.STAFF) may move a booking to a time
            # the engine does not offer, with a reason (services/overrides.py).
            can_override=self.is_front_desk,
            # The drop preview writes times as the page does (calendar.js, Intl).
            time_locale=clinic_time.locale_name().replace("_", "-"),
            not_linked=own is not None and not own,
            statuses=BookingStatus.choices,
            slot_minutes=15,
        )
        return context


def _add_months(day, months):
    """The same day ``months`` later (or earlier), or the month's last day if shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = datetime.date(year, month + 1, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


def _services_shown(calendar):
    """The services of the bookings on show, by name (the colour legend)."""
    if calendar is None:
        return []
    found = {
        event.booking.service_id: event.booking.service
        for day in calendar.days
        for column in day.columns
        for event in column.events
        if event.kind == "booking"
    }
    return sorted(found.values(), key=lambda service: service.name)


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
