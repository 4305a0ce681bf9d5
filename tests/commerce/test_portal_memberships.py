"""The portal's membership pages as a member sees them: the plan already held is "Your
plan" (no second "Join and pay"), cancelling asks first, the credit history says each
thing once."""

import pytest

from commerce.models import Membership

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("stripe_at_localstripe", "open_policy"),
]


def test_a_member_is_shown_their_plan_not_join(member, member_plan, signed_in):
    page = signed_in.get("/memberships/").content.decode()
    assert "Your plan" in page
    assert f'href="/memberships/plans/{member_plan.pk}/join/"' not in page
    assert "Join for" not in page
    join = signed_in.get(f"/memberships/plans/{member_plan.pk}/join/").content.decode()
    assert "Join and pay" not in join
    assert "Test cards" not in join
    assert f'href="/memberships/{member.pk}/"' in join


def test_a_non_member_is_still_offered_join(member_plan, signed_in):
    page = signed_in.get("/memberships/").content.decode()
    assert "Your plan" not in page
    assert f'href="/memberships/plans/{member_plan.pk}/join/"' in page


def test_posting_join_again_for_a_held_plan_charges_nothing(member, member_plan, signed_in):
    answer = signed_in.post(f"/memberships/plans/{member_plan.pk}/join/", {"card": "success"})
    assert answer.status_code == 200
    assert Membership.objects.count() == 1


def test_cancelling_asks_for_confirmation_first(member, signed_in):
    page = signed_in.get(f"/memberships/{member.pk}/").content.decode()
    assert f'href="/memberships/{member.pk}/cancel/"' in page
    confirm = signed_in.get(f"/memberships/{member.pk}/cancel/")
    assert confirm.status_code == 200
    assert "Yes, cancel at the end of this period" in confirm.content.decode()
    assert "Keep my membership" in confirm.content.decode()
    signed_in.post(f"/memberships/{member.pk}/cancel/")
    member.refresh_from_db()
    assert member.cancel_at_period_end is False
    answer = signed_in.post(f"/memberships/{member.pk}/cancel/", {"confirm": "1"})
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.cancel_at_period_end is True


def test_the_credit_history_does_not_repeat_the_reason(member, signed_in):
    page = signed_in.get(f"/memberships/{member.pk}/").content.decode()
    assert "Included this period (+1)" in page
    assert "Included this period (+1) — Included this period" not in page


def test_another_clients_membership_cannot_be_cancelled(member, clinic, signed_in):
    from tests.factories.clients import ClientAccountFactory

    other = ClientAccountFactory(clinic=clinic)
    Membership.objects.filter(pk=member.pk).update(client=other)
    assert signed_in.get(f"/memberships/{member.pk}/cancel/").status_code == 404
    assert signed_in.post(f"/memberships/{member.pk}/cancel/", {"confirm": "1"}).status_code == 404
    member.refresh_from_db()
    assert member.cancel_at_period_end is False


def _checkout(patient_api):
    from tests.fixtures.booking import MONDAY, at

    return patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )


def test_the_confirm_step_shows_the_members_price_and_deposit(
    deposit_policy, service, emma, member, signed_in
):
    from tests.fixtures.booking import MONDAY, at

    t = int(at(MONDAY, "10:00").timestamp())
    page = signed_in.get(
        "/book/confirm/", {"service": service.pk, "staff": emma.pk, "t": t}
    ).content.decode()
    assert service.price == 4500
    assert "Member discount" in page
    assert "−£9.00 (Glow club 20%)" in page
    assert "£36.00" in page  # the member's price
    assert "£7.20" in page  # the deposit: 20% of the member's price, as checkout charges


def test_a_non_members_confirm_step_has_no_discount(deposit_policy, service, emma, signed_in):
    from tests.fixtures.booking import MONDAY, at

    t = int(at(MONDAY, "10:00").timestamp())
    page = signed_in.get(
        "/book/confirm/", {"service": service.pk, "staff": emma.pk, "t": t}
    ).content.decode()
    assert "Member discount" not in page
    assert "£9.00" in page  # the full deposit


