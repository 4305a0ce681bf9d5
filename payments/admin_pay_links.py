"""Staff send a payment link from a booking's payments page (the balance of a visit, or a
no-show or late-cancellation fee when there is no card on file), and cancel an unpaid
one. The rules are in ``payments.services.pay_links``; each action is audited there."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages

from branding.errors import DomainError
from branding.money import AmountField, format_money
from payments import cards
from payments.models import PaymentKind, PaymentLink
from payments.services.pay_links import (
    DEFAULT_DAYS,
    LINK_KINDS,
    MAX_DAYS,
    pay_link_cancel,
    pay_link_create,
)
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin


class PayLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to ask for"))
    amount = AmountField(
        label=_("Amount (blank: what is due)"),
        required=False,
        error_messages={"invalid": _("Enter an amount such as 12.50.")},
    )
    reason = forms.CharField(
        label=_("What it is for (shown to the client)"), max_length=200, required=False
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    send_by = forms.MultipleChoiceField(
        label=_("Send by"),
        choices=[("email", _("Email")), ("sms", _("SMS"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        self.fields["amount"].currency = booking.currency
        self.fields["kind"].choices = [
            (
                kind.value,
                f"{kind.label} ({format_money(cards.charge_due(booking, kind), booking.currency)})",
            )
            for kind in LINK_KINDS
            if booking.status in cards.ALLOWED_STATUSES[kind]
        ]
        user, phone = booking.client.user, booking.client.phone
        self.fields["send_by"].initial = [
            c for c, on in (("email", user.email), ("sms", phone)) if on
        ]


def _booking(clinic, pk):
    from payments.admin_views import booking_for_admin

    return booking_for_admin(clinic, pk)


class PayLinkCreateView(ClinicWorkspaceMixin, View):
    roles = FRONT_DESK
    http_method_names = ["post"]

    def post(self, request, pk):
        booking = _booking(self.clinic, pk)
        back = redirect("payments_admin:booking", pk=booking.pk)
        form = PayLinkForm(request.POST, booking=booking)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(
                    request, f"{label}: {' '.join(errors)}" if label else " ".join(errors)
                )
            return back
        data = form.cleaned_data
        try:
            link = pay_link_create(
                booking=booking,
                kind=PaymentKind(data["kind"]),
                amount=data["amount"],
                reason=data["reason"],
                days=data["days"],
                send_by=data["send_by"],
                actor=request.user,
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return back
        values = {"amount": format_money(link.amount, link.currency)}
        if link.sent_by:
            messages.success(request, gettext("Payment link for %(amount)s sent.") % values)
        else:
            messages.success(
                request,
                gettext("Payment link for %(amount)s made: copy it from the list below.") % values,
            )
        return back


class PayLinkCancelView(ClinicWorkspaceMixin, View):
    roles = FRONT_DESK
    http_method_names = ["post"]

    def post(self, request, pk, link_id):
        booking = _booking(self.clinic, pk)
        link = PaymentLink.objects.filter(clinic=self.clinic, booking=booking, pk=link_id).first()
        if link is None:
            raise Http404("No such payment link.")
        try:
            pay_link_cancel(link=link, actor=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Payment link cancelled."))
        return redirect("payments_admin:booking", pk=booking.pk)
