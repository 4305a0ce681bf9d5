"""Changing a booking's duration (front desk): the calendar's resize handle posts here and
reads JSON (200 with the new end, or the admin's JSON error: the box springs back); the
appointment page's duration field posts the same form without JavaScript."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from booking_api.admin.calendar.access import CalendarAccessMixin, clinic_tz
from booking_api.services.resize import MAX_MINUTES, staff_booking_resize
from branding import clinic_time
from branding.errors import DomainError
from people.admin_toolkit.responses import json_error, json_form_errors, wants_json
from people.admin_toolkit.workspace import FRONT_DESK


class DurationForm(forms.Form):
    duration = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=1, max_value=MAX_MINUTES
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for booking outside the offered times"),
        required=False,
        max_length=500,
    )


def duration_form(booking, data=None):
    """The appointment page's keyboard alternative to dragging the box's bottom edge."""
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    form = DurationForm(data, initial={"duration": minutes})
    step = booking.service.step_minutes
    # The browser counts steps from ``min``: starting at one step offers 15, 30, 45…
    form.fields["duration"].widget.attrs.update(step=step, min=step)
    return form


class ResizeBookingView(CalendarAccessMixin, View):
    """POST ``duration`` (minutes): the booking keeps its start and ends that much later."""

    roles = FRONT_DESK

    def post(self, request, pk):
        booking = self.get_booking(pk)
        form = duration_form(booking, request.POST)
        if not form.is_valid():
            if wants_json(request):
                return json_form_errors(form)
            messages.error(request, form.errors["duration"][0])
            return redirect("booking_calendar:booking", pk=pk)
        try:
            booking = staff_booking_resize(
                booking=booking,
                duration_minutes=form.cleaned_data["duration"],
                actor=request.user,
                request=request,
                override_reason=form.cleaned_data["override_reason"],
            )
        except DomainError as exc:
            if wants_json(request):
                return json_error(exc)
            messages.error(request, exc.message)
            return redirect("booking_calendar:booking", pk=pk)
        tz = clinic_tz(self.clinic)
        start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
        time_range = clinic_time.format_time_range(start.time(), end.time())
        message = _("Now %(time)s (%(minutes)s minutes).") % {
            "time": time_range,
            "minutes": form.cleaned_data["duration"],
        }
        if wants_json(request):
            return JsonResponse(
                {
                    "detail": message,
                    "end": end.isoformat(),
                    "time": time_range,
                    "duration": form.cleaned_data["duration"],
                    "override_reason": booking.override_reason,
                }
            )
        messages.success(request, message)
        return redirect("booking_calendar:booking", pk=pk)
