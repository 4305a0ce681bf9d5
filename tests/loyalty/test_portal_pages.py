"""The portal's /rewards/ and /referrals/ pages and the referral share link, end to
end: a friend signs up through the link, completes a first visit, and both earn once."""

import re
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.test import TestCase

from booking_api.services import booking_create, booking_transition
from branding.services import features_update
from loyalty.models import Referral, RequestStatus, RewardRequest, Voucher
from loyalty.referrals.services import referral_code_ensure
from loyalty.rewards.services import reward_grant
from loyalty.selectors import balance
from loyalty.services import points_award, programme_upsert
from tests.factories.clients import PASSWORD, ClientAccountFactory
from tests.factories.loyalty import RewardFactory, TierFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client
from tests.fixtures.people import SIGNUP_DETAILS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reward(clinic, programme):
    return RewardFactory(clinic=clinic, name="Free brow tidy", cost=100, amount_off=1500)


def test_rewards_page_shows_balance_tier_catalogue_and_the_posting_note(
    signed_in, clinic, patient, reward
):
    TierFactory(clinic=clinic, name="Silver", threshold=0, benefits="Birthday treat")
    TierFactory(clinic=clinic, name="Gold", threshold=300)
    points_award(clinic=clinic, client=patient, amount=120, reason="Visit")
    html = signed_in.get("/rewards/").content.decode()
    assert "<strong>120</strong> paws" in html
    assert "shortly after your appointment is completed" in html
    assert "You are Silver" in html and "Birthday treat" in html
    assert "180 more paws to Gold" in html
    assert "Free brow tidy" in html and "Redeem now" in html


def test_redeeming_asks_first_with_the_cost_and_the_balance_after(
    signed_in, clinic, patient, reward
):
    points_award(clinic=clinic, client=patient, amount=130, reason="Visit")
    catalogue = signed_in.get("/rewards/").content.decode()
    assert f'href="/rewards/{reward.pk}/redeem/"' in catalogue
    html = signed_in.get(f"/rewards/{reward.pk}/redeem/").content.decode()
    assert "Redeem Free brow tidy?" in html
    assert "130 paws" in html and "<dd data-after>30 paws</dd>" in html
    assert "Spend 100 paws" in html
    # Looking is not redeeming.
    assert not Voucher.objects.exists() and balance(clinic, patient) == 130


def test_the_confirm_step_says_what_is_missing_and_offers_no_button(
    signed_in, clinic, patient, reward
):
    points_award(clinic=clinic, client=patient, amount=60, reason="Visit")
    html = signed_in.get(f"/rewards/{reward.pk}/redeem/").content.decode()
    assert "You need 40 more paws for this reward." in html
    assert "Spend 100 paws" not in html


def test_redeeming_from_the_page_issues_a_voucher_and_shows_it(signed_in, clinic, patient, reward):
    points_award(clinic=clinic, client=patient, amount=100, reason="Visit")
    response = signed_in.post(f"/rewards/{reward.pk}/redeem/", follow=True)
    voucher = Voucher.objects.get(client=patient)
    html = response.content.decode()
    assert voucher.code in html and "choose it when you pay" in html
    assert balance(clinic, patient) == 0
    # Not enough left: the page says so and nothing more is written.
    response = signed_in.post(f"/rewards/{reward.pk}/redeem/", follow=True)
    assert "Not enough paws" in response.content.decode()
    assert Voucher.objects.count() == 1


def test_requesting_a_reward_from_the_page(signed_in, clinic, patient, reward):
    points_award(clinic=clinic, client=patient, amount=150, reason="Visit")
    response = signed_in.post(f"/rewards/{reward.pk}/request/", {"note": "For Mum"}, follow=True)
    assert "The clinic will look at your request" in response.content.decode()
    request = RewardRequest.objects.get(client=patient)
    assert (request.status, request.note) == (RequestStatus.PENDING, "For Mum")
    assert "Waiting for the clinic" in signed_in.get("/rewards/").content.decode()


def test_another_clinics_reward_cannot_be_redeemed_here(signed_in, clinic, other_clinic, patient):
    theirs = RewardFactory(clinic=other_clinic, cost=1)
    points_award(clinic=clinic, client=patient, amount=100, reason="Visit")
    response = signed_in.post(f"/rewards/{theirs.pk}/redeem/", follow=True)
    assert "This reward was not found" in response.content.decode()
    assert not Voucher.objects.exists()


def test_only_the_patients_own_vouchers_show(signed_in, clinic, reward):
    someone = ClientAccountFactory(clinic=clinic)
    theirs = reward_grant(clinic=clinic, client=someone, reward_id=reward.pk, actor=None)
    assert theirs.code not in signed_in.get("/rewards/").content.decode()


def test_pages_need_sign_in_and_their_toggle(portal, clinic, patient, programme):
    assert portal.get("/rewards/").status_code == 302
    portal.force_login(patient.user)
    features_update(clinic=clinic, rewards=False, referrals=False)
    assert portal.get("/rewards/").status_code == 404
    assert portal.get("/referrals/").status_code == 404
    assert portal.get("/r/ABCDEFGH/").status_code == 404


def test_an_unknown_invitation_code_still_welcomes_without_naming_anyone(
    clinic, other_clinic, programme
):
    features_update(clinic=other_clinic, referrals=True)
    someone = ClientAccountFactory(clinic=other_clinic)
    theirs = referral_code_ensure(clinic=other_clinic, client=someone).code
    for code in ("NOPE1234", theirs):  # another clinic's code is unknown here
        html = host_client(clinic).get(f"/r/{code}/").content.decode()
        assert "You're invited to Glow Aesthetics" in html
        assert "was not recognised" in html
        assert someone.user.first_name not in html


