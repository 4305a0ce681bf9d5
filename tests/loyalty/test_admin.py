"""Staff loyalty in the admin: the client's Loyalty tab and its actions (add, adjust,
oops, manual reward), the reward request queue, the rewards catalogue, tiers and
programme — each audited, each limited to the admin clinic."""

import pytest
from django.test import Client

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import (
    EntryKind,
    LedgerEntry,
    RequestStatus,
    Reward,
    Tier,
    Voucher,
)
from loyalty.rewards.selectors import usable_vouchers
from loyalty.rewards.services import reward_request_create, voucher_mark_used, voucher_quote
from loyalty.selectors import balance, programme_for
from loyalty.services import points_award
from notifications.models import Notification
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.loyalty import RewardFactory
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


@pytest.fixture
def desk(staff_user, clinic):
    return signed_in(staff_user, clinic)


@pytest.fixture
def reward(clinic, programme):
    return RewardFactory(clinic=clinic, name="£5 off", cost=100, amount_off=500)


def action(client_account, name):
    return f"/admin/loyalty/clients/{client_account.pk}/{name}/"


def test_the_loyalty_tab_shows_balance_history_and_actions(desk, clinic, patient, programme):
    points_award(clinic=clinic, client=patient, amount=40, reason="Welcome gift")
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=loyalty").content.decode()
    assert "data-loyalty-tab" in html
    assert "data-loyalty-balance>40</strong> paws" in html
    assert "Welcome gift" in html and "Oops — undo" in html


def test_adding_points_is_audited_and_needs_a_reason(desk, clinic, patient, staff_user, programme):
    desk.post(action(patient, "add"), {"amount": "3", "reason": ""})
    assert balance(clinic, patient) == 0
    response = desk.post(action(patient, "add"), {"amount": "3", "reason": "Stamp card"})
    assert response.status_code == 302 and response["Location"].endswith("#tab-loyalty")
    entry = LedgerEntry.objects.get(client=patient)
    assert (entry.amount, entry.actor, entry.reason) == (3, staff_user, "Stamp card")
    audit = AuditEntry.objects.filter(client=patient, actor=staff_user).latest("id")
    assert audit.summary == "Added 3 paws: Stamp card"


def test_oops_reverses_once_with_a_reason_and_is_audited(desk, clinic, patient, staff_user):
    entry = points_award(clinic=clinic, client=patient, amount=25, reason="wrong client")
    desk.post(action(patient, "reverse"), {"entry": entry.pk, "reason": ""})
    assert balance(clinic, patient) == 25
    desk.post(action(patient, "reverse"), {"entry": entry.pk, "reason": "Meant for Ann"})
    desk.post(action(patient, "reverse"), {"entry": entry.pk, "reason": "again"})
    assert balance(clinic, patient) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert AuditEntry.objects.filter(client=patient, summary__startswith="Reversed").count() == 1


def test_adjust_cannot_take_the_balance_below_zero(desk, clinic, patient, programme):
    points_award(clinic=clinic, client=patient, amount=10, reason="visit")
    response = desk.post(action(patient, "adjust"), {"amount": "-11", "reason": "fix"}, follow=True)
    assert "Not enough paws" in response.content.decode()
    desk.post(action(patient, "adjust"), {"amount": "-4", "reason": "fix"})
    assert balance(clinic, patient) == 6


def test_manual_reward_as_a_gift(desk, clinic, patient, reward, staff_user):
    desk.post(action(patient, "grant"), {"reward": reward.pk})
    voucher = Voucher.objects.get(client=patient)
    assert voucher.entry is None and voucher.issued_by == staff_user
    assert AuditEntry.objects.filter(client=patient, summary__contains=voucher.code).exists()


def _reward_bought_by_staff(desk, clinic, patient, reward):
    points_award(clinic=clinic, client=patient, amount=150, reason="visits")
    desk.post(action(patient, "grant"), {"reward": reward.pk, "charge_points": "on"})
    voucher = Voucher.objects.get(client=patient)
    assert voucher.entry is not None and balance(clinic, patient) == 50
    return voucher