def test_checkout_reports_the_member_discount_and_the_pay_page_explains_it(
    deposit_policy, emma, member, patient_api, signed_in
):
    answer = _checkout(patient_api)
    assert answer.status_code == 201, answer.json()
    quote = answer.json()["quote"]
    assert quote["price"] == 3600 and quote["full_price"] == 4500
    assert quote["member_discount"] == 900
    assert quote["member_discount_label"] == "Glow club 20%"
    assert quote["discount"] == 0  # rewards and vouchers only
    assert quote["due_now"] == 720
    from booking_api.models import Booking

    booking = Booking.objects.get(pk=answer.json()["booking"])
    page = signed_in.get(f"/book/pay/{booking.reference}/").content.decode()
    assert "Member discount (Glow club 20%)" in page
    assert "−£9.00" in page
    assert "£45.00" in page


def test_joining_records_a_purchase_with_a_receipt_email_and_pdf(
    clinic, patient, member_plan, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    from commerce.memberships.services import membership_join
    from commerce.models import Purchase
    from tests.fixtures.forms import sign

    sign(member_plan.agreement, patient)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_join(
            clinic=clinic, client=patient, plan_id=member_plan.pk, payment_method="success"
        )
    purchase = Purchase.objects.get()
    assert (purchase.kind, purchase.amount_captured, purchase.status) == (
        "membership",
        3000,
        "succeeded",
    )
    assert purchase.membership == membership and purchase.stripe_invoice_id.startswith("in_")
    receipts = [m for m in mailoutbox if m.attachments]
    assert [m.attachments[0][0] for m in receipts] == ["receipt-glow-s1.pdf"]
    history = signed_in.get("/bookings/history/").content.decode()
    assert "Glow club membership" in history and str(purchase.reference) in history
    pdf = signed_in.get(f"/purchases/{purchase.reference}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_each_paid_renewal_is_one_purchase_on_the_balance_tab(
    clinic, patient, member, localstripe, django_capture_on_commit_callbacks
):
    from commerce.balance import purchase_lines
    from commerce.models import Purchase
    from tests.commerce.test_memberships import deliver, events, renew

    renew(localstripe, member)
    paid = events(localstripe, "invoice.paid", member)
    for event_id in paid + paid:  # Stripe says each twice
        deliver(localstripe, clinic, event_id, django_capture_on_commit_callbacks)
    purchases = Purchase.objects.filter(membership=member, kind="membership")
    assert purchases.count() == 2  # joining's and the renewal's, once each
    assert len({p.stripe_invoice_id for p in purchases}) == 2
    lines = [line.what for line in purchase_lines(clinic, patient)]
    assert lines.count("Membership: Glow club membership") == 2


def test_a_booking_on_a_credit_reads_included_in_your_membership(
    clinic, patient, service, emma, member, signed_in
):
    from booking_api.services import booking_create
    from tests.fixtures.booking import MONDAY, at

    covered = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        source="portal",
        package=f"commerce:membership:{member.pk}",
    )
    page = signed_in.get(f"/bookings/{covered.reference}/").content.decode()
    assert "Included in your membership" in page
    assert "£0.00" not in page
    paid = booking_create(
        clinic=clinic, client=patient, service=service, start=at(MONDAY, "11:00"), source="portal"
    )
    page = signed_in.get(f"/bookings/{paid.reference}/").content.decode()
    assert "Included in your membership" not in page
    assert "£36.00" in page


def test_staff_can_refund_a_membership_payment(clinic, patient, member):
    from commerce.models import Purchase
    from commerce.purchases import purchase_refund, purchase_refunded

    purchase = Purchase.objects.get(membership=member)
    assert purchase.stripe_payment_intent_id.startswith("pi_")
    refund = purchase_refund(purchase=purchase, amount=1000, actor=None, reason="Goodwill")
    assert refund.stripe_refund_id
    assert purchase_refunded(purchase) == 1000
