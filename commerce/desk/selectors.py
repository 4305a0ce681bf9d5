"""Reads of the desk checkout: the open or completed checkout of a booking with its
lines, tenders and what is still due. A fixed number of queries."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from branding.money import format_money
from commerce.models import DeskCheckout, Product, TenderKind, TenderStatus
from payments.selectors import booking_money, link_paid_since, saved_cards_for_client

COUNTED = (TenderStatus.PENDING, TenderStatus.SUCCEEDED)


@dataclass(frozen=True)
class CheckoutState:
    checkout: DeskCheckout
    currency: str
    service_price: int
    discount: int  # reward vouchers taken off the price at an earlier checkout
    paid_before: int  # paid for the visit before the desk (a deposit, online)
    paid_by_link: int  # paid by a payment link sent while the checkout was open
    lines: list
    products_total: int
    tip: int
    tenders: list
    visit_due: int  # the visit's balance not yet covered by a tender
    products_due: int
    tip_due: int

    @property
    def total(self) -> int:
        return self.service_price - self.discount + self.products_total + self.tip

    @property
    def due(self) -> int:
        return self.visit_due + self.products_due + self.tip_due

    @property
    def taken(self) -> int:
        return sum(t.amount for t in self.tenders if t.status == TenderStatus.SUCCEEDED)

    @property
    def under_way(self) -> bool:
        return any(t.status == TenderStatus.PENDING for t in self.tenders)

    def allocate(self, amount) -> tuple[int, int, int]:
        """How a tender of ``amount`` splits: the products first (they are settled at
        the desk), then the visit (whose rest may be left as the booking's balance or
        sent as a payment link), then the tip → ``(visit, extras, tip)``."""
        extras = min(amount, self.products_due)
        visit = min(amount - extras, self.visit_due)
        tip = min(amount - extras - visit, self.tip_due)
        return visit, extras, tip


def checkout_state(checkout) -> CheckoutState:
    """Six queries: the checkout as it is now, the booking's money (two), what links
    paid during the checkout, the lines, the tenders."""
    checkout = DeskCheckout.objects.select_related(
        "booking__client", "booking__service", "booking__staff", "clinic"
    ).get(pk=checkout.pk)
    booking = checkout.booking
    money = booking_money(booking)
    lines = list(checkout.lines.all())
    tenders = list(checkout.tenders.select_related("recorded_by", "payment__saved_card"))
    counted = [t for t in tenders if t.status in COUNTED]
    # A voucher or gift card at the desk is a discount in the booking's money
    # (``payments``) and a tender here: told apart so it is not counted twice.
    # (A gift card paying products once the visit was covered is their part: extras.)
    vouchers = sum(t.amount - t.extras - t.tip for t in counted if t.kind == TenderKind.VOUCHER)
    desk_visit = sum(t.amount - t.tip - t.extras for t in counted if t.kind != TenderKind.VOUCHER)
    pending_visit = sum(
        t.amount - t.tip - t.extras for t in counted if t.status == TenderStatus.PENDING
    )
    products_total = sum(line.total for line in lines)
    due_for_visit = max(money.balance_due, 0) if money.owes_visit else 0
    paid_outside = max(booking.price - money.discount - money.balance_due - desk_visit, 0)
    # A link sent from this checkout and paid on the client's phone is not "before".
    paid_by_link = min(link_paid_since(booking, checkout.created_at), paid_outside)
    return CheckoutState(
        checkout=checkout,
        currency=booking.currency,
        service_price=booking.price,
        discount=money.discount - vouchers,
        paid_before=paid_outside - paid_by_link + pending_visit,
        paid_by_link=paid_by_link,
        lines=lines,
        products_total=products_total,
        tip=checkout.tip,
        tenders=tenders,
        visit_due=max(due_for_visit - pending_visit, 0),
        products_due=max(products_total - sum(t.extras for t in counted), 0),
        tip_due=max(checkout.tip - sum(t.tip for t in counted), 0),
    )


def checkout_for_booking(clinic, booking_id):
    """The booking's desk checkout at ``clinic`` (or None), with the booking, its client,
    service and staff."""
    return (
        DeskCheckout.objects.filter(clinic=clinic, booking_id=booking_id)
        .select_related(
            "booking__client__user",
            "booking__service",
            "booking__staff",
            "booking__pet",
            "clinic",
        )
        .first()
    )


def checkout_or_404(clinic, booking_id) -> DeskCheckout:
    checkout = checkout_for_booking(clinic, booking_id)
    if checkout is None:
        raise Http404("No checkout for this booking.")
    return checkout


def products_for_desk(clinic):
    """The clinic's products on sale, for the desk's picker."""
    return list(Product.objects.filter(clinic=clinic, active=True))


def desk_card_on_file(clinic, client):
    cards = saved_cards_for_client(clinic, client)
    return cards[0] if cards else None


def tender_change_note(tender, currency) -> str:
    """ "Cash tendered £50.00 · Change £7.50" for cash given above what was due, or ""."""
    if not tender.change:
        return ""
    return _("Cash tendered %(given)s · Change %(change)s") % {
        "given": format_money(tender.cash_given, currency),
        "change": format_money(tender.change, currency),
    }