def test_the_referral_page_offers_share_and_copy_for_the_link(signed_in, clinic, programme):
    html = signed_in.get("/referrals/").content.decode()
    assert "data-share-url" in html and "loyalty/share.js" in html
    assert ">Share</button>" in html and ">Copy link</button>" in html


def complete_first_visit(clinic, client, service, staff, actor):
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking = booking_create(
            clinic=clinic, client=client, service=service, staff=staff, start=at(MONDAY, "10:00")
        )
        for status in ("confirmed", "started", "completed"):
            # the visit has happened: the clock is past its end
            booking = booking_transition(
                booking=booking, to_status=status, actor=actor, now=booking.end
            )
    return booking


def test_a_friend_who_joins_through_the_link_and_visits_earns_both_sides_once(
    clinic, patient, programme, open_policy, service, emma, staff_user
):
    programme_upsert(clinic=clinic, per_referral=50, per_currency_unit=0, per_visit=0)
    code = referral_code_ensure(clinic=clinic, client=patient).code
    friend_browser = host_client(clinic)
    patient.user.first_name = "Maya"
    patient.user.save(update_fields=["first_name"])
    landing = friend_browser.get(f"/r/{code.lower()}/")
    html = landing.content.decode()
    assert landing.status_code == 200
    assert "Maya invited you to Glow Aesthetics" in html
    assert "after it, you both get 50 paws" in html
    assert 'href="/accounts/signup/"' in html and 'href="/accounts/login/"' in html
    friend_browser.post(
        "/accounts/signup/",
        {
            "email": "friend@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    referral = Referral.objects.get()
    assert referral.referrer == patient
    friend = referral.referred
    assert friend.user.email == "friend@example.com"

    complete_first_visit(clinic, friend, service, emma, staff_user)
    referral.refresh_from_db()
    assert referral.rewarded_at is not None and referral.points == 50
    assert balance(clinic, patient) == 50
    assert balance(clinic, friend) == 50
    # A retried task pays nothing more.
    from loyalty.referrals.services import referral_reward_for_booking

    assert referral_reward_for_booking(friend.bookings.get().pk) is None
    assert balance(clinic, patient) == 50

    referrer_browser = host_client(clinic)
    referrer_browser.force_login(patient.user)
    html = referrer_browser.get("/referrals/").content.decode()
    assert code in html and f"http://glow.localhost/r/{code}/" in html
    assert "50 paws" in html


def test_self_referral_and_existing_clients_earn_nothing(clinic, patient, programme):
    programme_upsert(clinic=clinic, per_referral=50)
    code = referral_code_ensure(clinic=clinic, client=patient).code
    # The referrer following their own link while signed out, then signing in.
    browser = host_client(clinic)
    browser.get(f"/r/{code}/")
    signed = browser.post("/accounts/login/", {"login": patient.user.email, "password": PASSWORD})
    assert signed.status_code == 302 and "login" not in signed["Location"]
    assert not Referral.objects.exists()
    # An existing client (joined long ago) signing in through a friend's link.
    old = ClientAccountFactory(clinic=clinic)
    type(old).objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    other = host_client(clinic)
    other.get(f"/r/{code}/")
    signed = other.post("/accounts/login/", {"login": old.user.email, "password": PASSWORD})
    assert signed.status_code == 302 and "login" not in signed["Location"]
    assert not Referral.objects.exists()


def test_referral_rules_name_the_code(clinic, patient, programme):
    from loyalty.errors import LoyaltyError
    from loyalty.referrals.services import referral_record

    code = referral_code_ensure(clinic=clinic, client=patient).code
    newcomer = ClientAccountFactory(clinic=clinic)
    for bad_code, who, message in [
        ("NOPE1234", newcomer, "not found"),
        (code, patient, "cannot refer yourself"),
    ]:
        with pytest.raises(LoyaltyError, match=message) as caught:
            referral_record(clinic=clinic, code=bad_code, referred=who)
        assert caught.value.field == "code"
    referral_record(clinic=clinic, code=code, referred=newcomer)
    with pytest.raises(LoyaltyError, match="already been referred"):
        referral_record(clinic=clinic, code=code, referred=newcomer)


def test_a_friend_who_books_as_a_guest_through_the_link_is_referred(
    clinic, patient, programme, open_policy, service, emma, django_capture_on_commit_callbacks
):
    code = referral_code_ensure(clinic=clinic, client=patient).code
    browser = host_client(clinic)
    browser.get(f"/r/{code}/")
    start = at(MONDAY, "10:00")
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/book/confirm/",
            {
                "service": service.pk,
                "staff": emma.pk,
                "t": int(start.timestamp()),
                "name": "Nina Newcomer",
                "email": "nina@example.com",
                "phone": "07700 900999",
                "notes": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:500]
    assert not Referral.objects.exists()  # nobody has shown the address is theirs yet
    # The emailed link, opened in the same browser, confirms and signs the friend in.
    link = re.search(r"/book/verify/\?(\S+)", mail.outbox[-1].body).group(1)
    token = parse_qs(link)["token"][0]
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/book/verify/", {"token": token})
    referral = Referral.objects.get()
    assert referral.referrer == patient
    assert referral.referred.user.email == "nina@example.com"


def test_the_rewards_link_shows_only_while_the_feature_is_on(portal, clinic, patient):
    portal.force_login(patient.user)
    assert 'href="/rewards/"' in portal.get("/bookings/").content.decode()
    features_update(clinic=clinic, rewards=False)
    assert 'href="/rewards/"' not in portal.get("/bookings/").content.decode()
