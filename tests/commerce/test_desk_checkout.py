"""The desk checkout of a visit (commerce.desk): the visit, products from the shop (stock
taken once), a tip for the booking's staff member, and tenders in any mix — cash and the
external terminal recorded by staff, the card on file charged off-session at localstripe
— until settled or left with a balance due; then the booking's balance settles, one
receipt lists every line and tender, and everything is on the audit trail. A declined
card leaves the checkout open with the other tenders standing."""

import pytest

from booking_api.models import BookingStatus
from booking_api.services.errors import BookingError
from branding.errors import NotAllowedError
from commerce.desk import services
from commerce.desk.selectors import checkout_state
from commerce.errors import CommerceError
from commerce.models import (
    CheckoutStatus,
    DeskCheckout,
    DeskTender,
    Product,
    TenderKind,
    TenderStatus,
)
from payments import test_cards
from payments.customers import card_save, customer_ensure
from payments.errors import CardDeclinedError
from payments.models import Payment, PaymentKind, PaymentMethod, PaymentStatus
from payments.selectors import booking_money, client_balance_totals, client_paid_total
from people.models import AuditEntry
from tests.fixtures.booking import MONDAY, add_booking, at
from tests.fixtures.people import last_email_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


@pytest.fixture
def visit(clinic, patient, service, emma):
    """A £45.00 consultation with Emma, started."""
    return add_booking(
        clinic, patient, service, emma, at(MONDAY, "10:00"), status=BookingStatus.STARTED
    )


def card_on_file(client, card="success"):
    customer = customer_ensure(client=client)
    method = test_cards.test_card_payment_method(card, clinic=client.clinic)
    return card_save(client=client, customer=customer, payment_method_id=method)


@pytest.fixture
def checkout(clinic, visit, staff_user):
    return services.checkout_open(clinic=clinic, booking_id=visit.pk, actor=staff_user)


def test_a_visit_with_a_product_and_a_tip_is_paid_part_cash_rest_by_card(
    clinic,
    patient,
    visit,
    serum,
    checkout,
    staff_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    card_on_file(patient)
    services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=1, actor=staff_user
    )
    services.checkout_tip_set(checkout=checkout, amount=500, actor=staff_user)
    state = checkout_state(checkout)
    assert (state.total, state.due) == (4500 + 3000 + 500, 8000)
    serum.refresh_from_db()
    assert serum.stock == 4  # taken once, when added

    cash = services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=2000, actor=staff_user
    )
    card = services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CARD_ON_FILE, amount=6000, actor=staff_user
    )
    assert (cash.status, card.status) == (TenderStatus.SUCCEEDED, TenderStatus.SUCCEEDED)
    # The products first (the cash paid £20 of them), then the visit, then the tip.
    assert (card.amount, card.extras, card.tip) == (6000, 1000, 500)
    cash_payment = Payment.objects.get(pk=cash.payment_id)
    assert (cash_payment.method, cash_payment.kind, cash_payment.actor) == (
        PaymentMethod.CASH,
        PaymentKind.DESK,
        staff_user,
    )
    assert not cash_payment.stripe_payment_intent_id  # no Stripe call for cash
    card_payment = Payment.objects.get(pk=card.payment_id)
    assert (card_payment.status, card_payment.amount_captured, card_payment.tip) == (
        PaymentStatus.SUCCEEDED,
        6000,
        500,
    )
    assert card_payment.stripe_payment_intent_id
    # Each is a payment with the clinic's next receipt number, in the order taken.
    assert (cash_payment.receipt_number, card_payment.receipt_number) == ("GLOW-P1", "GLOW-P2")

    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=staff_user)
    checkout.refresh_from_db()
    assert (checkout.status, checkout.balance_left) == (CheckoutStatus.COMPLETED, 0)
    # The booking's balance settles; the client owes nothing and has no false credit;
    # "total spent" is what was paid (the product included), not the tip.
    assert booking_money(visit).balance_due == 0
    assert client_balance_totals(clinic, patient) == (0, 0)
    assert client_paid_total(clinic, patient) == 7500
    # One receipt, every line and tender (no separate card receipt).
    email = last_email_to(patient.user.email)
    for text in ("Consultation", "1 × Vitamin C serum", "Tip for Emma", "Cash", "Card on file"):
        assert text in email.body
    assert "£80.00" in email.body and email.attachments
    assert len([m for m in mailoutbox if patient.user.email in m.to]) == 1
    summaries = list(AuditEntry.objects.filter(client=patient).values_list("summary", flat=True))
    assert any("by cash" in s for s in summaries)
    assert any("by card on file" in s for s in summaries)
    assert any("Completed the desk checkout" in s for s in summaries)


