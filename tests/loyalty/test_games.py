"""Playing a game: the draw follows the weights, plays are limited per period, stock
runs out, eligibility holds, points land in the ledger, and nothing crosses clinics."""

import datetime
import random

import pytest
from django.utils import timezone

from booking_api.services import booking_create, booking_transition
from branding.services import features_update
from loyalty.games.draw import prize_draw
from loyalty.games.selectors import games_for_client, open_games
from loyalty.games.services import GameError, game_play, game_upsert
from loyalty.models import GamePlay, GamePrize, LedgerEntry
from loyalty.selectors import balance
from tests.factories.clients import ClientAccountFactory
from tests.factories.games import make_game
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

# Critical values of the chi-square distribution at p = 0.001, by degrees of freedom.
CHI_SQUARE_CRITICAL_0_001 = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515}


@pytest.fixture(autouse=True)
def games_on(clinic):
    features_update(clinic=clinic, games=True)


def chi_square(observed, expected):
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def test_draws_follow_the_weights_chi_square(clinic):
    game = make_game(
        clinic,
        prizes=[
            {"label": "10", "kind": "points", "points": 10, "weight": 50},
            {"label": "50", "kind": "points", "points": 50, "weight": 30},
            {"label": "200", "kind": "points", "points": 200, "weight": 15},
            {"label": "Nothing", "kind": "nothing", "weight": 5},
        ],
    )
    prizes = list(game.prizes.all())
    rng = random.Random(20261123)
    draws = 20_000
    counts = dict.fromkeys(prizes, 0)
    for _ in range(draws):
        counts[prize_draw(prizes, rng=rng)] += 1
    total_weight = sum(p.weight for p in prizes)
    expected = [draws * p.weight / total_weight for p in prizes]
    statistic = chi_square([counts[p] for p in prizes], expected)
    assert statistic < CHI_SQUARE_CRITICAL_0_001[len(prizes) - 1], (statistic, counts)


def test_the_chi_square_check_catches_a_wrong_distribution(clinic):
    """The statistic is a real check: uniform draws fail against skewed weights."""
    game = make_game(
        clinic,
        prizes=[
            {"label": "Often", "kind": "nothing", "weight": 9},
            {"label": "Rarely", "kind": "nothing", "weight": 1},
        ],
    )
    prizes = list(game.prizes.all())
    rng = random.Random(7)
    counts = [0, 0]
    for _ in range(2_000):
        counts[rng.randrange(2)] += 1
    statistic = chi_square(counts, [1_800, 200])
    assert statistic > CHI_SQUARE_CRITICAL_0_001[1]
    assert len(prizes) == 2


def test_the_service_draws_with_the_given_random_source(clinic, patient):
    game = make_game(clinic, plays_allowed=200)
    plays = [game_play(game=game, client=patient, rng=random.Random(1)) for _ in range(3)]
    again = [prize_draw(list(game.prizes.all()), rng=random.Random(1)).label for _ in range(3)]
    assert [p.prize_label for p in plays] == again


def test_a_points_prize_is_recorded_and_posted_to_the_ledger(clinic, patient):
    game = make_game(clinic, prizes=[{"label": "50 points", "kind": "points", "points": 50}])
    play = game_play(game=game, client=patient)
    play.refresh_from_db()
    assert (play.prize_label, play.prize_kind, play.points) == ("50 points", "points", 50)
    assert play.ledger_entry.amount == 50
    assert play.ledger_entry.idempotency_key == f"game-play-{play.pk}"
    assert balance(clinic, patient) == 50


def test_nothing_prize_writes_no_ledger_entry(clinic, patient):
    game = make_game(clinic, prizes=[{"label": "Try again", "kind": "nothing"}])
    play = game_play(game=game, client=patient)
    assert play.ledger_entry is None and not play.won
    assert not LedgerEntry.objects.filter(client=patient).exists()


def test_one_play_a_day_in_the_clinics_time_zone(clinic, patient):
    game = make_game(clinic, plays_allowed=1, limit_period="day")
    evening = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=datetime.UTC)  # London 23:30
    game_play(game=game, client=patient, now=evening)
    with pytest.raises(GameError) as refused:
        game_play(game=game, client=patient, now=evening + datetime.timedelta(minutes=20))
    assert refused.value.code == "no_plays_left" and refused.value.field == "game"
    assert GamePlay.objects.count() == 1
    game_play(game=game, client=patient, now=evening + datetime.timedelta(minutes=40))
    assert GamePlay.objects.count() == 2


