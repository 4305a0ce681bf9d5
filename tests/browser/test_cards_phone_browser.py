"""Issue 19, found by patients on a 390 px phone: the booking, rewards and games cards had
no side padding and their actions were 17 px text links. Every such card is padded on
both sides and every action in it is a real tap target (44 px and more), measured from
the rendered boxes."""

import re

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from loyalty.services import points_award, programme_upsert
from portal_pages.services import dashboard_cards_seed
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.games import make_game
from tests.factories.loyalty import RewardFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRIZES = [
    {"label": "10 points", "kind": "points", "points": 10, "weight": 1},
    {"label": "Try again", "kind": "nothing", "weight": 1},
]

MEASURE = """cards => cards.map(card => {
  const box = card.getBoundingClientRect();
  const style = getComputedStyle(card);
  const actions = [...card.querySelectorAll('a, button, summary')]
    .filter(el => el.getClientRects().length && !el.closest('[hidden]'))
    .map(el => {
      const r = el.getBoundingClientRect();
      return {text: el.textContent.trim().slice(0, 40), height: r.height, width: r.width};
    });
  const texts = [...card.querySelectorAll('h2, h3, strong, p')]
    .filter(el => el.getClientRects().length)
    .map(el => el.getBoundingClientRect().left - box.left);
  return {name: card.className, left: parseFloat(style.paddingLeft),
          right: parseFloat(style.paddingRight), actions, inset: Math.min(...texts)};
})"""


def assert_padded_and_tappable(page, selector):
    cards = page.locator(selector)
    assert cards.count() > 0, f"no {selector} on {page.url}"
    for card in cards.evaluate_all(MEASURE):
        assert card["left"] >= 12 and card["right"] >= 12, card
        assert card["inset"] >= 12, card  # the text is not against the card's edge
        assert card["actions"], card
        for action in card["actions"]:
            assert action["height"] >= 44 and action["width"] >= 44, (card["name"], action)


@pytest.fixture
def olivia(clinic):
    features_update(clinic=clinic, games=True, rewards=True, self_reschedule=True)
    programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    RewardFactory(clinic=clinic, name="£5 off", cost=100)
    make_game(clinic, key="wheel", name="Lucky wheel", prizes=PRIZES)
    consult = ServiceFactory(clinic=clinic, key="consult", name="Skin consultation", price=4500)
    zara = StaffFactory(clinic=clinic, key="zara", display_name="Zara Okafor", services=[consult])
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    add_booking(clinic, patient, consult, zara, at(local_day(6), "10:00"))
    points_award(clinic=clinic, client=patient, amount=250, reason="Welcome")
    dashboard_cards_seed(clinic=clinic)
    return user


def test_booking_rewards_and_games_cards_are_padded_with_real_buttons_on_a_phone(
    live_server, clinic, olivia, phone, shot, axe
):
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(olivia.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name=re.compile(r"Olivia"))).to_be_visible()

    expect(phone.locator(".card-games")).to_contain_text("Lucky wheel")
    assert_padded_and_tappable(
        phone, ".card-upcoming, .card-rewards, .card-games, .card-referrals, .card-notifications"
    )
    shot(phone, "dashboard-cards-phone")
    axe(phone)

    phone.goto(clinic_url(live_server, clinic, "/bookings/"))
    expect(phone.get_by_role("link", name="Reschedule")).to_be_visible()
    assert_padded_and_tappable(phone, "li.booking.card")
    axe(phone)

    phone.goto(clinic_url(live_server, clinic, "/rewards/"))
    expect(phone.get_by_role("link", name="Redeem now")).to_be_visible()
    assert_padded_and_tappable(phone, "li.card.reward")
    axe(phone)
