"""The appointment page (the therapists' workspace): the booking, the client's history and
notes, the lifecycle actions the viewer may take, and session notes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api import lifecycle
from booking_api.admin.calendar.access import CalendarAccessMixin, clinic_tz
from booking_api.admin.calendar.resize import duration_form
from booking_api.appointment_extras import (
    appointment_panels,
    appointment_sections,
    cancel_page_url,
)
from booking_api.calendar_selectors import client_history
from booking_api.lifecycle import TRANSITIONS, BookingStatus
from booking_api.selectors import booking_fee
from booking_api.services import booking_fee_waive
from booking_api.services.policy import no_show_fee
from booking_api.services.staff_actions import (
    STAFF_ACTIONS,
    booking_internal_notes_update,
    staff_booking_action,
)
from branding import clinic_time
from branding.errors import DomainError
from branding.money import format_money
from branding.selectors import clinic_policy
from people.admin_toolkit.views import form_add_domain_error
from people.models import AuditAction
from people.selectors import notes_for_client
from people.services import audit_record


class InternalNotesForm(forms.Form):
    internal_notes = forms.CharField(
        label=gettext_lazy("Internal notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Staff only: never shown to the client."),
    )


class BookingDetailView(CalendarAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "booking_api/admin/booking_detail.html"
    page_title = gettext_lazy("Appointment")
    header_icon = "date"

    def get(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=self.booking.client,
            summary=f"Viewed the appointment {self.booking.service.name} "
            f"of {self.booking.client.name}",
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        booking = self.booking
        return (
            f"{booking.client.name} · {booking.service.name}, "
            f"{clinic_time.format_datetime(booking.start, 'weekday')}"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.booking
        tz = clinic_tz(self.clinic)
        allowed = self.allowed_actions
        possible = TRANSITIONS[booking.status]
        labels = {
            "confirm": _("Confirm"),
            "check_in": _("Check in"),
            "start": _("Mark started"),
            "complete": _("Mark completed"),
            "no_show": _("Mark no-show"),
            "cancel": _("Cancel booking"),
        }
        context.update(
            booking=booking,
            clinic_tz=tz,
            local_start=booking.start.astimezone(tz),
            local_end=booking.end.astimezone(tz),
            movable=booking.is_upcoming,
            # Cancelling asks first, on its own page (cancel_url), when one is registered.
            actions=[
                (action, labels[action])
                for action in allowed
                if STAFF_ACTIONS[action] in possible
                and _time_has_come(booking, action)
                and not (action == "cancel" and cancel_page_url(booking))
            ],
            starts_from=lifecycle.earliest_move(BookingStatus.STARTED, booking.start)
            if STAFF_ACTIONS["start"] in possible and not _time_has_come(booking, "start")
            else None,
            history=client_history(self.clinic, booking.client, exclude_booking_id=booking.pk),
            pinned_notes=_pinned_notes(self.clinic, booking.client),
            notes_form=kwargs.get("notes_form")
            or InternalNotesForm(initial={"internal_notes": booking.internal_notes}),
            money_panels=appointment_panels(self.request, booking),
            sections=appointment_sections(self.request, booking),
            no_show_policy={
                "fee": format_money(no_show_fee(booking), booking.currency)
                if no_show_fee(booking)
                else "",
                "blocks": clinic_policy(self.clinic).no_show_blocks_online_booking,
            },
            fee_due=format_money(fee, booking.currency)
            if (fee := booking_fee(booking, booking.status))
            else "",
            cancel_url=cancel_page_url(booking)
            if "cancel" in allowed and lifecycle.can_move(booking.status, BookingStatus.CANCELLED)
            else None,
            can_edit=self.is_front_desk,
            duration_form=duration_form(booking)
            if self.is_front_desk and booking.is_upcoming
            else None,
            client_url=reverse("clinic_workspace:client_detail", args=[booking.client_id])
            if self.is_front_desk
            else None,
            calendar_url=reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": booking.start.astimezone(tz).date().isoformat()}),
        )
        return context


def _time_has_come(booking, action):
    """Start, complete and no-show are offered only once the lifecycle allows them by the
    clock (``lifecycle.earliest_move``); the service refuses them earlier anyway."""
    earliest = lifecycle.earliest_move(STAFF_ACTIONS[action], booking.start)
    return earliest is None or timezone.now() >= earliest


def _pinned_notes(clinic, client):
    """The client's pinned internal notes (the clients app's notes, pinned first)."""
    return [note for note in notes_for_client(clinic, client) if note.pinned]


class BookingActionView(CalendarAccessMixin, View):
    """POST start / complete / no_show (and for front desk confirm / cancel)."""

    def post(self, request, pk, action):
        booking = self.get_booking(pk)
        if action not in self.allowed_actions:
            raise PermissionDenied
        try:
            # The no-show form says per case whether the policy's fee and block apply
            # (both ticked by default; an older form without them applies both).
            per_case = action == "no_show" and "policy_choice" in request.POST
            booking = staff_booking_action(
                booking=booking,
                action=action,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                request=request,
                apply_fee=not per_case or request.POST.get("apply_fee") == "on",
                block=not per_case or request.POST.get("block") == "on",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The booking is now %(status)s.")
                % {"status": booking.get_status_display().lower()},
            )
        # The Today panel's "Check in" returns to the admin home.
        if request.POST.get("next") == reverse("wagtailadmin_home"):
            return redirect("wagtailadmin_home")
        return redirect("booking_calendar:booking", pk=pk)


class FeeWaiveView(CalendarAccessMixin, View):
    """POST (front desk): waive the no-show or late-cancellation fee of this booking."""

    def post(self, request, pk):
        booking = self.get_booking(pk)
        if not self.is_front_desk:
            raise PermissionDenied
        try:
            booking_fee_waive(
                booking=booking,
                actor=request.user,
                reason=request.POST.get("reason", "").strip()[:300],
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The fee is waived: nothing is due."))
        return redirect("booking_calendar:booking", pk=pk)


class InternalNotesView(BookingDetailView):
    """POST the appointment's internal notes (front desk, and a therapist on their own)."""

    def post(self, request, pk):
        self.booking = self.get_booking(pk)
        form = InternalNotesForm(request.POST)
        if form.is_valid():
            try:
                booking_internal_notes_update(
                    booking=self.booking,
                    actor=request.user,
                    notes=form.cleaned_data["internal_notes"],
                    request=request,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Internal notes saved."))
                return redirect("booking_calendar:booking", pk=pk)
        return self.render_to_response(self.get_context_data(notes_form=form))

    def get(self, request, *args, **kwargs):
        raise Http404
