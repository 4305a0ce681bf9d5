"""Staff screens for a booking's money, in the clinic workspace: payment status and
history (payments and refunds), capture the balance or charge a late-cancellation or
no-show fee to the card on file, refund, and cancel with refund. Only the admin clinic's
bookings are reachable (another clinic's id answers 404); every view and action is in
the audit log. The rules are in ``payments.services`` and ``payments.cards``."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.models import Booking
from branding import clinic_time
from branding.errors import DomainError
from branding.money import AmountField, format_money
from payments import cards, staff_actions
from payments.admin_pay_links import PayLinkForm
from payments.errors import PaymentErrorCode
from payments.models import PaymentKind, RefundStatus, SavedCard
from payments.pay_links import link_state, links_for_booking, pay_link_url
from payments.selectors import booking_money, booking_refundable, payments_for_booking
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record

CHARGES = {
    "charge-balance": PaymentKind.BALANCE,
    "charge-late-fee": PaymentKind.LATE_CANCEL_FEE,
    "charge-no-show-fee": PaymentKind.NO_SHOW_FEE,
}
ACTIONS = (*CHARGES, "refund", "cancel-refund")


class AmountForm(forms.Form):
    """An optional amount in the currency's major unit (blank: what the policy says)."""

    amount = AmountField(
        label=_("Amount"),
        required=False,
        error_messages={"invalid": _("Enter an amount such as 12.50.")},
    )

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"].currency = currency


def booking_for_admin(clinic, pk) -> Booking:
    booking = (
        Booking.objects.filter(clinic=clinic, pk=pk)
        .select_related("client__user", "service", "staff", "clinic")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


class BookingPaymentsView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "payments/admin/booking_payments.html"
    roles = FRONT_DESK
    page_title = _("Payments")
    header_icon = "doc-full"

    def get_page_subtitle(self):
        # Names the booking: whose, what and when (the clinic's clock and format).
        booking = self.booking
        return (
            f"{booking.client.name} · {booking.service.name}, "
            f"{clinic_time.format_datetime(booking.start, 'weekday')}"
        )

    def get(self, request, pk):
        self.booking = booking_for_admin(self.clinic, pk)
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=self.booking.client,
            summary=f"Viewed the payments of booking {self.booking.pk}",
            request=request,
        )
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.booking

        def fmt(value):
            return format_money(value, booking.currency)

        money = booking_money(booking)
        payments = payments_for_booking(self.clinic, booking)
        # Only the charges this booking's status allows: a cancelled booking is offered
        # no no-show fee, a completed one no late-cancellation fee.
        charges = [
            {
                "action": action,
                "label": PaymentKind(kind).label,
                "due": fmt(cards.charge_due(booking, kind)),
                "allowed": True,
            }
            for action, kind in CHARGES.items()
            if booking.status in cards.ALLOWED_STATUSES[kind]
        ]
        context.update(
            booking=booking,
            payments=[
                {
                    "payment": p,
                    "amount": fmt(p.amount),
                    "captured": fmt(p.amount_captured),
                    "refunds": [{"refund": r, "amount": fmt(r.amount)} for r in p.refunds.all()],
                }
                for p in payments
            ],
            summary={
                "price": fmt(money.price),
                "discount": fmt(money.discount),
                "paid": fmt(money.net_paid),
                "refunded": fmt(money.refunded),
                "balance": fmt(money.balance_due),
                "refundable": fmt(booking_refundable(booking)),
            },
            card=SavedCard.objects.filter(client=booking.client).first(),
            charges=charges,
            form=AmountForm(currency=booking.currency),
            can_cancel=booking.is_upcoming or booking.is_checked_in,
            link_form=PayLinkForm(booking=booking),
            links=[
                {
                    "link": link,
                    "amount": fmt(link.amount),
                    "state": link_state(link),
                    "url": pay_link_url(link) if link_state(link) == "open" else "",
                }
                for link in links_for_booking(self.clinic, booking)
            ],
        )
        return context


class BookingPaymentActionView(ClinicWorkspaceMixin, View):
    roles = FRONT_DESK
    http_method_names = ["post"]

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404("No such action.")
        booking = booking_for_admin(self.clinic, pk)
        back = redirect("payments_admin:booking", pk=booking.pk)
        form = AmountForm(request.POST, currency=booking.currency)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["amount"]))
            return back
        amount = form.cleaned_data["amount"]
        try:
            message = self._act(request, booking, action, amount)
        except DomainError as exc:
            messages.error(request, exc.message)
            return back
        messages.success(request, message)
        return back

    def _act(self, request, booking, action, amount):
        """Do the action; the staff action writes its audit entry in the same
        transaction as the change (``payments.staff_actions``)."""

        def fmt(value):
            return format_money(value, booking.currency)

        if action in CHARGES:
            payment = staff_actions.staff_card_charge(
                request=request, booking=booking, kind=CHARGES[action], amount=amount
            )
            values = {"kind": payment.get_kind_display(), "amount": fmt(payment.amount_captured)}
            return gettext("%(kind)s of %(amount)s charged to the card on file.") % values
        if action == "refund":
            if amount is None:
                raise DomainError(
                    gettext("Give the amount to refund."),
                    field="amount",
                    code=PaymentErrorCode.AMOUNT_INVALID,
                )
            refunds = staff_actions.staff_refund(request=request, booking=booking, amount=amount)
            total = fmt(sum(r.amount for r in refunds if r.status == RefundStatus.SUCCEEDED))
            return gettext("%(amount)s refunded.") % {"amount": total}
        # Cancelled through booking_cancel like every door; the refund follows after
        # commit, once (payments.receivers), for the amount returned here.
        total = fmt(
            staff_actions.staff_cancel_with_refund(request=request, booking=booking, amount=amount)
        )
        return gettext("Booking cancelled; %(amount)s refunded.") % {"amount": total}


def admin_urlpatterns():
    from payments.admin_cancel import CancelBookingView
    from payments.admin_pay_links import PayLinkCancelView, PayLinkCreateView

    return [
        path("bookings/<id:pk>/", BookingPaymentsView.as_view(), name="booking"),
        path("bookings/<id:pk>/cancel/", CancelBookingView.as_view(), name="cancel"),
        path("bookings/<id:pk>/pay-link/", PayLinkCreateView.as_view(), name="pay_link"),
        path(
            "bookings/<id:pk>/pay-link/<id:link_id>/cancel/",
            PayLinkCancelView.as_view(),
            name="pay_link_cancel",
        ),
        path(
            "bookings/<id:pk>/<slug:action>/",
            BookingPaymentActionView.as_view(),
            name="action",
        ),
    ]


def booking_payments_url(booking) -> str:
    return reverse("payments_admin:booking", args=[booking.pk])
