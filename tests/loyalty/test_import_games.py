"""The ``games`` key of the clinic import: games with their prizes, idempotent, every
problem named by its path, and nothing written when the file is refused."""

import datetime

import pytest
import yaml

from branding.importing import ImportFileError, import_clinic_file
from branding.models import Clinic
from loyalty.models import Game, GamePrize
from tests.factories.loyalty import RewardFactory

pytestmark = pytest.mark.django_db

CLINIC = {
    "name": "Glow Aesthetics",
    "slug": "glow",
    "domain": "glow.localhost",
    "timezone": "Europe/London",
    "currency": "GBP",
}
WHEEL = {
    "key": "lucky-wheel",
    "name": "Lucky wheel",
    "kind": "wheel",
    "plays_allowed": 1,
    "limit_period": "booking",
    "eligibility": "after_visit",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "prizes": [
        {"label": "50 points", "kind": "points", "points": 50, "weight": 30},
        {"label": "Try again", "kind": "nothing", "weight": 70},
    ],
}


@pytest.fixture
def write(tmp_path):
    def _write(doc):
        path = tmp_path / "clinic.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True))
        return path

    return _write


def test_games_are_imported_once_with_their_prizes(write):
    import_clinic_file(write({"clinic": CLINIC, "games": [WHEEL]}))
    import_clinic_file(write({"clinic": CLINIC, "games": [WHEEL]}))
    game = Game.objects.get()
    assert game.clinic == Clinic.objects.get(slug="glow")
    assert (game.key, game.kind, game.limit_period, game.eligibility) == (
        "lucky-wheel",
        "wheel",
        "booking",
        "after_visit",
    )
    # Local days: from midnight on the first to the end of the last, in London.
    assert game.starts_at == datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC)
    assert game.ends_at == datetime.datetime(2026, 12, 31, 23, 0, tzinfo=datetime.UTC) + (
        datetime.timedelta(hours=1)
    )
    assert [(p.label, p.kind, p.points, p.weight) for p in game.prizes.all()] == [
        ("50 points", "points", 50, 30),
        ("Try again", "nothing", None, 70),
    ]


def test_a_voucher_prize_names_a_reward_of_the_clinic(write):
    import_clinic_file(write({"clinic": CLINIC}))
    clinic = Clinic.objects.get(slug="glow")
    reward = RewardFactory(clinic=clinic, name="£5 off your next visit")
    prize = {"label": "£5 off", "kind": "voucher", "reward": reward.name, "stock": 10}
    import_clinic_file(write({"clinic": CLINIC, "games": [{**WHEEL, "prizes": [prize]}]}))
    assert GamePrize.objects.get().reward == reward


def test_problems_are_named_by_path_and_nothing_is_written(write):
    bad = {
        **WHEEL,
        "prizes": [
            {"label": "Points", "kind": "points"},
            {"label": "Voucher", "kind": "voucher"},
            {"label": "Odd", "kind": "nothing", "weight": 0},
        ],
    }
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write({"clinic": CLINIC, "games": [bad, {**WHEEL, "kind": "dice"}]}))
    message = str(refused.value)
    assert "games[0].prizes[2].weight" in message
    assert "games[1].kind" in message
    assert not Game.objects.exists()

    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(
            write({"clinic": CLINIC, "games": [{**WHEEL, "prizes": bad["prizes"][:2]}]})
        )
    message = str(refused.value)
    assert "games[0].prizes[0].points" in message and "games[0].prizes[1].reward" in message
    assert not Game.objects.exists()


def test_an_unknown_reward_is_refused_and_nothing_is_written(write):
    prize = {"label": "V", "kind": "voucher", "reward": "No such reward"}
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write({"clinic": CLINIC, "games": [{**WHEEL, "prizes": [prize]}]}))
    assert "games[0].prizes[0].reward" in str(refused.value)
    assert not Clinic.objects.filter(slug="glow").exists()
