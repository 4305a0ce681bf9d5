"""The games in the portal and the API: list, play (the server's recorded outcome is
what the page and the app get), my plays, the dashboard card; a switched-off feature,
a disabled game and another clinic's game are not there."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from branding.services import features_update
from loyalty.models import GamePlay
from loyalty.selectors import balance
from portal_pages.services import dashboard_cards_seed
from tests.factories.clients import ClientAccountFactory
from tests.factories.games import make_game
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.portal import set_cards

pytestmark = pytest.mark.django_db

ONE_PRIZE = [{"label": "25 points", "kind": "points", "points": 25}]


@pytest.fixture(autouse=True)
def games_on(clinic):
    features_update(clinic=clinic, games=True)


@pytest.fixture
def api_signed_in(api, patient):
    api.force_authenticate(patient.user)
    return api


def test_the_game_page_draws_the_wheel_and_the_play_is_recorded_first(clinic, patient, signed_in):
    game = make_game(clinic, prizes=ONE_PRIZE)
    page = signed_in.get(f"/games/{game.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Spin the wheel" in html and "25 points" in html and "loyalty/games.js" in html
    assert f'data-prize="{game.prizes.get().pk}"' in html

    answer = signed_in.post(f"/games/{game.pk}/play/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 201
    body = answer.json()
    play = GamePlay.objects.get(client=patient)
    assert body == {
        "id": play.pk,
        "prize": play.prize_id,
        "label": "25 points",
        "kind": "points",
        "points": 25,
        "voucher_code": None,
        "won": True,
        "plays_left": 0,
    }
    assert balance(clinic, patient) == 25

    refused = signed_in.post(f"/games/{game.pk}/play/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 409
    assert refused.json()["field"] == "game" and "no plays left" in refused.json()["detail"]
    assert GamePlay.objects.count() == 1


def test_without_javascript_the_form_posts_and_the_page_shows_the_result(
    clinic, patient, signed_in
):
    game = make_game(clinic, kind="scratch", prizes=ONE_PRIZE)
    response = signed_in.post(f"/games/{game.pk}/play/", follow=True)
    html = response.content.decode()
    assert "You won: 25 points!" in html
    assert "No plays left for now: the next opens" in html
    again = signed_in.post(f"/games/{game.pk}/play/", follow=True)
    assert "You have no plays left for now" in again.content.decode()


def test_the_page_never_shows_another_clients_play(clinic, signed_in):
    game = make_game(clinic, plays_allowed=5, prizes=ONE_PRIZE)
    someone = host_client(clinic)
    someone.force_login(ClientAccountFactory(clinic=clinic).user)
    someone.post(f"/games/{game.pk}/play/")
    theirs = GamePlay.objects.get()
    html = signed_in.get(f"/games/{game.pk}/?play={theirs.pk}").content.decode()
    assert "You won: 25 points" not in html


def test_disabled_other_clinic_and_feature_off_games_answer_404(clinic, other_clinic, signed_in):
    disabled = make_game(clinic, key="off", active=False)
    features_update(clinic=other_clinic, games=True)
    elsewhere = make_game(other_clinic, key="theirs")
    listing = signed_in.get("/games/").content.decode()
    assert disabled.name not in listing or "There are no games" in listing
    for game in (disabled, elsewhere):
        assert signed_in.get(f"/games/{game.pk}/").status_code == 404
        assert signed_in.post(f"/games/{game.pk}/play/").status_code == 404
    live = make_game(clinic, key="on")
    features_update(clinic=clinic, games=False)
    assert signed_in.get("/games/").status_code == 404
    assert signed_in.get(f"/games/{live.pk}/").status_code == 404
    assert signed_in.post(f"/games/{live.pk}/play/").status_code == 404
    assert not GamePlay.objects.exists()


def test_a_visitor_is_asked_to_sign_in(clinic, portal):
    game = make_game(clinic)
    response = portal.get(f"/games/{game.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_card_lists_games_with_plays_left(clinic, patient, signed_in):
    dashboard_cards_seed(clinic=clinic)
    page = clinic.site.root_page.specific
    cards = [(card.block_type, card.value) for card in page.cards]
    set_cards(clinic, *cards, ("games", {"heading": "Spin or scratch", "text": "Good luck"}))
    game = make_game(clinic, name="Lucky wheel", plays_allowed=2)
    signed_in.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/")
    html = response.content.decode()
    assert "Spin or scratch" in html and f"/games/{game.pk}/" in html
    assert "2 plays left" in html
    assert len(queries) <= 20, "\n".join(q["sql"][:160] for q in queries.captured_queries)

    features_update(clinic=clinic, games=False)
    assert "Spin or scratch" not in signed_in.get("/").content.decode()


def test_api_lists_plays_and_shows_my_plays(clinic, patient, api_signed_in):
    game = make_game(clinic, plays_allowed=2, prizes=ONE_PRIZE)
    make_game(clinic, key="closed", active=False)
    listing = api_signed_in.get("/api/v1/games")
    assert listing.status_code == 200
    [listed] = listing.json()["results"]
    assert listed["id"] == game.pk and listed["plays_left"] == 2
    # A one-a-day game says when plays come back: the clinic's next midnight.
    next_midnight = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(clinic.timezone))
    next_midnight = next_midnight.replace(hour=0, minute=0, second=0, microsecond=0)
    next_midnight += datetime.timedelta(days=1)
    assert datetime.datetime.fromisoformat(listed["next_plays_at"]) == next_midnight
    assert listed["plays_come_with_visits"] is False
    assert listed["prizes"] == [
        {"id": game.prizes.get().pk, "label": "25 points", "kind": "points", "points": 25}
    ]

    played = api_signed_in.post(f"/api/v1/games/{game.pk}/play")
    assert played.status_code == 201
    assert played.json()["prize_label"] == "25 points" and played.json()["plays_left"] == 1
    mine = api_signed_in.get("/api/v1/games/plays").json()
    results = mine["results"] if isinstance(mine, dict) else mine
    assert [p["id"] for p in results] == [played.json()["id"]]


def test_api_hides_other_clients_plays_and_other_clinics_games(
    clinic, other_clinic, patient, api_signed_in
):
    game = make_game(clinic, plays_allowed=3)
    other = ClientAccountFactory(clinic=clinic)
    from loyalty.games.services import game_play

    game_play(game=game, client=other)
    mine = api_signed_in.get("/api/v1/games/plays").json()
    assert (mine["results"] if isinstance(mine, dict) else mine) == []
    features_update(clinic=other_clinic, games=True)
    theirs = make_game(other_clinic, key="theirs")
    assert api_signed_in.post(f"/api/v1/games/{theirs.pk}/play").status_code == 404


def test_api_feature_off_answers_403_feature_disabled_like_every_feature(clinic, api_signed_in):
    """Found trying the API: games and the wallet answered 404 when off, every other
    feature 403 feature_disabled (issue 13: one status for "feature off")."""
    game = make_game(clinic)
    features_update(clinic=clinic, games=False)
    with nothing_changes(GamePlay):
        answers = [
            api_signed_in.get("/api/v1/games"),
            api_signed_in.post(f"/api/v1/games/{game.pk}/play"),
            api_signed_in.get("/api/v1/games/plays"),
        ]
    for answer in answers:
        assert answer.status_code == 403 and answer.json()["code"] == "feature_disabled"


def test_api_needs_a_signed_in_client(clinic, api):
    game = make_game(clinic)
    assert api.post(f"/api/v1/games/{game.pk}/play").status_code in (401, 403)
    assert not GamePlay.objects.exists()
