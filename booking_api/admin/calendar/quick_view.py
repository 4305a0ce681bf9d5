"""The calendar's quick view: hovering (or tapping) a booking box shows who, what, when,
status, staff, phone and the client's markers, with Open, Check in (when allowed) and
Move. One query (markers registered by apps above are annotations), scoped to the clinic
and, for a therapist, to their own bookings (anything else is 404); audited as a view."""

from django.db.models import OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from booking_api.admin.calendar.access import CalendarAccessMixin, clinic_tz
from booking_api.admin.calendar.appointment import _time_has_come
from booking_api.appointment_extras import quick_view_annotations
from booking_api.calendar_selectors import calendar_bookings
from booking_api.lifecycle import TRANSITIONS, BookingStatus
from branding import clinic_time
from people.models import AuditAction, ClientNote
from people.services import audit_record


def _pinned_note(clinic):
    return Subquery(
        ClientNote.objects.filter(clinic=clinic, client_id=OuterRef("client_id"), pinned=True)
        .order_by("-created_at", "-pk")
        .values("body")[:1]
    )


class QuickViewView(CalendarAccessMixin, View):
    def get(self, request, pk):
        booking = self.get_booking_for_quick_view(pk)
        tz = clinic_tz(self.clinic)
        start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
        markers = {
            name: str(getattr(booking, name) or "").strip()
            for name in (*quick_view_annotations(self.clinic), "pinned_note")
        }
        may_check_in = (
            "check_in" in self.allowed_actions
            and BookingStatus.ARRIVED in TRANSITIONS[booking.status]
            and _time_has_come(booking, "check_in")
        )
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=booking.client,
            summary=f"Quick view of {booking.service.name} on "
            f"{clinic_time.format_for(self.clinic, start)}",
            request=request,
        )
        return JsonResponse(
            {
                "id": booking.pk,
                "client": booking.client.name,
                "pet": booking.pet.name if booking.pet_id else "",
                "service": booking.service.name,
                "date": clinic_time.format_date(start.date(), "weekday"),
                "time": clinic_time.format_time_range(start.time(), end.time()),
                "status": booking.get_status_display(),
                "staff": booking.staff.display_name,
                "phone": booking.client.phone,
                "markers": {name: text for name, text in markers.items() if text},
                "override_reason": booking.override_reason,
                "open_url": reverse("booking_calendar:booking", args=[booking.pk]),
                "check_in_url": (
                    reverse("booking_calendar:action", args=[booking.pk, "check_in"])
                    if may_check_in
                    else ""
                ),
                "move_url": (
                    reverse("booking_calendar:move", args=[booking.pk])
                    if self.is_front_desk and booking.is_upcoming
                    else ""
                ),
            }
        )

    def get_booking_for_quick_view(self, pk):
        return get_object_or_404(
            calendar_bookings(self.clinic, staff_ids=self.own_staff_ids).annotate(
                pinned_note=_pinned_note(self.clinic), **quick_view_annotations(self.clinic)
            ),
            pk=pk,
        )
