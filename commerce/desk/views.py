"""The desk checkout screen in the clinic workspace (``/admin/desk/<booking id>/``):
one page listing the visit, the products added, the tip, the tenders taken and what is
still due, with a form per action. Thin: forms read the input, ``commerce.desk.services``
writes, ``commerce.desk.selectors`` reads. The front desk and managers only; another
clinic's booking answers 404."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.coverage import cover_options
from branding import clinic_time
from branding.errors import DomainError
from branding.money import AmountField, format_money
from commerce.desk import services
from commerce.desk.selectors import (
    checkout_or_404,
    checkout_state,
    desk_card_on_file,
    products_for_desk,
    tender_change_note,
)
from commerce.giftcards.checkout import ref_for as gift_card_ref
from commerce.models import TenderKind
from payments.discounts import vouchers_for
from payments.pay_links import link_state, links_for_booking
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from people.models import AuditAction
from people.services import audit_record


class PriceForm(forms.Form):
    price = AmountField(label=_("Price of the visit"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ProductForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)


class TipForm(forms.Form):
    tip = AmountField(label=_("Tip amount"), required=False)
    percent = forms.DecimalField(
        label=_("or tip % of the services only"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )


class TenderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(k, label) for k, label in TenderKind.choices if k != TenderKind.VOUCHER],
    )
    amount = AmountField(label=_("Amount"))


class CoverForm(forms.Form):
    ref = forms.ChoiceField(label=_("Package session or membership credit"))


class VoucherForm(forms.Form):
    voucher = forms.ChoiceField(label=_("Reward voucher"), required=False)
    gift_card = forms.CharField(label=_("or gift card code"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("voucher") and not (data.get("gift_card") or "").strip():
            raise forms.ValidationError(_("Choose a voucher or type a gift card's code."))
        return data


class PayLinkForm(forms.Form):
    send_by = forms.MultipleChoiceField(
        label=_("Send by"),
        choices=[("email", _("Email")), ("sms", _("SMS"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["email"],
    )


class CompleteForm(forms.Form):
    leave_balance = forms.BooleanField(
        label=_("Leave the rest as a balance due"),
        required=False,
        help_text=_(
            "Only the visit can be left owing: products are paid at the desk, and a tip "
            "not paid yet is dropped."
        ),
    )


FORMS = {
    "price": PriceForm,
    "product": ProductForm,
    "tip": TipForm,
    "tender": TenderForm,
    "voucher": VoucherForm,
    "cover": CoverForm,
    "pay-link": PayLinkForm,
    "complete": CompleteForm,
}


def _forms(clinic, currency, data=None, booking=None, card=None):
    made = {}
    for name, form_class in FORMS.items():
        form = form_class(data, prefix=name)
        for field in form.fields.values():
            if isinstance(field, AmountField):
                field.currency = currency
        made[name] = form
    made["pay_link"] = made["pay-link"]  # as templates can name it
    if card is None:  # no card on file: not offered, and cash comes first
        kind = made["tender"].fields["kind"]
        kind.choices = [(k, label) for k, label in kind.choices if k != TenderKind.CARD_ON_FILE]
        kind.initial = TenderKind.CASH
    made["cover"].fields["ref"].choices = [
        (o.ref, o.label)
        for o in (
            cover_options(clinic=clinic, client=booking.client, service=booking.service)
            if booking is not None
            else []
        )
    ]
    made["voucher"].fields["voucher"].choices = [("", "—")] + [
        (v.ref, v.label) for v in (vouchers_for(booking) if booking is not None else [])
    ]
    made["product"].fields["product"].choices = [
        (p.pk, f"{p.name} · {format_money(p.price, clinic.currency)}")
        for p in products_for_desk(clinic)
        if p.stock is None or p.stock > 0
    ]
    return made


def checkout_url(booking_id) -> str:
    return reverse("commerce_desk_checkout", args=[booking_id])


class DeskCheckoutView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "commerce/desk/checkout.html"
    roles = FRONT_DESK
    page_title = _("Checkout")
    header_icon = "tag"

    def get_page_subtitle(self):
        booking = self.checkout.booking
        return (
            f"{booking.client.name} · {booking.service.name}, "
            f"{clinic_time.format_datetime(booking.start, 'weekday')}"
        )

    def get(self, request, pk):
        try:  # opened the first time staff come here (audited by the service)
            services.checkout_open(clinic=self.clinic, booking_id=pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("booking_calendar:booking", pk=pk)
        self.checkout = checkout_or_404(self.clinic, pk)
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=self.checkout.booking.client,
            summary=f"Viewed the desk checkout of booking {pk}",
            request=request,
        )
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        checkout = self.checkout
        booking = checkout.booking
        state = checkout_state(checkout)
        card = desk_card_on_file(self.clinic, booking.client)

        def fmt(value):
            return format_money(value, state.currency)

        forms = _forms(self.clinic, state.currency, booking=booking, card=card)
        if not state.visit_due:  # a reward voucher takes off the visit only
            del forms["voucher"].fields["voucher"]
            forms["voucher"].fields["gift_card"].label = _("Gift card code")
        context.update(
            checkout=checkout,
            booking=booking,
            state=state,
            money={
                "service": fmt(state.service_price),
                "cover_price": fmt(checkout.cover_price),
                "discount": fmt(state.discount) if state.discount else "",
                "products": fmt(state.products_total),
                "tip": fmt(state.tip),
                "total": fmt(state.total),
                "paid_before": fmt(state.paid_before) if state.paid_before else "",
                "paid_by_link": fmt(state.paid_by_link) if state.paid_by_link else "",
                "taken": fmt(state.taken),
                "due": fmt(state.due),
            },
            lines=[{"line": line, "total": fmt(line.total)} for line in state.lines],
            tenders=[
                {
                    "tender": t,
                    "amount": fmt(t.amount),
                    "change": tender_change_note(t, state.currency),
                }
                for t in state.tenders
            ],
            forms=forms,
            may_price=request_admin_role(self.request) in MANAGERS,
            card=card,
            visit_due=fmt(state.visit_due),
            links=[
                {"link": link, "amount": fmt(link.amount), "state": link_state(link)}
                for link in links_for_booking(self.clinic, booking)
            ],
            appointment_url=reverse("booking_calendar:booking", args=[booking.pk]),
        )
        return context


class DeskCheckoutActionView(ClinicWorkspaceMixin, View):
    roles = FRONT_DESK
    http_method_names = ["post"]

    def post(self, request, pk, action, line_id=None):
        checkout = checkout_or_404(self.clinic, pk)
        back = redirect("commerce_desk_checkout", pk=pk)
        if action == "remove":
            return self._run(
                request,
                back,
                lambda: services.checkout_product_remove(
                    checkout=checkout, line_id=line_id, actor=request.user, request=request
                ),
                _("Product taken off."),
            )
        if action not in FORMS:
            raise Http404("No such action.")
        card = (
            desk_card_on_file(self.clinic, checkout.booking.client) if action == "tender" else None
        )
        form = _forms(
            self.clinic, checkout.booking.currency, request.POST, checkout.booking, card=card
        )[action]
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
            return back
        data = form.cleaned_data
        common = {"checkout": checkout, "actor": request.user, "request": request}
        run, done = {
            "price": (
                lambda: services.checkout_price_set(
                    price=data["price"], reason=data["reason"], **common
                ),
                _("Price changed."),
            ),
            "product": (
                lambda: services.checkout_product_add(
                    product_id=data["product"], quantity=data["quantity"], **common
                ),
                _("Product added."),
            ),
            "tip": (
                lambda: services.checkout_tip_set(
                    amount=data["tip"], percent=data["percent"], **common
                ),
                _("Tip saved."),
            ),
            "tender": (
                lambda: services.checkout_tender_add(
                    kind=data["kind"], amount=data["amount"], **common
                ),
                _("Payment taken."),
            ),
            "cover": (
                lambda: services.checkout_cover_apply(ref=data["ref"], **common),
                _("The visit is covered."),
            ),
            "voucher": (
                lambda: services.checkout_voucher_apply(
                    voucher_ref=data["voucher"] or gift_card_ref(data["gift_card"]), **common
                ),
                _("Voucher taken off the visit."),
            ),
            "pay-link": (
                lambda: services.checkout_pay_link_send(send_by=data["send_by"], **common),
                _("Payment link sent for what is due for the visit."),
            ),
            "complete": (
                lambda: services.checkout_complete(leave_balance=data["leave_balance"], **common),
                _("Checkout completed: the receipt is on its way to the client."),
            ),
        }[action]
        return self._run(request, back, run, done)

    def _run(self, request, back, run, done):
        try:
            run()
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return back


def desk_urlpatterns():
    return [
        path("desk/<id:pk>/", DeskCheckoutView.as_view(), name="commerce_desk_checkout"),
        path(
            "desk/<id:pk>/lines/<id:line_id>/<slug:action>/",
            DeskCheckoutActionView.as_view(),
            name="commerce_desk_line_action",
        ),
        path(
            "desk/<id:pk>/<slug:action>/",
            DeskCheckoutActionView.as_view(),
            name="commerce_desk_action",
        ),
    ]
