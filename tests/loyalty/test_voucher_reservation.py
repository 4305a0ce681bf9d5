"""Issue 18 #1: a reward voucher discounts one booking, not many. Applying it at a
checkout reserves it for that booking's payment; a second booking cannot apply it while
the reservation stands; the reserving payment's success uses it; cancelling the
reserving booking (or its hold running out) gives it back. Through the real payments API
and the local Stripe server."""

import datetime

import pytest
from django.utils import timezone

from booking_api.models import Booking, BookingStatus
from loyalty.models import Voucher, VoucherStatus
from loyalty.rewards.services import reward_redeem
from loyalty.services import points_award
from payments import services as payment_services
from payments.models import Payment, PaymentStatus
from tests.factories.loyalty import RewardFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.honesty import nothing_changes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


@pytest.fixture
def voucher(clinic, patient):
    """A £10-off voucher the patient bought with their points."""
    reward = RewardFactory(clinic=clinic, name="£10 off", cost=100, amount_off=1000)
    points_award(clinic=clinic, client=patient, amount=100, reason="start")
    return reward_redeem(clinic=clinic, client=patient, reward_id=reward.pk)


def hold(api, hhmm):
    response = api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, hhmm).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def apply(api, body, ref):
    return api.post(f"/api/v1/bookings/{body['booking']}/checkout", {"voucher": ref}, format="json")


def pay(api, body):
    return api.post(
        f"/api/v1/payments/{body['payment']['id']}/confirm",
        {"payment_method": "success"},
        format="json",
    )


def test_one_voucher_at_two_checkouts_discounts_only_the_first(
    full_policy, emma, patient_api, voucher, django_capture_on_commit_callbacks
):
    ref = f"loyalty:{voucher.code}"
    first, second = hold(patient_api, "10:00"), hold(patient_api, "11:00")
    assert apply(patient_api, first, ref).status_code == 200
    # Naming it at the second checkout is refused (however the code is typed), and
    # nothing changes.
    with nothing_changes(Payment, Voucher, Booking):
        refused = apply(patient_api, second, ref)
        lower = apply(patient_api, second, ref.lower())
    assert refused.status_code == 409, refused.json()
    assert refused.json()["field"] == "voucher"
    assert refused.json()["code"] == "voucher_reserved"
    assert lower.json()["code"] == "voucher_reserved"
    # Nor is it offered there any more.
    assert apply(patient_api, second, "").json()["vouchers"] == []
    # Both pay: only the first is discounted, and the voucher is used by it alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(patient_api, first).json()["amount_captured"] == 3500
        assert pay(patient_api, second).json()["amount_captured"] == 4500
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.USED
    assert voucher.used_for == f"payment-{first['payment']['id']}"
    paid = Payment.objects.filter(status=PaymentStatus.SUCCEEDED)
    assert sorted(paid.values_list("discount", flat=True)) == [0, 1000]


def test_applying_it_again_to_the_same_booking_keeps_its_reservation(
    full_policy, emma, patient_api, voucher
):
    ref = f"loyalty:{voucher.code}"
    first = hold(patient_api, "10:00")
    assert apply(patient_api, first, ref).status_code == 200
    again = apply(patient_api, first, ref)
    assert again.status_code == 200 and again.json()["quote"]["discount"] == 1000
    # Resuming the checkout without naming a voucher (the return from Stripe.js) keeps it.
    resumed = patient_api.post(f"/api/v1/bookings/{first['booking']}/checkout", {}, format="json")
    assert resumed.json()["quote"]["discount"] == 1000
    assert [v["ref"] for v in resumed.json()["vouchers"]] == [ref]


def test_choosing_no_voucher_gives_it_back(full_policy, emma, patient_api, voucher):
    ref = f"loyalty:{voucher.code}"
    first, second = hold(patient_api, "10:00"), hold(patient_api, "11:00")
    assert apply(patient_api, first, ref).status_code == 200
    assert apply(patient_api, first, "").json()["quote"]["discount"] == 0
    chosen = apply(patient_api, second, ref)
    assert chosen.status_code == 200 and chosen.json()["quote"]["discount"] == 1000


def test_cancelling_the_reserving_booking_gives_it_back(
    full_policy, emma, patient_api, voucher, django_capture_on_commit_callbacks
):
    ref = f"loyalty:{voucher.code}"
    first, second = hold(patient_api, "10:00"), hold(patient_api, "11:00")
    assert apply(patient_api, first, ref).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = patient_api.post(
            f"/api/v1/bookings/{first['booking']}/cancel", {}, format="json"
        )
    assert cancelled.status_code == 200, cancelled.json()
    chosen = apply(patient_api, second, ref)
    assert chosen.status_code == 200 and chosen.json()["quote"]["discount"] == 1000
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(patient_api, second).json()["amount_captured"] == 3500
    voucher.refresh_from_db()
    assert voucher.used_for == f"payment-{second['payment']['id']}"


def test_a_hold_that_runs_out_gives_it_back(
    full_policy, emma, patient_api, voucher, django_capture_on_commit_callbacks
):
    ref = f"loyalty:{voucher.code}"
    first = hold(patient_api, "10:00")
    assert apply(patient_api, first, ref).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert payment_services.holds_expire(now=later) == {first["booking"]: "released"}
    assert Booking.objects.get(pk=first["booking"]).status == BookingStatus.CANCELLED
    second = hold(patient_api, "11:00")
    chosen = apply(patient_api, second, ref)
    assert chosen.status_code == 200 and chosen.json()["quote"]["discount"] == 1000


def test_the_portal_checkout_refuses_it_for_a_second_booking_and_keeps_it_on_return(
    full_policy, emma, clinic, patient, held, signed_in, voucher, django_capture_on_commit_callbacks
):
    ref = f"loyalty:{voucher.code}"
    first, second = held("10:00"), held("11:00")
    page = signed_in.get(f"/book/pay/{first.reference}/", {"voucher": ref})
    assert page.status_code == 200 and "£35.00" in page.content.decode()
    # Back from Stripe.js (no voucher in the address): still applied, still £35.00.
    back = signed_in.get(f"/book/pay/{first.reference}/", {"returned": "1"})
    assert "£35.00" in back.content.decode()
    assert Payment.objects.get(booking=first).voucher_ref == ref
    # The second booking's checkout: refused with the reason, full price, not offered.
    with nothing_changes(Voucher):
        page = signed_in.get(f"/book/pay/{second.reference}/", {"voucher": ref})
    html = page.content.decode()
    assert page.status_code == 200
    assert "already applied to another booking" in html
    assert "£45.00" in html and "£35.00" not in html and ref not in html
    assert Payment.objects.get(booking=second).voucher_ref == ""
    # Paying both with the test card: one discount.
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/book/pay/{first.reference}/", {"card": "success", "voucher": ref})
        signed_in.post(f"/book/pay/{second.reference}/", {"card": "success", "voucher": ""})
    paid = Payment.objects.filter(status=PaymentStatus.SUCCEEDED).order_by("booking__start")
    assert [(p.discount, p.amount_captured) for p in paid] == [(1000, 3500), (0, 4500)]