def test_plays_per_week_reset_on_monday(clinic, patient):
    game = make_game(clinic, plays_allowed=2, limit_period="week")
    sunday = datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC)
    game_play(game=game, client=patient, now=sunday - datetime.timedelta(days=3))
    game_play(game=game, client=patient, now=sunday)
    with pytest.raises(GameError):
        game_play(game=game, client=patient, now=sunday + datetime.timedelta(hours=1))
    game_play(game=game, client=patient, now=sunday + datetime.timedelta(days=1))


def _complete_visit(clinic, patient, service, emma, staff_user, hour):
    booking = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, f"{hour:02d}:00"),
        source="portal",
    )
    for status in ("confirmed", "started", "completed"):
        # the visit has happened: the clock is past its start
        booking = booking_transition(
            booking=booking, to_status=status, actor=staff_user, now=booking.end
        )
    return booking


def test_per_visit_games_give_plays_for_each_completed_visit(
    clinic, open_policy, service, emma, patient, staff_user
):
    game = make_game(clinic, limit_period="booking", eligibility="after_visit")
    with pytest.raises(GameError) as refused:
        game_play(game=game, client=patient)
    assert refused.value.code == "not_eligible"
    _complete_visit(clinic, patient, service, emma, staff_user, 10)
    game_play(game=game, client=patient)
    with pytest.raises(GameError) as refused:
        game_play(game=game, client=patient)
    assert refused.value.code == "no_plays_left"
    _complete_visit(clinic, patient, service, emma, staff_user, 11)
    [listed] = games_for_client(clinic, patient)
    assert listed.allowance.left == 1
    game_play(game=game, client=patient)


def test_stock_runs_out_and_then_only_other_prizes_come_up(clinic, patient):
    game = make_game(
        clinic,
        plays_allowed=10,
        prizes=[
            {"label": "Jackpot", "kind": "points", "points": 500, "weight": 1000, "stock": 1},
            {"label": "Try again", "kind": "nothing", "weight": 1},
        ],
    )
    labels = [game_play(game=game, client=patient).prize_label for _ in range(5)]
    assert labels.count("Jackpot") == 1
    assert GamePrize.objects.get(label="Jackpot").stock == 0


def test_when_every_prize_is_gone_the_play_is_refused_and_nothing_written(clinic, patient):
    game = make_game(
        clinic, plays_allowed=5, prizes=[{"label": "Only one", "kind": "nothing", "stock": 1}]
    )
    game_play(game=game, client=patient)
    with pytest.raises(GameError) as refused:
        game_play(game=game, client=patient)
    assert refused.value.code == "sold_out"
    assert GamePlay.objects.count() == 1


def test_closed_games_cannot_be_played_or_listed(clinic, patient):
    now = timezone.now()
    inactive = make_game(clinic, key="off", active=False)
    future = make_game(clinic, key="later", starts_at=now + datetime.timedelta(days=1))
    past = make_game(clinic, key="over", ends_at=now - datetime.timedelta(days=1))
    for game in (inactive, future, past):
        with pytest.raises(GameError) as refused:
            game_play(game=game, client=patient)
        assert refused.value.code == "closed"
    assert list(open_games(clinic)) == []


def test_feature_off_lists_no_games(clinic):
    make_game(clinic)
    features_update(clinic=clinic, games=False)
    assert list(open_games(clinic)) == []


def test_a_client_of_another_clinic_cannot_play(clinic, other_clinic):
    game = make_game(clinic)
    stranger = ClientAccountFactory(clinic=other_clinic)
    with pytest.raises(GameError) as refused:
        game_play(game=game, client=stranger)
    assert refused.value.status == 404
    assert not GamePlay.objects.exists()


