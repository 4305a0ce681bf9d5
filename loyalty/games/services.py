"""Playing a game: the one write path.

``game_play`` locks the client's ``LoyaltyAccount`` row first (the same lock every
ledger write takes), so two plays by one client queue and the second sees the first
when it counts plays left. It then locks the game's prize rows, so two clients cannot
both win the last unit of a prize. On SQLite every transaction is ``BEGIN IMMEDIATE``,
which serialises writers the same way. The play is recorded, and its points posted
through the ledger, before anyone is told the outcome.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.games.draw import prize_draw
from loyalty.games.selectors import (
    allowance,
    completed_visits_since,
    game_opened_at,
    period_starts,
)
from loyalty.models import Game, GamePlay, GamePrize, LoyaltyAccount, PrizeKind
from loyalty.rewards.services import reward_grant
from loyalty.services import points_award


class GameError(LoyaltyError):
    code = LoyaltyErrorCode.GAME


GAME_FIELDS = {
    "name",
    "kind",
    "description",
    "plays_allowed",
    "limit_period",
    "eligibility",
    "starts_at",
    "ends_at",
    "active",
}
PRIZE_FIELDS = {"label", "kind", "points", "reward", "weight", "stock"}


def _first_error(exc: ValidationError, prefix=""):
    errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    field, messages = next(iter(errors.items()))
    name = prefix + field if field != "__all__" else prefix.rstrip(".") or None
    # Django already translated the model's validation message.
    return GameError(messages[0], field=name, code=LoyaltyErrorCode.GAME_INVALID)


@transaction.atomic
def game_upsert(*, clinic, key, prizes, **fields) -> Game:
    """Create or update the clinic's game named ``key`` with exactly ``prizes`` (dicts
    of label, kind, points, weight, stock). Used by the clinic import; the admin edits
    games through its own form."""
    unknown = set(fields) - GAME_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise GameError(
            _("Unknown game setting %(name)r.") % {"name": name},
            field=name,
            code=LoyaltyErrorCode.UNKNOWN_SETTING,
        )
    if not prizes:
        raise GameError(
            _("Add at least one prize."), field="prizes", code=LoyaltyErrorCode.GAME_INVALID
        )
    game = Game.objects.filter(clinic=clinic, key=key).first() or Game(clinic=clinic, key=key)
    for name, value in fields.items():
        setattr(game, name, value)
    try:
        game.full_clean()
    except ValidationError as exc:
        raise _first_error(exc) from exc
    game.save()
    built = []
    for position, data in enumerate(prizes):
        unknown = set(data) - PRIZE_FIELDS
        if unknown:
            raise GameError(
                _("Unknown prize setting %(name)r.") % {"name": sorted(unknown)[0]},
                field=f"prizes.{position}",
                code=LoyaltyErrorCode.UNKNOWN_SETTING,
            )
        prize = GamePrize(game=game, sort_order=position, **data)
        try:
            prize.full_clean(exclude=["game"])
        except ValidationError as exc:
            raise _first_error(exc, prefix=f"prizes.{position}.") from exc
        built.append(prize)
    GamePrize.objects.filter(game=game).delete()
    GamePrize.objects.bulk_create(built)
    return game


def _lock_client(clinic, client):
    account, _created = LoyaltyAccount.objects.get_or_create(
        client=client, defaults={"clinic": clinic}
    )
    LoyaltyAccount.objects.select_for_update().get(pk=account.pk)


def _allowance_now(game, client, now):
    starts = period_starts(game.clinic, now)
    plays = GamePlay.objects.filter(game=game, client=client)
    return allowance(
        game,
        used_day=plays.filter(played_at__gte=starts["day"]).count(),
        used_week=plays.filter(played_at__gte=starts["week"]).count(),
        used_total=plays.count(),
        visits=completed_visits_since(game.clinic, client, game_opened_at(game)),
        has_visited=completed_visits_since(game.clinic, client, None) > 0,
        starts=starts,
    )


@transaction.atomic
def game_play(*, game, client, rng=None, now=None) -> GamePlay:
    """Draw a prize for ``client``, record it and award it. Raises ``GameError``
    (409) when the game is closed, the client is not eligible, has no plays left, or
    every prize has run out."""
    now = now or timezone.now()
    clinic = game.clinic
    if client.clinic_id != game.clinic_id:
        raise GameError(
            _("No such game."), field="game", code=LoyaltyErrorCode.NOT_FOUND, status=404
        )
    if not game.is_open(now):
        raise GameError(
            _("This game is not open."), field="game", code=LoyaltyErrorCode.CLOSED, status=409
        )
    _lock_client(clinic, client)

    plays = _allowance_now(game, client, now)
    if not plays.eligible:
        raise GameError(
            _("This game opens to you after your first completed visit."),
            field="game",
            code=LoyaltyErrorCode.NOT_ELIGIBLE,
            status=409,
        )
    if plays.left <= 0:
        raise GameError(
            _("You have no plays left for now. Come back later!"),
            field="game",
            code=LoyaltyErrorCode.NO_PLAYS_LEFT,
            status=409,
        )

    prizes = list(
        GamePrize.objects.select_for_update(of=("self",))
        .filter(game=game)
        .select_related("reward")
        .order_by("sort_order", "id")
    )
    in_stock = [prize for prize in prizes if _can_be_won(prize)]
    if not in_stock:
        raise GameError(
            _("Every prize in this game has been won."),
            field="game",
            code=LoyaltyErrorCode.SOLD_OUT,
            status=409,
        )
    prize = prize_draw(in_stock, rng=rng)
    if prize.stock is not None:
        GamePrize.objects.filter(pk=prize.pk).update(stock=F("stock") - 1)

    play = GamePlay.objects.create(
        clinic=clinic,
        game=game,
        client=client,
        prize=prize,
        prize_label=prize.label,
        prize_kind=prize.kind,
        points=prize.points if prize.kind == PrizeKind.POINTS else None,
        played_at=now,
    )
    if prize.kind == PrizeKind.POINTS:
        play.ledger_entry = points_award(
            clinic=clinic,
            client=client,
            amount=prize.points,
            reason=f"{game.name}: {prize.label}",
            idempotency_key=f"game-play-{play.pk}",
        )
        play.save(update_fields=["ledger_entry"])
    elif prize.kind == PrizeKind.VOUCHER:
        play.voucher = reward_grant(
            clinic=clinic, client=client, reward_id=prize.reward_id, actor=None
        )
        play.save(update_fields=["voucher"])
    return play


def _can_be_won(prize) -> bool:
    """In stock, and (for a voucher) its reward still offered."""
    if prize.stock is not None and prize.stock <= 0:
        return False
    return prize.kind != PrizeKind.VOUCHER or (prize.reward is not None and prize.reward.active)