def test_a_declined_card_keeps_the_checkout_open_and_the_cash_taken(
    clinic, patient, visit, checkout, staff_user
):
    card_on_file(patient, card="decline")  # saves fine, declined when charged
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.TERMINAL, amount=1000, actor=staff_user
    )
    with pytest.raises(CardDeclinedError):
        services.checkout_tender_add(
            checkout=checkout, kind=TenderKind.CARD_ON_FILE, amount=3500, actor=staff_user
        )
    declined = DeskTender.objects.get(kind=TenderKind.CARD_ON_FILE)
    assert declined.status == TenderStatus.FAILED and "declined" in declined.message
    state = checkout_state(checkout)
    assert (state.taken, state.due) == (1000, 3500)  # the terminal payment stands
    assert booking_money(visit).balance_due == 3500
    # Not settled: completing is refused until staff choose to leave a balance.
    with pytest.raises(CommerceError) as refused:
        services.checkout_complete(checkout=checkout, actor=staff_user)
    assert refused.value.code == "checkout_unsettled"
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.OPEN
    services.checkout_complete(checkout=checkout, actor=staff_user, leave_balance=True)
    checkout.refresh_from_db()
    assert (checkout.status, checkout.balance_left) == (CheckoutStatus.COMPLETED, 3500)
    assert client_balance_totals(clinic, patient) == (3500, 0)


def test_a_card_tender_over_what_is_due_is_refused_and_nothing_is_written(checkout, staff_user):
    with pytest.raises(CommerceError) as refused:
        services.checkout_tender_add(
            checkout=checkout, kind=TenderKind.TERMINAL, amount=4501, actor=staff_user
        )
    assert refused.value.field == "amount"
    assert not DeskTender.objects.exists() and not Payment.objects.exists()


def test_cash_above_what_is_due_is_kept_as_what_is_due_with_change_given(
    patient, checkout, staff_user, manager, django_capture_on_commit_callbacks
):
    """Found by a receptionist: a £50 note for a £42.50 visit was refused."""
    services.checkout_price_set(
        checkout=checkout, price=4250, actor=manager, reason="Shorter treatment"
    )
    tender = services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=5000, actor=staff_user
    )
    assert (tender.status, tender.amount, tender.cash_given, tender.change) == (
        TenderStatus.SUCCEEDED,
        4250,
        5000,
        750,
    )
    # The takings are what was kept, not the note handed over.
    assert Payment.objects.get().amount_captured == 4250
    assert checkout_state(checkout).due == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=staff_user)
    body = last_email_to(patient.user.email).body
    assert "Cash tendered £50.00 · Change £7.50" in body


def test_only_a_manager_changes_the_price_and_it_is_audited(
    checkout, visit, staff_user, manager, patient
):
    with pytest.raises(NotAllowedError):
        services.checkout_price_set(
            checkout=checkout, price=3000, actor=staff_user, reason="Shorter treatment"
        )
    visit.refresh_from_db()
    assert visit.price == 4500
    # A manager gives a reason, or the price stays.
    with pytest.raises(BookingError) as refused:
        services.checkout_price_set(checkout=checkout, price=3000, actor=manager, reason=" ")
    assert refused.value.field == "reason"
    visit.refresh_from_db()
    assert visit.price == 4500
    services.checkout_price_set(
        checkout=checkout, price=3000, actor=manager, reason="Shorter treatment"
    )
    visit.refresh_from_db()
    assert visit.price == 3000
    assert visit.events.filter(kind="price_adjusted", data={"from": 4500, "to": 3000}).exists()
    assert AuditEntry.objects.filter(
        client=patient, actor=manager, summary__contains="Shorter treatment"
    ).exists()
    assert checkout_state(DeskCheckout.objects.get(pk=checkout.pk)).due == 3000


