"""The dashboard's "Rewards balance" and "Referrals" cards: what a patient reads, hidden
when their feature is off, and the whole dashboard still within its query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branding.services import features_update
from loyalty.models import Referral
from loyalty.referrals.services import referral_code_ensure
from loyalty.services import points_award, points_redeem
from portal_pages.services import dashboard_cards_seed
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import RewardFactory, TierFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.portal import set_cards

pytestmark = pytest.mark.django_db

REWARDS = ("rewards", {"heading": "Your rewards"})
REFERRALS = ("referrals", {"heading": "Invite a friend", "text": "You both earn."})


def with_loyalty_cards(clinic):
    dashboard_cards_seed(clinic=clinic)
    page = clinic.site.root_page.specific
    page.refresh_from_db()
    seeded = [(card.block_type, card.value) for card in page.cards]
    return set_cards(clinic, *seeded, REWARDS, REFERRALS)


def test_rewards_card_shows_balance_tier_progress_and_the_reward_in_reach(
    clinic, patient, programme, signed_in
):
    set_cards(clinic, REWARDS)
    TierFactory(clinic=clinic, name="Silver", threshold=0)
    TierFactory(clinic=clinic, name="Gold", threshold=400)
    RewardFactory(clinic=clinic, name="£5 off", cost=100)
    RewardFactory(clinic=clinic, name="Free facial", cost=900)
    points_award(clinic=clinic, client=patient, amount=300, reason="visits")
    points_redeem(clinic=clinic, client=patient, amount=50, reason="spent")
    html = signed_in.get("/").content.decode()
    assert "<strong>250</strong> paws · Silver" in html
    assert "100 more paws to Gold" in html and 'value="75"' in html
    assert "You can have: £5 off" in html
    assert "shortly after it is completed" in html
    assert 'href="/rewards/"' in html


def test_referrals_card_counts_who_joined_and_what_was_earned(
    clinic, patient, programme, signed_in
):
    set_cards(clinic, REFERRALS)
    assert "Get your link" in signed_in.get("/").content.decode()
    code = referral_code_ensure(clinic=clinic, client=patient).code
    for rewarded in (True, False):
        Referral.objects.create(
            clinic=clinic,
            referrer=patient,
            referred=ClientAccountFactory(clinic=clinic),
            points=100 if rewarded else 0,
            rewarded_at=patient.created_at if rewarded else None,
        )
    html = signed_in.get("/").content.decode()
    assert code in html and "2 friends joined · 100 earned" in html


def test_cards_hide_when_their_feature_is_off_and_from_visitors(clinic, patient, signed_in):
    set_cards(clinic, REWARDS, REFERRALS)
    visitor = host_client(clinic).get("/")
    assert [c.block_type for c in visitor.context["dashboard"].cards] == []
    features_update(clinic=clinic, rewards=False, referrals=False)
    response = signed_in.get("/")
    assert [c.block_type for c in response.context["dashboard"].cards] == []


def test_the_dashboard_with_the_loyalty_cards_stays_within_twenty_queries(
    clinic, patient, programme, signed_in
):
    with_loyalty_cards(clinic)
    TierFactory(clinic=clinic, name="Silver", threshold=0)
    RewardFactory(clinic=clinic, name="£5 off", cost=100)
    for n in range(200):
        points_award(clinic=clinic, client=patient, amount=5, reason=f"#{n}")
    referral_code_ensure(clinic=clinic, client=patient)
    signed_in.get("/")  # warm: first-request work
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/")
    types = {c.block_type for c in response.context["dashboard"].cards}
    assert {"rewards", "referrals"} <= types
    assert "<strong>1000</strong>" in response.content.decode()
    assert len(queries) <= 20, "\n".join(q["sql"][:160] for q in queries.captured_queries)
