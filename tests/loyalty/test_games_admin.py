"""Games in the admin: a manager sets up a game with its prizes for their own clinic;
another clinic's game is not there; front desk sees who won what but cannot edit."""

import pytest
from django.test import Client

from loyalty.games.services import game_play
from loyalty.models import Game
from tests.factories.clients import MembershipFactory
from tests.factories.games import make_game

pytestmark = pytest.mark.django_db

GAMES = "/admin/loyalty/games/"
PLAYS = "/admin/loyalty/game-plays/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def prizes_data(rows, initial=0):
    data = {
        "prizes-TOTAL_FORMS": len(rows),
        "prizes-INITIAL_FORMS": initial,
        "prizes-MIN_NUM_FORMS": 1,
        "prizes-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"prizes-{i}-{k}": v for k, v in row.items()})
        data[f"prizes-{i}-ORDER"] = i + 1
    return data


def game_form(prizes, **extra):
    data = {
        "name": "Lucky wheel",
        "kind": "wheel",
        "description": "",
        "plays_allowed": 1,
        "limit_period": "day",
        "eligibility": "everyone",
        "starts_at": "",
        "ends_at": "",
        "active": "on",
        **extra,
    }
    data.update(prizes_data(prizes))
    return data


def test_manager_creates_a_game_with_prizes_for_their_clinic(clinic, manager):
    admin = signed_in(manager, clinic)
    assert admin.get(f"{GAMES}new/").status_code == 200
    response = admin.post(
        f"{GAMES}new/",
        game_form(
            [
                {"label": "100 points", "kind": "points", "points": 100, "weight": 1, "stock": 5},
                {"label": "Try again", "kind": "nothing", "points": "", "weight": 4, "stock": ""},
            ]
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    game = Game.objects.get()
    assert game.clinic == clinic and game.key == "lucky-wheel"
    assert [(p.label, p.points, p.weight, p.stock) for p in game.prizes.all()] == [
        ("100 points", 100, 1, 5),
        ("Try again", None, 4, None),
    ]


def test_a_points_prize_without_points_is_named_and_nothing_is_written(clinic, manager):
    admin = signed_in(manager, clinic)
    response = admin.post(
        f"{GAMES}new/",
        game_form([{"label": "Points", "kind": "points", "points": "", "weight": 1}]),
    )
    assert response.status_code == 200
    assert "A points prize needs a number of points." in response.content.decode()
    assert not Game.objects.exists()


def test_another_clinics_game_is_not_listed_nor_editable(clinic, other_clinic, manager):
    theirs = make_game(other_clinic, name="Their wheel")
    mine = make_game(clinic, key="mine", name="My wheel")
    admin = signed_in(manager, clinic)
    listing = admin.get(GAMES).content.decode()
    assert "My wheel" in listing and "Their wheel" not in listing
    assert admin.get(f"{GAMES}edit/{theirs.pk}/").status_code == 404
    assert admin.post(f"{GAMES}delete/{theirs.pk}/").status_code == 404
    assert admin.get(f"{GAMES}edit/{mine.pk}/").status_code == 200
    assert Game.objects.filter(pk=theirs.pk).exists()


def test_front_desk_sees_the_plays_but_cannot_edit_games(clinic, other_clinic, staff_user, patient):
    game = make_game(clinic, prizes=[{"label": "25 points", "kind": "points", "points": 25}])
    game_play(game=game, client=patient)
    elsewhere = make_game(
        other_clinic, key="x", prizes=[{"label": "Secret prize", "kind": "nothing"}]
    )
    from tests.factories.clients import ClientAccountFactory

    game_play(game=elsewhere, client=ClientAccountFactory(clinic=other_clinic))
    desk = signed_in(staff_user, clinic)
    plays = desk.get(PLAYS)
    html = plays.content.decode()
    assert plays.status_code == 200
    assert patient.name in html and "25 points" in html and "Secret prize" not in html
    assert desk.get(f"{GAMES}new/").status_code in (302, 403)
    assert desk.post(
        f"{GAMES}new/", game_form([{"label": "x", "kind": "nothing"}])
    ).status_code in (
        302,
        403,
    )
    assert Game.objects.filter(clinic=clinic).count() == 1


def test_a_therapist_cannot_see_the_plays(clinic):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    assert signed_in(therapist, clinic).get(PLAYS).status_code in (302, 403)