def test_a_product_out_of_stock_is_refused_and_a_removed_one_goes_back(checkout, serum, staff_user):
    with pytest.raises(CommerceError) as refused:
        services.checkout_product_add(
            checkout=checkout, product_id=serum.pk, quantity=6, actor=staff_user
        )
    assert refused.value.code == "out_of_stock"
    line = services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=2, actor=staff_user
    )
    assert Product.objects.get(pk=serum.pk).stock == 3
    services.checkout_product_remove(checkout=checkout, line_id=line.pk, actor=staff_user)
    assert Product.objects.get(pk=serum.pk).stock == 5


def test_a_tip_as_a_percentage_goes_to_the_bookings_staff_member(checkout, staff_user, emma):
    services.checkout_tip_set(checkout=checkout, percent=10, actor=staff_user)
    checkout.refresh_from_db()
    assert (checkout.tip, checkout.tip_staff) == (450, emma)


def test_a_tip_percentage_is_of_the_services_only_and_follows_a_cover(
    checkout, serum, staff_user, bought
):
    """Found by a receptionist: 10% was worked out on the serum too, and stayed £7.50
    after a package session covered the visit."""
    services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=1, actor=staff_user
    )
    services.checkout_tip_set(checkout=checkout, percent=10, actor=staff_user)
    assert checkout_state(checkout).tip == 450  # 10% of the £45 visit, not of £75
    services.checkout_cover_apply(
        checkout=checkout, ref=f"commerce:package:{bought.pk}", actor=staff_user
    )
    state = checkout_state(checkout)
    # No services left to pay for: 10% of nothing; the serum is still due.
    assert (state.tip, state.due) == (0, 3000)


def test_a_completed_checkout_is_not_completed_again_nor_paid_into(checkout, staff_user):
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
    )
    services.checkout_complete(checkout=checkout, actor=staff_user)
    for attempt in (
        lambda: services.checkout_complete(checkout=checkout, actor=staff_user),
        lambda: services.checkout_tender_add(
            checkout=checkout, kind=TenderKind.CASH, amount=100, actor=staff_user
        ),
    ):
        with pytest.raises(CommerceError) as refused:
            attempt()
        assert refused.value.code == "checkout_closed"
    assert Payment.objects.count() == 1


def test_a_cancelled_booking_cannot_be_checked_out(clinic, patient, service, emma, staff_user):
    cancelled = add_booking(
        clinic, patient, service, emma, at(MONDAY, "12:00"), status=BookingStatus.CANCELLED
    )
    with pytest.raises(CommerceError):
        services.checkout_open(clinic=clinic, booking_id=cancelled.pk, actor=staff_user)


def test_desk_receipts_are_numbered_per_clinic_without_gaps(
    clinic, other_clinic, patient, service, emma, staff_user, visit, checkout
):
    from tests.factories.booking import ServiceFactory, StaffFactory
    from tests.factories.clients import ClientAccountFactory, MembershipFactory

    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
    )
    services.checkout_complete(checkout=checkout, actor=staff_user)
    second_visit = add_booking(
        clinic, patient, service, emma, at(MONDAY, "14:00"), status=BookingStatus.STARTED
    )
    second = services.checkout_open(clinic=clinic, booking_id=second_visit.pk, actor=staff_user)
    services.checkout_tender_add(
        checkout=second, kind=TenderKind.TERMINAL, amount=4500, actor=staff_user
    )
    services.checkout_complete(checkout=second, actor=staff_user)
    # Another clinic's first desk receipt is its number 1, whatever Glow issued.
    desk = MembershipFactory(clinic=other_clinic, role="staff").user
    theirs = ServiceFactory(clinic=other_clinic, name="Dental check", price=8000)
    vet = StaffFactory(clinic=other_clinic, display_name="Dr Lee", services=[theirs])
    their_visit = add_booking(
        other_clinic,
        ClientAccountFactory(clinic=other_clinic),
        theirs,
        vet,
        at(MONDAY, "10:00"),
        status=BookingStatus.STARTED,
    )
    their_checkout = services.checkout_open(
        clinic=other_clinic, booking_id=their_visit.pk, actor=desk
    )
    services.checkout_tender_add(
        checkout=their_checkout, kind=TenderKind.CASH, amount=8000, actor=desk
    )
    services.checkout_complete(checkout=their_checkout, actor=desk)

    numbers = dict(DeskCheckout.objects.values_list("pk", "receipt_number"))
    assert (numbers[checkout.pk], numbers[second.pk]) == ("GLOW-D1", "GLOW-D2")
    assert numbers[their_checkout.pk].endswith("-D1")


