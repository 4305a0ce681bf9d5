from loyalty.games.services import game_upsert
from loyalty.models import GameKind

DEFAULT_PRIZES = [
    {"label": "50 points", "kind": "points", "points": 50, "weight": 1},
    {"label": "Try again", "kind": "nothing", "weight": 3},
]


def make_game(clinic, *, key="wheel", prizes=None, **fields):
    """A game of the clinic (open now, one play a day unless told otherwise)."""
    fields.setdefault("name", "Lucky wheel")
    fields.setdefault("kind", GameKind.WHEEL)
    return game_upsert(clinic=clinic, key=key, prizes=prizes or DEFAULT_PRIZES, **fields)
