"""Earning: a completed visit posts its points through the booking signal and a task,
once; a refund takes them back once; old points expire; birthdays bring a bonus; tiers
follow what was earned in the last 12 months."""

import datetime

import pytest
from django.utils import timezone

from booking_api.services import booking_create
from loyalty import tasks
from loyalty.earning import (
    birthday_bonuses_award,
    booking_points_reverse,
    months_before,
    points_expire_due,
)
from loyalty.models import EntryKind, LedgerEntry
from loyalty.selectors import balance
from loyalty.services import entry_reverse, points_award, points_redeem, programme_upsert
from loyalty.tiers import balance_and_tier_status, tier_status
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import TierFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.loyalty import complete_visit as complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(clinic, open_policy, service, emma, patient, staff_user, programme):
    return complete(clinic, patient, service, emma, staff_user)


def visit_points(booking):
    return booking.price // 100 + 10  # programme: 1 per currency unit, 10 per visit


def test_completing_a_visit_posts_its_points_once(clinic, patient, visit):
    # The booking's side-effects task sent booking_completed; our task ran.
    entry = LedgerEntry.objects.get(client=patient)
    assert (entry.kind, entry.amount) == (EntryKind.EARN, visit_points(visit))
    tasks.booking_completed(visit.pk)  # a retried task
    assert LedgerEntry.objects.filter(client=patient).count() == 1


def test_a_visit_that_is_only_booked_earns_nothing(
    clinic, open_policy, service, emma, patient, programme
):
    booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "11:00")
    )
    assert balance(clinic, patient) == 0


def test_a_refund_takes_the_visits_points_back_once(clinic, patient, visit):
    booking_points_reverse(booking_id=visit.pk, reason="Refunded visit")
    booking_points_reverse(booking_id=visit.pk, reason="Refunded visit")
    assert balance(clinic, patient) == 0
    reversal = LedgerEntry.objects.get(client=patient, kind=EntryKind.REVERSAL)
    assert reversal.reverses.idempotency_key == f"booking-{visit.pk}-earn"


def test_a_refund_after_points_were_spent_takes_only_what_is_left(clinic, patient, visit):
    points_redeem(clinic=clinic, client=patient, amount=visit_points(visit) - 5, reason="spent")
    booking_points_reverse(booking_id=visit.pk, reason="Refunded visit")
    booking_points_reverse(booking_id=visit.pk, reason="Refunded visit")
    assert balance(clinic, patient) == 0
    assert LedgerEntry.objects.filter(client=patient, kind=EntryKind.ADJUST).count() == 1


def test_a_refunded_status_sent_by_booking_refunded_reverses_points(clinic, patient, visit):
    from django.test import TestCase

    from booking_api.signals import booking_refunded

    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_refunded.send(sender=None, booking=visit, booking_id=visit.pk, what="refunded")
    assert balance(clinic, patient) == 0


def test_points_earned_before_the_expiry_window_expire_unless_spent(clinic, patient, programme):
    programme_upsert(clinic=clinic, expiry_months=12)
    now = timezone.now()
    old = points_award(clinic=clinic, client=patient, amount=100, reason="old")
    LedgerEntry.objects.filter(pk=old.pk)  # created_at is set on insert: move it back
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_ledgerentry SET created_at = %s WHERE id = %s",
            [now - datetime.timedelta(days=400), old.pk],
        )
    points_redeem(clinic=clinic, client=patient, amount=30, reason="spent some")
    points_award(clinic=clinic, client=patient, amount=50, reason="recent")
    assert points_expire_due(now=now) == 1
    assert points_expire_due(now=now) == 0  # the same night again
    expired = LedgerEntry.objects.get(client=patient, kind=EntryKind.EXPIRE)
    assert expired.amount == -70  # 100 old − 30 spent; the recent 50 stay
    assert balance(clinic, patient) == 50


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    moment = datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC)
    assert months_before(moment, 1).date() == datetime.date(2027, 2, 28)
    assert months_before(moment, 15).date() == datetime.date(2025, 12, 31)


def test_birthday_bonus_once_a_year(clinic, patient, programme):
    programme_upsert(clinic=clinic, birthday_bonus=25)
    today = timezone.localdate()
    patient.date_of_birth = today.replace(year=1990)
    patient.save()
    ClientAccountFactory(
        clinic=clinic, date_of_birth=today.replace(year=1990) - datetime.timedelta(days=3)
    )
    birthday_bonuses_award()
    birthday_bonuses_award()
    assert balance(clinic, patient) == 25
    assert LedgerEntry.objects.count() == 1


def test_tier_and_progress_follow_points_earned_not_spent(clinic, patient, programme, staff_user):
    silver = TierFactory(clinic=clinic, name="Silver", threshold=0)
    gold = TierFactory(clinic=clinic, name="Gold", threshold=200, benefits="Free coffee")
    vip = TierFactory(clinic=clinic, name="VIP", threshold=500)
    entry = points_award(clinic=clinic, client=patient, amount=150, reason="visit")
    points_redeem(clinic=clinic, client=patient, amount=100, reason="spend")
    status = tier_status(clinic, patient)
    assert (status.tier, status.next_tier, status.earned, status.to_next) == (silver, gold, 150, 50)
    assert status.progress == 75
    points_award(clinic=clinic, client=patient, amount=100, reason="visit")
    status = tier_status(clinic, patient)
    assert (status.tier, status.next_tier, status.to_next, status.progress) == (gold, vip, 250, 16)
    entry_reverse(entry=entry, actor=staff_user, reason="mistake")
    assert tier_status(clinic, patient).tier == silver
    points_award(clinic=clinic, client=patient, amount=900, reason="big")
    assert tier_status(clinic, patient).tier == vip
    assert tier_status(clinic, patient).progress == 100


def test_the_balance_and_tier_read_together_say_what_each_says_alone(
    clinic, patient, programme, staff_user, django_assert_num_queries
):
    """The staff Overview and Loyalty tab read both in two queries instead of three."""
    TierFactory(clinic=clinic, name="Silver", threshold=0)
    TierFactory(clinic=clinic, name="Gold", threshold=200)
    with django_assert_num_queries(2):
        nothing = balance_and_tier_status(clinic, patient)
    assert nothing == (0, tier_status(clinic, patient))
    entry = points_award(clinic=clinic, client=patient, amount=150, reason="visit")
    points_award(clinic=clinic, client=patient, amount=120, reason="visit")
    points_redeem(clinic=clinic, client=patient, amount=100, reason="spend")
    entry_reverse(entry=entry, actor=staff_user, reason="mistake")
    with django_assert_num_queries(2):
        points, status = balance_and_tier_status(clinic, patient)
    assert (points, status) == (balance(clinic, patient), tier_status(clinic, patient))
    assert (points, status.earned, status.tier.name) == (20, 120, "Silver")
    later = timezone.now() + datetime.timedelta(days=366)
    points, status = balance_and_tier_status(clinic, patient, now=later)
    assert (points, status) == (20, tier_status(clinic, patient, now=later))
    assert status.earned == 0


def test_points_earned_over_a_year_ago_do_not_count_for_the_tier(clinic, patient, programme):
    TierFactory(clinic=clinic, name="Gold", threshold=100)
    points_award(clinic=clinic, client=patient, amount=150, reason="visit")
    later = timezone.now() + datetime.timedelta(days=366)
    status = tier_status(clinic, patient, now=later)
    assert (status.tier, status.earned) == (None, 0)
