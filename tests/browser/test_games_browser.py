"""A patient on a phone spins the wheel and scratches a card: the wheel stops on the
prize the server recorded, the scratch card reveals the recorded prize, and the button
goes quiet when no plays are left."""

import re

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from loyalty.games.services import game_play
from loyalty.models import GamePlay
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.games import make_game
from tests.fixtures.browser import clinic_url, patient_sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PRIZES = [
    {"label": "10 points", "kind": "points", "points": 10, "weight": 1},
    {"label": "50 points", "kind": "points", "points": 50, "weight": 1},
    {"label": "Try again", "kind": "nothing", "weight": 1},
    {"label": "100 points", "kind": "points", "points": 100, "weight": 1},
]


def test_the_wheel_stops_on_the_recorded_prize_and_the_card_reveals_it(
    live_server, clinic, phone, shot, axe
):
    features_update(clinic=clinic, games=True)
    wheel = make_game(clinic, key="wheel", name="Lucky wheel", prizes=PRIZES)
    card = make_game(clinic, key="card", name="Scratch card", kind="scratch", prizes=PRIZES)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.goto(clinic_url(live_server, clinic, f"/games/{wheel.pk}/"))
    axe(phone)
    phone.get_by_role("button", name="Spin the wheel").click()
    result = phone.locator("[data-result]")
    expect(result).to_have_text(re.compile(r"(You won|No prize)"), timeout=15_000)
    play = GamePlay.objects.get(client=patient, game=wheel)
    assert play.prize_label in result.inner_text()
    # The wheel has turned so that the recorded prize's segment is under the pointer.
    middle = float(phone.locator(f'[data-prize="{play.prize_id}"]').get_attribute("data-middle"))
    turned = float(
        re.search(r"rotate\(([-\d.]+)deg\)", phone.locator("[data-wheel]").get_attribute("style"))[
            1
        ]
    )
    assert round((turned + middle) % 360, 3) in (0.0, 360.0)
    expect(phone.get_by_role("button", name="Spin the wheel")).to_be_disabled()
    expect(phone.locator("[data-plays-left]")).to_contain_text(
        "No plays left for now: the next opens"
    )
    shot(phone, "game-wheel")

    # The card for someone who asked for less motion: revealed at once, no scratching.
    phone.emulate_media(reduced_motion="reduce")
    phone.goto(clinic_url(live_server, clinic, f"/games/{card.pk}/"))
    phone.get_by_role("button", name="Scratch").click()
    expect(result).to_have_text(re.compile(r"(You won|No prize)"), timeout=15_000)
    play = GamePlay.objects.get(client=patient, game=card)
    expect(phone.locator("[data-result-text]")).to_have_text(play.prize_label)
    expect(phone.locator("[data-scratch]")).to_have_count(0)  # scratched away
    axe(phone)
    assert GamePlay.objects.filter(client=patient).count() == 2


def test_the_games_list_has_a_play_button_per_playable_game_and_says_when_the_next_opens(
    live_server, clinic, phone, axe
):
    """Issue 19: the list's rows were links on text, no Play button. A playable game's row
    has a 44 px Play button; one already played today has none and says when the next
    play opens."""
    features_update(clinic=clinic, games=True)
    wheel = make_game(clinic, key="wheel", name="Lucky wheel", prizes=PRIZES)
    make_game(clinic, key="card", name="Scratch card", kind="scratch", prizes=PRIZES)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    game_play(game=wheel, client=patient)
    patient_sign_in(phone, live_server, clinic, user)

    phone.goto(clinic_url(live_server, clinic, "/games/"))
    played = phone.locator("li", has_text="Lucky wheel")
    expect(played).to_contain_text("No plays left for now: the next opens")
    expect(played.get_by_role("link", name=re.compile(r"^Play"))).to_have_count(0)
    playable = phone.locator("li", has_text="Scratch card")
    expect(playable).to_contain_text("1 play left")
    play = playable.get_by_role("link", name="Play Scratch card")
    box = play.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    axe(phone)
    play.click()
    expect(phone.get_by_role("button", name="Scratch")).to_be_visible()