def test_oops_on_a_manual_reward_for_points_cancels_its_voucher(desk, clinic, patient, reward):
    """Undoing the points a manual reward cost gives them back and takes the voucher
    away: it can no longer be chosen or quoted at checkout."""
    voucher = _reward_bought_by_staff(desk, clinic, patient, reward)
    desk.post(action(patient, "reverse"), {"entry": voucher.entry_id, "reason": "wrong reward"})
    assert balance(clinic, patient) == 150
    voucher.refresh_from_db()
    assert voucher.status == "revoked"  # VoucherStatus.REVOKED
    assert list(usable_vouchers(clinic, patient)) == []
    with pytest.raises(LoyaltyError) as refused:
        voucher_quote(
            clinic=clinic, client=patient, code=voucher.code, service_id=None, amount=4500
        )
    assert refused.value.code == LoyaltyErrorCode.VOUCHER_UNUSABLE


def test_oops_is_refused_once_the_voucher_was_used(desk, clinic, patient, reward):
    """Points that paid for a voucher already used cannot be given back: refused, with
    the reason, and nothing changes."""
    voucher = _reward_bought_by_staff(desk, clinic, patient, reward)
    voucher_mark_used(clinic=clinic, client=patient, code=voucher.code, used_for="payment-1")
    with nothing_changes(LedgerEntry, Voucher):
        response = desk.post(
            action(patient, "reverse"),
            {"entry": voucher.entry_id, "reason": "wrong reward"},
            follow=True,
        )
    assert "already been used" in response.content.decode()
    assert balance(clinic, patient) == 50


def test_another_clinics_client_or_entry_is_not_reachable(desk, clinic, other_clinic, patient):
    theirs = ClientAccountFactory(clinic=other_clinic)
    assert desk.post(action(theirs, "add"), {"amount": "5", "reason": "x"}).status_code == 404
    their_entry = points_award(clinic=other_clinic, client=theirs, amount=5, reason="x")
    desk.post(action(patient, "reverse"), {"entry": their_entry.pk, "reason": "guess"})
    assert balance(other_clinic, theirs) == 5
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_therapists_have_no_loyalty_actions(clinic, patient, programme):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    browser = signed_in(therapist, clinic)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    refused = browser.post(action(patient, "add"), {"amount": "5", "reason": "x"})
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert balance(clinic, patient) == 0
    assert browser.get("/admin/loyalty/requests/")["Location"] == "/admin/"


def test_the_queue_approves_and_declines_and_tells_the_client(
    desk, clinic, other_clinic, patient, reward, staff_user
):
    points_award(clinic=clinic, client=patient, amount=250, reason="visits")
    second = RewardFactory(clinic=clinic, name="Free tea", cost=50)
    first = reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    other = reward_request_create(clinic=clinic, client=patient, reward_id=second.pk)
    theirs_client = ClientAccountFactory(clinic=other_clinic)
    their_reward = RewardFactory(clinic=other_clinic, cost=1)
    points_award(clinic=other_clinic, client=theirs_client, amount=5, reason="x")
    theirs = reward_request_create(
        clinic=other_clinic, client=theirs_client, reward_id=their_reward.pk
    )
    html = desk.get("/admin/loyalty/requests/").content.decode()
    assert f'data-request="{first.pk}"' in html and f'data-request="{theirs.pk}"' not in html

    desk.post(f"/admin/loyalty/requests/{first.pk}/approve/")
    desk.post(f"/admin/loyalty/requests/{other.pk}/decline/", {"reason": "Not this month"})
    desk.post(f"/admin/loyalty/requests/{theirs.pk}/approve/")
    first.refresh_from_db()
    other.refresh_from_db()
    theirs.refresh_from_db()
    assert first.status == RequestStatus.APPROVED and balance(clinic, patient) == 150
    assert other.status == RequestStatus.DECLINED and other.decline_reason == "Not this month"
    assert theirs.status == RequestStatus.PENDING
    titles = set(Notification.objects.filter(user=patient.user).values_list("title", flat=True))
    assert titles == {"Your reward is ready: £5 off", "About your reward request: Free tea"}
    summaries = AuditEntry.objects.filter(client=patient).values_list("summary", flat=True)
    assert any(s.startswith("Approved reward request") for s in summaries)
    assert any(s.startswith("Declined reward request") for s in summaries)