def test_the_receipt_tells_the_visit_in_the_clinics_time_zone_and_money(
    other_clinic, mailoutbox, django_capture_on_commit_callbacks
):
    import zoneinfo

    from tests.factories.booking import ServiceFactory, StaffFactory
    from tests.factories.clients import ClientAccountFactory, MembershipFactory

    desk = MembershipFactory(clinic=other_clinic, role="staff").user
    client = ClientAccountFactory(clinic=other_clinic)
    service = ServiceFactory(clinic=other_clinic, name="Dental check", price=8000)
    staff = StaffFactory(clinic=other_clinic, display_name="Dr Lee", services=[service])
    start = at(MONDAY, "08:00", tz=zoneinfo.ZoneInfo("America/New_York"))  # 13:00 in London
    visit = add_booking(other_clinic, client, service, staff, start, status=BookingStatus.STARTED)
    checkout = services.checkout_open(clinic=other_clinic, booking_id=visit.pk, actor=desk)
    services.checkout_tender_add(checkout=checkout, kind=TenderKind.CASH, amount=8000, actor=desk)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=desk)
    body = last_email_to(client.user.email).body
    assert "8:00" in body and "13:00" not in body and "1:00" not in body
    assert "$80.00" in body


def test_a_bulgarian_clinics_receipt_is_in_bulgarian(
    clinic, patient, checkout, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    clinic.language = "bg"
    clinic.save(update_fields=["language"])
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=staff_user)
    body = last_email_to(patient.user.email).body
    assert "Благодарим за посещението ви" in body
    assert "В брой" in body and "Общо" in body and "45,00" in body


def test_the_rest_of_the_visit_goes_by_payment_link_and_the_checkout_completes_due(
    clinic,
    patient,
    visit,
    serum,
    checkout,
    staff_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from payments.models import PaymentLink, PaymentLinkStatus

    services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=1, actor=staff_user
    )
    services.checkout_tip_set(checkout=checkout, amount=300, actor=staff_user)
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=2000, actor=staff_user
    )
    # Products are settled at the desk: £10 of the serum is still to take.
    with pytest.raises(CommerceError) as refused:
        services.checkout_complete(checkout=checkout, actor=staff_user, leave_balance=True)
    assert refused.value.code == "checkout_unsettled" and "products" in refused.value.message
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.TERMINAL, amount=1500, actor=staff_user
    )
    with django_capture_on_commit_callbacks(execute=True):
        link = services.checkout_pay_link_send(
            checkout=checkout, send_by=["email"], actor=staff_user
        )
    assert (link.amount, link.kind, link.status) == (4000, "balance", PaymentLinkStatus.OPEN)
    assert "/pay/" in last_email_to(patient.user.email).body
    services.checkout_complete(checkout=checkout, actor=staff_user, leave_balance=True)
    checkout.refresh_from_db()
    # The unpaid tip is no tip; the visit's £40 is the client's balance until the link
    # is paid.
    assert (checkout.tip, checkout.balance_left) == (0, 4000)
    assert client_balance_totals(clinic, patient) == (4000, 0)
    assert PaymentLink.objects.get().status == PaymentLinkStatus.OPEN


