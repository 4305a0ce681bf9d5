"""Moving a booking to another time and/or staff member (front desk): the calendar's drag
and drop (JSON) and the keyboard-accessible form (HTML)."""

import datetime

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.admin.calendar.access import CalendarAccessMixin, clinic_tz
from booking_api.models import StaffMember
from booking_api.services.staff_actions import staff_booking_move
from branding import clinic_time
from branding.errors import DomainError
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.responses import json_error, json_form_errors, wants_json
from people.admin_toolkit.workspace import FRONT_DESK


class MoveBookingForm(forms.Form):
    date = ClinicDateField(label=gettext_lazy("Date"))
    time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=StaffMember.objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy(
                "That staff member does not perform this service or is not taking bookings."
            )
        },
    )

    override_reason = forms.CharField(
        label=gettext_lazy("Reason for booking outside the offered times"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Only to move it to a time that is not offered (or over another booking)."
        ),
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        self.fields["staff"].queryset = StaffMember.objects.filter(
            clinic=booking.clinic, active=True, services=booking.service
        )


class MoveBookingView(CalendarAccessMixin, WagtailAdminTemplateMixin, FormView):
    """Reschedule and/or reassign. The calendar's drag and drop posts here and reads JSON
    (200 with the new time, or 400/409 with the reason: the box snaps back); the page
    itself is the keyboard-accessible form."""

    template_name = "booking_api/admin/booking_move.html"
    page_title = gettext_lazy("Move booking")
    header_icon = "date"
    roles = FRONT_DESK
    form_class = MoveBookingForm

    def get(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_page_subtitle(self):
        when = clinic_time.format_datetime(self.booking.start, "weekday")
        return f"{self.booking.service.name} · {self.booking.client.name}, {when}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["booking"] = self.booking
        return kwargs

    def get_initial(self):
        local = self.booking.start.astimezone(clinic_tz(self.clinic))
        return {"date": local.date(), "time": local.time(), "staff": self.booking.staff_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booking"] = self.booking
        context["clinic_tz"] = clinic_tz(self.clinic)
        context["local_start"] = self.booking.start.astimezone(clinic_tz(self.clinic))
        return context

    def form_invalid(self, form):
        if wants_json(self.request):
            return json_form_errors(form)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        start = datetime.datetime.combine(data["date"], data["time"], tzinfo=clinic_tz(self.clinic))
        staff = data["staff"] if data["staff"].pk != self.booking.staff_id else None
        try:
            booking = staff_booking_move(
                booking=self.booking,
                start=start,
                staff=staff,
                actor=self.request.user,
                request=self.request,
                override_reason=data["override_reason"],
            )
        except DomainError as exc:
            if wants_json(self.request):
                return json_error(exc)
            field = {"start": "time"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return super().form_invalid(form)
        local = booking.start.astimezone(clinic_tz(self.clinic))
        message = _("Moved to %(when)s with %(staff)s.") % {
            "when": clinic_time.format_datetime(local, "weekday"),
            "staff": booking.staff.display_name,
        }
        if booking.override_reason:
            message += " " + _("Outside the offered times: %(reason)s") % {
                "reason": booking.override_reason
            }
        if wants_json(self.request):
            return JsonResponse(
                {
                    "detail": message,
                    "start": local.isoformat(),
                    "time": clinic_time.format_time_range(local, booking.end),
                    "staff": booking.staff_id,
                    "override_reason": booking.override_reason,
                }
            )
        messages.success(self.request, message)
        return redirect(
            reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": local.date().isoformat()})
        )
