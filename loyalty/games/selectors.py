"""Reads of games, clinic first, in a constant number of queries.

A client's plays left depend on the game's period: plays since local midnight (day),
since Monday (week), or visits completed since the game opened (per visit). All three
counts come from one query over the clinic's open games.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from branding.selectors import clinic_features
from loyalty.models import Eligibility, Game, GamePlay, PlayLimitPeriod


@dataclass(frozen=True)
class PlayAllowance:
    allowed: int  # plays granted in the current period
    used: int
    eligible: bool  # meets the game's eligibility rule
    # When plays come back (the clinic's next midnight or Monday); None for a game whose
    # plays come with visits, or when the period was not given.
    next_period: datetime.datetime | None = None
    per_visit: bool = False

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0) if self.eligible else 0


def period_starts(clinic, now) -> dict:
    """The start of the clinic's local day and week (Monday) containing ``now``."""
    local = now.astimezone(zoneinfo.ZoneInfo(clinic.timezone))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"day": day, "week": day - datetime.timedelta(days=local.weekday())}


def open_games(clinic, *, now=None, with_prizes=True):
    """The clinic's active games within their dates, with their prizes unless told
    otherwise; none when the ``games`` feature is off."""
    now = now or timezone.now()
    if not clinic_features(clinic).get("games"):
        return Game.objects.none()
    games = (
        Game.objects.filter(clinic=clinic, active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("name", "id")
    )
    return games.prefetch_related("prizes") if with_prizes else games


def open_game(clinic, game_id, *, now=None) -> Game:
    """An open game of this clinic, or 404 (another clinic's, disabled, out of dates)."""
    for game in open_games(clinic, now=now).filter(pk=game_id):
        return game
    raise Http404("No such game.")


def completed_visits_since(clinic, client, since) -> int:
    from booking_api.models import Booking, BookingStatus

    visits = Booking.objects.filter(clinic=clinic, client=client, status=BookingStatus.COMPLETED)
    if since is not None:
        visits = visits.filter(start__gte=since)
    return visits.count()


def allowance(
    game, *, used_day, used_week, used_total, visits, has_visited, starts=None
) -> PlayAllowance:
    """``starts``: ``period_starts`` for now, to say when plays come back."""
    eligible = game.eligibility != Eligibility.AFTER_VISIT or has_visited
    if game.limit_period == PlayLimitPeriod.DAY:
        # Aware local datetimes add in wall-clock time: the next midnight, DST or not.
        after = starts["day"] + datetime.timedelta(days=1) if starts else None
        return PlayAllowance(game.plays_allowed, used_day, eligible, after)
    if game.limit_period == PlayLimitPeriod.WEEK:
        after = starts["week"] + datetime.timedelta(days=7) if starts else None
        return PlayAllowance(game.plays_allowed, used_week, eligible, after)
    return PlayAllowance(game.plays_allowed * visits, used_total, eligible, per_visit=True)


def game_opened_at(game):
    return game.starts_at or game.created_at


def games_for_client(clinic, client, *, now=None, with_prizes=True) -> list:
    """Open games, each with ``.allowance`` for ``client`` (None: a visitor). Three
    queries whatever the number of games: games with play counts, prizes (unless
    ``with_prizes`` is off, as on the dashboard card), visits."""
    now = now or timezone.now()
    starts = period_starts(clinic, now)
    games = open_games(clinic, now=now, with_prizes=with_prizes)
    if client is None:
        return [_with_allowance(game, None) for game in games]
    mine = Q(plays__client=client)
    games = list(
        games.annotate(
            used_day=Count("plays", filter=mine & Q(plays__played_at__gte=starts["day"])),
            used_week=Count("plays", filter=mine & Q(plays__played_at__gte=starts["week"])),
            used_total=Count("plays", filter=mine),
        )
    )
    visits = _visits_per_game(clinic, client, games) if games else {}
    for game in games:
        game.allowance = allowance(
            game,
            used_day=game.used_day,
            used_week=game.used_week,
            used_total=game.used_total,
            visits=visits[game.pk],
            has_visited=visits["any"] > 0,
            starts=starts,
        )
    return games


def _visits_per_game(clinic, client, games) -> dict:
    """Completed visits since each game opened (by game id) and in all (``"any"``), in
    one aggregate query."""
    from booking_api.models import Booking, BookingStatus

    counts = {"any": Count("id")}
    for game in games:
        counts[str(game.pk)] = Count("id", filter=Q(start__gte=game_opened_at(game)))
    row = Booking.objects.filter(
        clinic=clinic, client=client, status=BookingStatus.COMPLETED
    ).aggregate(**counts)
    return {"any": row["any"], **{game.pk: row[str(game.pk)] for game in games}}


def _with_allowance(game, value):
    game.allowance = value
    return game


def plays_for_client(clinic, client):
    """The client's plays at this clinic, newest first."""
    return (
        GamePlay.objects.filter(clinic=clinic, client=client)
        .select_related("game", "voucher")
        .order_by("-played_at", "-id")
    )


def plays_for_clinic(clinic):
    """Every play at the clinic, newest first, for staff: who won what."""
    return (
        GamePlay.objects.filter(clinic=clinic)
        .select_related("game", "client__user")
        .order_by("-played_at", "-id")
    )