def test_a_gift_card_pays_what_it_can_of_the_visit_and_the_rest_is_cash(
    clinic, patient, visit, serum, checkout, staff_user, gift_card
):
    from commerce.giftcards.checkout import ref_for
    from commerce.giftcards.selectors import gift_card_balance

    services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=1, actor=staff_user
    )
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=3500, actor=staff_user
    )  # the serum, and £5 of the visit
    tender = services.checkout_voucher_apply(
        checkout=checkout, voucher_ref=ref_for(gift_card.code), actor=staff_user
    )
    assert (tender.kind, tender.status, tender.amount) == (
        TenderKind.VOUCHER,
        TenderStatus.SUCCEEDED,
        4000,
    )
    assert gift_card_balance(gift_card) == 2000
    state = checkout_state(checkout)
    assert (state.total, state.taken, state.due, state.discount) == (7500, 7500, 0, 0)
    services.checkout_complete(checkout=checkout, actor=staff_user)
    assert booking_money(visit).balance_due == 0
    assert client_balance_totals(clinic, patient) == (0, 0)
    # The card's money was counted when the card was sold: not spent again here.
    assert client_paid_total(clinic, patient) == 3500
    # The Balance tab shows what the gift card took (it showed £0.00).
    from tests.fixtures.clinics import admin_client_for

    tab = admin_client_for(staff_user, clinic).get(
        f"/admin/clinic/clients/{patient.pk}/?tab=balance&partial=1"
    )
    rows = [
        row for row in tab.content.decode().split("<tr>") if "Reward voucher or gift card" in row
    ]
    assert len(rows) == 1 and "£40.00" in rows[0], rows


def test_a_gift_card_takes_only_what_is_due_and_an_unknown_code_changes_nothing(
    checkout, staff_user, gift_card
):
    from commerce.giftcards.checkout import ref_for
    from commerce.giftcards.selectors import gift_card_balance

    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4000, actor=staff_user
    )
    with pytest.raises(CommerceError) as refused:
        services.checkout_voucher_apply(
            checkout=checkout, voucher_ref=ref_for("AAAA-BBBB-CCCC-DDDD"), actor=staff_user
        )
    assert refused.value.field == "voucher"
    assert not DeskTender.objects.filter(kind=TenderKind.VOUCHER).exists()
    assert Payment.objects.count() == 1
    tender = services.checkout_voucher_apply(
        checkout=checkout, voucher_ref=ref_for(gift_card.code), actor=staff_user
    )
    assert tender.amount == 500  # the £5 still due, not the £45 price
    assert gift_card_balance(gift_card) == 5500
    assert checkout_state(checkout).due == 0


def test_a_package_session_covers_the_visit_at_the_desk(
    clinic,
    patient,
    visit,
    checkout,
    staff_user,
    bought,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from commerce.packages.selectors import package_balance

    services.checkout_cover_apply(
        checkout=checkout, ref=f"commerce:package:{bought.pk}", actor=staff_user
    )
    visit.refresh_from_db()
    assert visit.price == 0
    assert visit.events.filter(kind="covered", data__price=4500).exists()
    assert package_balance(bought) == 2
    assert checkout_state(checkout).due == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=staff_user)
    assert "Three consultations" in last_email_to(patient.user.email).body
    assert client_balance_totals(clinic, patient) == (0, 0)


def test_a_visit_already_paid_towards_is_not_covered_and_nothing_changes(
    visit, checkout, staff_user, bought
):
    from commerce.packages.selectors import package_balance

    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=1000, actor=staff_user
    )
    with pytest.raises(CommerceError) as refused:
        services.checkout_cover_apply(
            checkout=checkout, ref=f"commerce:package:{bought.pk}", actor=staff_user
        )
    assert refused.value.field == "package"
    visit.refresh_from_db()
    assert visit.price == 4500 and package_balance(bought) == 3


def test_the_card_on_file_without_a_card_is_refused_and_nothing_is_written(checkout, staff_user):
    with pytest.raises(CommerceError) as refused:
        services.checkout_tender_add(
            checkout=checkout, kind=TenderKind.CARD_ON_FILE, amount=4500, actor=staff_user
        )
    assert refused.value.field == "card"
    assert not DeskTender.objects.exists() and not Payment.objects.exists()


