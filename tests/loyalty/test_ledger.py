"""The ledger: append-only, never negative, reversible once, idempotent."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from booking_api.models import BookingStatus
from booking_api.services import booking_create, booking_transition
from loyalty.errors import LoyaltyError
from loyalty.models import AppendOnlyError, EntryKind, LedgerEntry
from loyalty.selectors import balance, history
from loyalty.services import (
    entry_reverse,
    points_adjust,
    points_award,
    points_for_completed_booking,
    points_redeem,
)
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def award(clinic, client, amount, **kwargs):
    return points_award(clinic=clinic, client=client, amount=amount, reason="test", **kwargs)


def test_award_and_redeem_keep_a_running_balance(clinic, patient, programme):
    assert balance(clinic, patient) == 0
    award(clinic, patient, 100)
    award(clinic, patient, 50)
    entry = points_redeem(clinic=clinic, client=patient, amount=30, reason="coffee")
    assert (entry.kind, entry.amount, entry.balance_after) == (EntryKind.REDEEM, -30, 120)
    assert balance(clinic, patient) == 120
    assert balance(clinic, patient) == sum(e.amount for e in history(clinic, patient))


def test_redeeming_more_than_the_balance_is_refused_naming_amount(clinic, patient, programme):
    award(clinic, patient, 40)
    with pytest.raises(LoyaltyError) as caught:
        points_redeem(clinic=clinic, client=patient, amount=41, reason="too much")
    assert caught.value.field == "amount"
    assert caught.value.status == 409
    assert "Not enough paws" in caught.value.message
    assert balance(clinic, patient) == 40
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("amount", [0, -5, 1.5, "10", True])
def test_amounts_must_be_positive_whole_numbers(clinic, patient, amount):
    with pytest.raises(LoyaltyError) as caught:
        points_award(clinic=clinic, client=patient, amount=amount, reason="x")
    assert caught.value.field == "amount"


def test_adjustments_need_a_reason_and_cannot_go_below_zero(clinic, patient, staff_user):
    with pytest.raises(LoyaltyError) as caught:
        points_adjust(clinic=clinic, client=patient, amount=5, reason=" ", actor=staff_user)
    assert caught.value.field == "reason"
    points_adjust(clinic=clinic, client=patient, amount=5, reason="goodwill", actor=staff_user)
    with pytest.raises(LoyaltyError) as caught:
        points_adjust(clinic=clinic, client=patient, amount=-6, reason="fix", actor=staff_user)
    assert caught.value.field == "amount"
    entry = points_adjust(clinic=clinic, client=patient, amount=-5, reason="fix", actor=staff_user)
    assert (entry.kind, entry.balance_after, entry.actor) == (EntryKind.ADJUST, 0, staff_user)


def test_a_client_of_another_clinic_is_refused(clinic, other_clinic):
    stranger = ClientAccountFactory(clinic=other_clinic)
    with pytest.raises(LoyaltyError) as caught:
        award(clinic, stranger, 10)
    assert caught.value.field == "client"


def test_the_same_idempotency_key_awards_once(clinic, patient):
    first = award(clinic, patient, 25, idempotency_key="promo-1")
    again = award(clinic, patient, 25, idempotency_key="promo-1")
    assert again.pk == first.pk
    assert balance(clinic, patient) == 25


def test_an_idempotency_key_cannot_be_reused_for_another_client(clinic, patient):
    award(clinic, patient, 25, idempotency_key="promo-1")
    with pytest.raises(LoyaltyError) as caught:
        award(clinic, ClientAccountFactory(clinic=clinic), 25, idempotency_key="promo-1")
    assert caught.value.field == "idempotency_key"


def test_a_mistaken_award_is_reversed_once(clinic, patient, staff_user):
    mistake = award(clinic, patient, 70)
    award(clinic, patient, 5)
    reversal = entry_reverse(entry=mistake, actor=staff_user, reason="wrong client")
    assert (reversal.kind, reversal.amount, reversal.balance_after) == ("reversal", -70, 5)
    assert reversal.reverses == mistake
    with pytest.raises(LoyaltyError) as caught:
        entry_reverse(entry=mistake, actor=staff_user, reason="again")
    assert caught.value.field == "entry"
    with pytest.raises(LoyaltyError):
        entry_reverse(entry=reversal, actor=staff_user, reason="undo the undo")
    assert balance(clinic, patient) == 5


def test_a_reversal_that_would_go_negative_is_refused(clinic, patient, staff_user):
    mistake = award(clinic, patient, 70)
    points_redeem(clinic=clinic, client=patient, amount=50, reason="spent")
    with pytest.raises(LoyaltyError) as caught:
        entry_reverse(entry=mistake, actor=staff_user, reason="wrong client")
    assert caught.value.field == "amount"
    assert balance(clinic, patient) == 20


def test_entries_are_never_edited_or_deleted(clinic, patient):
    entry = award(clinic, patient, 10)
    entry.amount = 1000
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1000)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get().amount == 10


def test_the_database_refuses_a_negative_balance(clinic, patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            clinic=clinic, client=patient, kind="adjust", amount=-1, balance_after=-1
        )


def test_reading_a_balance_costs_one_query(clinic, patient):
    for _ in range(20):
        award(clinic, patient, 3)
    with CaptureQueriesContext(connection) as queries:
        assert balance(clinic, patient) == 60
    assert len(queries) == 1


def test_history_shows_only_this_client_at_this_clinic(clinic, other_clinic, patient):
    award(clinic, patient, 10)
    neighbour = ClientAccountFactory(clinic=clinic)
    award(clinic, neighbour, 20)
    elsewhere = ClientAccountFactory(clinic=other_clinic, user=patient.user)
    award(other_clinic, elsewhere, 30)
    assert [e.amount for e in history(clinic, patient)] == [10]
    assert [e.amount for e in history(other_clinic, patient)] == []
    assert balance(other_clinic, elsewhere) == 30
    assert balance(clinic, patient) == 10


@pytest.fixture
def completed_booking(clinic, open_policy, service, emma, patient, staff_user):
    booking = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="portal",
    )
    for status in ("confirmed", "started", "completed"):
        # the visit has happened: the clock is past its start
        booking = booking_transition(
            booking=booking, to_status=status, actor=staff_user, now=at(MONDAY, "10:30")
        )
    return booking


def test_a_completed_booking_earns_once_even_if_run_twice(
    clinic, patient, programme, completed_booking
):
    assert completed_booking.status == BookingStatus.COMPLETED
    expected = completed_booking.price // 100 * 1 + 10
    first = points_for_completed_booking(completed_booking.pk)
    again = points_for_completed_booking(completed_booking.pk)
    assert first.pk == again.pk
    assert first.idempotency_key == f"booking-{completed_booking.pk}-earn"
    assert balance(clinic, patient) == expected


def test_a_booking_that_is_not_completed_earns_nothing(
    clinic, open_policy, service, emma, patient, programme
):
    booking = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="portal",
    )
    assert points_for_completed_booking(booking.pk) is None
    assert balance(clinic, patient) == 0
