"""Plays racing each other, each in its own thread with its own database connection
(PostgreSQL: the row locks; SQLite: BEGIN IMMEDIATE).

- One client firing eight plays at a game that allows three a day: exactly three win a
  play, the rest are told they have no plays left.
- Eight clients racing for a prize with a stock of two: it is won exactly twice.
"""

import threading

import pytest
from django.db import connections

from branding.services import features_update
from loyalty.games.services import GameError, game_play
from loyalty.models import GamePlay, GamePrize
from tests.factories.clients import ClientAccountFactory
from tests.factories.games import make_game

# serialized_rollback: the flush after each test would drop Wagtail's root page and locale.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ATTEMPTS = 8


def race(attempts, play):
    barrier = threading.Barrier(attempts)
    results = [None] * attempts

    def attempt(i):
        try:
            barrier.wait()
            results[i] = play(i)
        except GameError as error:
            results[i] = error.code
        except Exception as error:  # anything else is a failure, shown in the assert
            results[i] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_plays_cannot_exceed_the_play_limit(clinic, patient):
    features_update(clinic=clinic, games=True)
    game = make_game(clinic, plays_allowed=3, limit_period="day")

    results = race(ATTEMPTS, lambda i: game_play(game=game, client=patient) and "played")

    assert sorted(results) == ["no_plays_left"] * 5 + ["played"] * 3, results
    assert GamePlay.objects.filter(client=patient).count() == 3


def test_concurrent_plays_cannot_win_more_than_the_stock(clinic):
    features_update(clinic=clinic, games=True)
    game = make_game(
        clinic,
        prizes=[
            {"label": "Jackpot", "kind": "points", "points": 100, "weight": 1_000_000, "stock": 2},
            {"label": "Try again", "kind": "nothing", "weight": 1},
        ],
    )
    clients = [ClientAccountFactory(clinic=clinic) for _ in range(ATTEMPTS)]

    results = race(ATTEMPTS, lambda i: game_play(game=game, client=clients[i]).prize_label)

    assert results.count("Jackpot") == 2, results
    assert results.count("Try again") == ATTEMPTS - 2, results
    assert GamePrize.objects.get(label="Jackpot").stock == 0
    assert GamePlay.objects.filter(prize_label="Jackpot").count() == 2