def test_managers_edit_the_catalogue_for_their_clinic_only(clinic, other_clinic, manager):
    browser = signed_in(manager, clinic)
    facial = ServiceFactory(clinic=clinic, name="Facial")
    theirs = ServiceFactory(clinic=other_clinic, name="Theirs")
    form = {
        "name": "Free facial",
        "description": "",
        "cost": "500",
        "kind": "free_service",
        "amount_off": "",
        "percent_off": "",
        "services": [str(theirs.pk)],
        "voucher_valid_days": "60",
        "position": "0",
        "active": "on",
    }
    response = browser.post("/admin/loyalty/rewards/new/", form)
    assert response.status_code == 200 and not Reward.objects.exists()  # another clinic's service
    form["services"] = [str(facial.pk)]
    response = browser.post("/admin/loyalty/rewards/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    reward = Reward.objects.get()
    assert reward.clinic == clinic and list(reward.services.all()) == [facial]
    amount = dict(form, name="£10 off", kind="amount_off", amount_off="", services=[])
    response = browser.post("/admin/loyalty/rewards/new/", amount)
    assert "Enter the amount this reward takes off" in response.content.decode()
    amount["amount_off"] = "10.00"
    browser.post("/admin/loyalty/rewards/new/", amount)
    assert Reward.objects.get(name="£10 off").amount_off == 1000
    their_reward = RewardFactory(clinic=other_clinic)
    assert browser.get(f"/admin/loyalty/rewards/edit/{their_reward.pk}/").status_code == 404


def test_tiers_and_programme(clinic, manager):
    browser = signed_in(manager, clinic)
    browser.post("/admin/loyalty/tiers/new/", {"name": "Gold", "threshold": "500", "benefits": ""})
    assert Tier.objects.get().clinic == clinic
    response = browser.post(
        "/admin/loyalty/tiers/new/", {"name": "gold", "threshold": "600", "benefits": ""}
    )
    assert "already has a tier with this name" in response.content.decode()
    response = browser.post(
        "/admin/loyalty/programme/",
        {
            "active": "on",
            "unit": "points",
            "unit_name": "paws",
            "per_currency_unit": "2",
            "per_visit": "10",
            "per_referral": "100",
            "per_review": "5",
            "birthday_bonus": "50",
            "expiry_months": "",
        },
    )
    assert response.status_code == 302
    programme = programme_for(clinic)
    assert (programme.unit_name, programme.per_currency_unit, programme.birthday_bonus) == (
        "paws",
        2,
        50,
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user
    assert signed_in(staff, clinic).get("/admin/loyalty/programme/")["Location"] == "/admin/"


@pytest.mark.parametrize("typed", ["٣٠٠", "７", "1٣", "-٢", "3.0", "1e3"])
@pytest.mark.parametrize("name", ["add", "adjust"])
def test_points_are_typed_in_plain_digits(desk, clinic, patient, programme, name, typed):
    """Other scripts' digits ("٣٠٠", full-width "７") are refused, not read as 300 or 7:
    the screen would not show back what the staff member meant."""
    with nothing_changes(LedgerEntry.objects.filter(client=patient)):
        response = desk.post(action(patient, name), {"amount": typed, "reason": "typo"})
    assert response.status_code in (200, 302)
    assert balance(clinic, patient) == 0


@pytest.mark.parametrize("typed", ["12", " 12 ", "+12"])
def test_plain_points_still_add(desk, clinic, patient, programme, typed):
    desk.post(action(patient, "add"), {"amount": typed, "reason": "stamp card"})
    assert balance(clinic, patient) == 12


def test_staff_read_the_clinics_own_unit_on_the_tab_its_messages_and_game_plays(
    desk, clinic, patient, programme
):
    """Riverside counts in "paws": the staff forms, messages and lists say so."""
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=loyalty").content.decode()
    assert 'for="id_amount" class="w-field__label">Paws</label>' in html
    assert "Take the paws from the balance" in html
    assert ">Points<" not in html and "the points" not in html
    response = desk.post(action(patient, "add"), {"amount": "3", "reason": "Brave at the vet"})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Paws added."]
    from loyalty.games.services import game_play
    from tests.factories.games import make_game

    game = make_game(clinic, prizes=[{"label": "25 paws", "kind": "points", "points": 25}])
    game_play(game=game, client=patient)
    plays = desk.get("/admin/loyalty/game-plays/").content.decode()
    assert "<th>Paws</th>" in plays and "<th>Points</th>" not in plays