def test_game_upsert_names_the_bad_field_and_writes_nothing(clinic):
    with pytest.raises(GameError) as refused:
        game_upsert(
            clinic=clinic,
            key="bad",
            name="Bad",
            kind="wheel",
            prizes=[{"label": "Points", "kind": "points", "weight": 1}],
        )
    assert refused.value.field == "prizes.0.points"
    with pytest.raises(GameError) as refused:
        game_upsert(clinic=clinic, key="bad", name="Bad", kind="wheel", prizes=[])
    assert refused.value.field == "prizes"
    with pytest.raises(GameError) as refused:
        game_upsert(
            clinic=clinic,
            key="bad",
            name="Bad",
            kind="dice",
            prizes=[{"label": "x", "kind": "nothing"}],
        )
    assert refused.value.field == "kind"


def test_games_for_client_runs_a_constant_number_of_queries(
    clinic, patient, django_assert_max_num_queries
):
    for n in range(5):
        make_game(clinic, key=f"g{n}", name=f"Game {n}")
    with django_assert_max_num_queries(4):
        games = games_for_client(clinic, patient)
        assert [g.allowance.left for g in games] == [1] * 5


def test_a_voucher_prize_issues_the_rewards_voucher(clinic, patient):
    from tests.factories.loyalty import RewardFactory

    reward = RewardFactory(clinic=clinic, name="£5 off", amount_off=500)
    game = make_game(clinic, prizes=[{"label": "£5 voucher", "kind": "voucher", "reward": reward}])
    play = game_play(game=game, client=patient)
    play.refresh_from_db()
    assert play.voucher.reward == reward and play.voucher.client == patient
    assert play.voucher.amount_off == 500 and play.ledger_entry is None
    assert balance(clinic, patient) == 0  # a prize costs no points


def test_a_voucher_prize_whose_reward_was_withdrawn_does_not_come_up(clinic, patient):
    from tests.factories.loyalty import RewardFactory

    reward = RewardFactory(clinic=clinic, amount_off=500)
    game = make_game(
        clinic,
        plays_allowed=5,
        prizes=[
            {"label": "Voucher", "kind": "voucher", "reward": reward, "weight": 1000},
            {"label": "Try again", "kind": "nothing", "weight": 1},
        ],
    )
    reward.active = False
    reward.save()
    assert {game_play(game=game, client=patient).prize_label for _ in range(3)} == {"Try again"}


def test_a_voucher_prize_cannot_name_another_clinics_reward(clinic, other_clinic):
    from tests.factories.loyalty import RewardFactory

    theirs = RewardFactory(clinic=other_clinic)
    with pytest.raises(GameError) as refused:
        make_game(clinic, prizes=[{"label": "V", "kind": "voucher", "reward": theirs}])
    assert refused.value.field == "prizes.0.reward"
    with pytest.raises(GameError) as refused:
        make_game(clinic, key="v2", prizes=[{"label": "V", "kind": "voucher"}])
    assert refused.value.field == "prizes.0.reward"


@pytest.mark.parametrize(
    ("period", "now_local", "opens_local"),
    [
        # The night the clocks go back: the next play opens at local midnight, not 23:00.
        ("day", datetime.datetime(2026, 10, 24, 15, 0), datetime.datetime(2026, 10, 25, 0, 0)),
        # A Saturday: the week's plays come back on Monday, after the change.
        ("week", datetime.datetime(2026, 10, 24, 15, 0), datetime.datetime(2026, 10, 26, 0, 0)),
    ],
)
def test_a_used_up_game_says_when_plays_come_back_in_clinic_time(
    clinic, patient, period, now_local, opens_local
):
    import zoneinfo

    london = zoneinfo.ZoneInfo("Europe/London")
    clinic.timezone = "Europe/London"
    clinic.save(update_fields=["timezone"])
    make_game(clinic, limit_period=period, starts_at=datetime.datetime(2026, 1, 1, tzinfo=london))
    (game,) = games_for_client(clinic, patient, now=now_local.replace(tzinfo=london))
    assert game.allowance.next_period == opens_local.replace(tzinfo=london)
    assert not game.allowance.per_visit


def test_a_per_visit_game_says_the_next_visit_brings_a_play(clinic, patient):
    make_game(clinic, limit_period="booking")
    (game,) = games_for_client(clinic, patient)
    assert game.allowance.per_visit and game.allowance.next_period is None
