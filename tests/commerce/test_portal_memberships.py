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
