"""Cancelling a booking from the staff workspace asks first: the reason, the refund (the
policy's, a chosen amount up to what can still be refunded, or none) and whether the
late-cancellation fee applies — with the policy's quote in front of the person deciding.
The appointment page and the payments page both lead here; the work is
``payments.services.booking_cancel_with_refund`` (itself ``booking_cancel``, the one way
anything cancels), audited."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.services import cancellation_quote
from branding import clinic_time
from branding.errors import DomainError
from branding.money import AmountField, format_money
from payments import services
from payments.admin_views import booking_for_admin
from payments.selectors import booking_money, booking_refundable
from people.admin_toolkit.views import form_add_domain_error
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record

REFUND_POLICY, REFUND_AMOUNT, REFUND_NONE = "policy", "amount", "none"


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on the booking's history and the audit trail."),
    )
    refund = forms.ChoiceField(
        label=_("Refund"),
        widget=forms.RadioSelect,
        choices=[
            (REFUND_POLICY, _("As the cancellation policy says")),
            (REFUND_AMOUNT, _("This amount")),
            (REFUND_NONE, _("No refund")),
        ],
        initial=REFUND_POLICY,
    )
    amount = AmountField(
        label=_("Amount to refund"),
        required=False,
        error_messages={"invalid": _("Enter an amount such as 12.50.")},
    )
    waive_fee = forms.BooleanField(label=_("Waive the late-cancellation fee"), required=False)

    def __init__(self, *args, currency, refundable, fee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency
        self.refundable = refundable
        self.currency = currency
        self.fields["amount"].help_text = gettext("At most %(amount)s.") % {
            "amount": format_money(refundable, currency)
        }
        if not fee:
            del self.fields["waive_fee"]

    def clean(self):
        data = super().clean()
        if data.get("refund") == REFUND_AMOUNT:
            amount = data.get("amount")
            if amount is None or amount <= 0:
                self.add_error("amount", gettext("Give the amount to refund."))
            elif amount > self.refundable:
                self.add_error(
                    "amount",
                    gettext("At most %(amount)s can be refunded on this booking.")
                    % {"amount": format_money(self.refundable, self.currency)},
                )
        return data


class CancelBookingView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "payments/admin/booking_cancel.html"
    form_class = CancelForm
    roles = FRONT_DESK
    page_title = _("Cancel the booking")
    header_icon = "cross"

    def dispatch(self, request, *args, **kwargs):
        self.clinic_booking_pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    def setup_booking(self):
        self.booking = booking_for_admin(self.clinic, self.clinic_booking_pk)
        if not (self.booking.is_upcoming or self.booking.is_checked_in):
            raise Http404("This booking can no longer be cancelled.")
        self.quote = cancellation_quote(self.booking)
        self.refundable = booking_refundable(self.booking)

    def get(self, request, *args, **kwargs):
        self.setup_booking()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_booking()
        return super().post(request, *args, **kwargs)

    def get_page_subtitle(self):
        booking = self.booking
        return (
            f"{booking.client.name} · {booking.service.name}, "
            f"{clinic_time.format_datetime(booking.start, 'weekday')}"
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "currency": self.booking.currency,
            "refundable": self.refundable,
            "fee": self.quote.fee,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking, quote = self.booking, self.quote

        def fmt(value):
            return format_money(value or 0, booking.currency)

        money = booking_money(booking)
        context.update(
            booking=booking,
            quote=quote,
            amounts={
                "price": fmt(booking.price),
                "paid": fmt(money.net_paid),
                "refundable": fmt(self.refundable),
                "fee": fmt(quote.fee),
                "kept": fmt(quote.kept),
                "policy_refund": fmt(quote.refund),
                "to_pay": fmt(quote.to_pay),
            },
            back_url=reverse("booking_calendar:booking", args=[booking.pk]),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        booking = self.booking
        amount = {REFUND_POLICY: None, REFUND_NONE: 0}.get(data["refund"], data.get("amount"))
        waive = bool(data.get("waive_fee"))
        try:
            refunded = services.booking_cancel_with_refund(
                booking=booking,
                actor=self.request.user,
                amount=amount,
                reason=data["reason"],
                waive_fee=waive,
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        total = format_money(refunded, booking.currency)
        how = {REFUND_POLICY: "by the cancellation policy", REFUND_NONE: "no refund"}.get(
            data["refund"], "as chosen by staff"
        )
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.CHANGE,
            client=booking.client,
            summary=f"Cancelled booking {booking.pk} ({data['reason']}); refund {total} {how}"
            + ("; fee waived" if waive else ""),
            request=self.request,
        )
        messages.success(
            self.request,
            gettext("Booking cancelled; %(amount)s refunded.") % {"amount": total},
        )
        return redirect("booking_calendar:booking", pk=booking.pk)