def test_checking_out_a_visit_that_has_begun_completes_it_and_a_future_one_is_left(
    clinic, patient, service, emma, staff_user, visit, checkout
):
    """Found by a receptionist on the demo: after checkout the visit stayed "Booked",
    Today offered to check the client in again and a reminder still went out."""
    import datetime

    from django.utils import timezone

    begun = add_booking(
        clinic,
        patient,
        service,
        emma,
        timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=30),
        status=BookingStatus.CONFIRMED,
    )
    desk = services.checkout_open(clinic=clinic, booking_id=begun.pk, actor=staff_user)
    services.checkout_tender_add(checkout=desk, kind=TenderKind.CASH, amount=4500, actor=staff_user)
    services.checkout_complete(checkout=desk, actor=staff_user)
    begun.refresh_from_db()
    assert begun.status == BookingStatus.COMPLETED

    # Paid ahead of a visit in January: the visit is not completed before its time.
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
    )
    services.checkout_complete(checkout=checkout, actor=staff_user)
    visit.refresh_from_db()
    assert visit.status == BookingStatus.STARTED


def test_a_payment_link_paid_during_the_checkout_reads_as_paid_by_link(
    clinic, patient, visit, checkout, staff_user, django_capture_on_commit_callbacks
):
    """Found by a receptionist: the link the client paid at the desk read "Paid before
    the visit"."""
    from payments.services.pay_links import pay_link_confirm

    with django_capture_on_commit_callbacks(execute=True):
        link = services.checkout_pay_link_send(
            checkout=checkout, send_by=["email"], actor=staff_user
        )
    pay_link_confirm(
        link=link, payment_method=test_cards.test_card_payment_method("success", clinic=clinic)
    )
    state = checkout_state(checkout)
    assert (state.paid_by_link, state.paid_before, state.due) == (4500, 0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_complete(checkout=checkout, actor=staff_user)
    body = last_email_to(patient.user.email).body
    assert "Paid by payment link during checkout: £45.00" in body
    assert "Paid before the visit" not in body


def test_the_price_cannot_go_below_what_was_already_paid_for_the_visit(
    checkout, visit, staff_user, manager, patient
):
    """Found by a receptionist: a manager set £10 on a visit £20 had been paid for."""
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=2000, actor=staff_user
    )
    with pytest.raises(CommerceError) as refused:
        services.checkout_price_set(checkout=checkout, price=1000, actor=manager, reason="Goodwill")
    assert (refused.value.field, refused.value.code) == ("price", "price_below_paid")
    assert "£20.00" in refused.value.message
    visit.refresh_from_db()
    assert visit.price == 4500 and not visit.events.filter(kind="price_adjusted").exists()
    # Down to what was paid is fine, and the reason is on the audit entry.
    services.checkout_price_set(checkout=checkout, price=2000, actor=manager, reason="Goodwill")
    visit.refresh_from_db()
    assert visit.price == 2000
    assert AuditEntry.objects.filter(
        client=patient, actor=manager, summary__contains="(Goodwill)"
    ).exists()


def test_after_a_package_covers_the_visit_a_gift_card_still_pays_the_products(
    clinic, patient, visit, serum, checkout, staff_user, bought, gift_card
):
    """Found by a receptionist: once a package covered the visit, the gift card and
    payment link sections vanished though the serum was still due."""
    from commerce.giftcards.checkout import ref_for
    from commerce.giftcards.selectors import gift_card_balance
    from tests.fixtures.clinics import admin_client_for

    services.checkout_product_add(
        checkout=checkout, product_id=serum.pk, quantity=1, actor=staff_user
    )
    services.checkout_cover_apply(
        checkout=checkout, ref=f"commerce:package:{bought.pk}", actor=staff_user
    )
    page = admin_client_for(staff_user, clinic).get(f"/admin/desk/{visit.pk}/").content.decode()
    assert "data-voucher-form" in page and "Gift card code" in page
    assert "data-tender-form" in page
    tender = services.checkout_voucher_apply(
        checkout=checkout, voucher_ref=ref_for(gift_card.code), actor=staff_user
    )
    assert (tender.status, tender.amount, tender.extras) == (TenderStatus.SUCCEEDED, 3000, 3000)
    assert gift_card_balance(gift_card) == 3000
    state = checkout_state(checkout)
    assert (state.due, state.discount, state.products_due) == (0, 0, 0)
    services.checkout_complete(checkout=checkout, actor=staff_user)
    assert client_balance_totals(clinic, patient) == (0, 0)
    # The card's money was counted when it was sold: no payment, nothing spent again.
    assert not Payment.objects.exists() and client_paid_total(clinic, patient) == 0
