"""The ``games`` key of the clinic import file: spin-the-wheel and scratch-card games,
each under its ``key``, with their prizes. Importing again updates the game and
replaces its prizes with the file's. A voucher prize names a reward of the clinic
(``reward``: the reward's name, from this file's ``rewards`` or already there). Dates
are the clinic's local days: a game runs from the start of ``starts_on`` to the end of
``ends_on``.

    games:
      - key: lucky-wheel
        name: Lucky wheel
        kind: wheel                # or scratch
        plays_allowed: 1
        limit_period: day          # day, week or booking (per completed visit)
        eligibility: after_visit   # or everyone
        prizes:
          - {label: "50 points", kind: points, points: 50, weight: 30}
          - {label: "£5 off", kind: voucher, reward: "£5 off your next visit", weight: 5, stock: 20}
          - {label: "Try again", kind: nothing, weight: 65}
"""

import datetime
import zoneinfo
from typing import Literal

from pydantic import Field, field_validator

from branding.errors import DomainError
from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Key, Strict
from loyalty.games.services import game_upsert
from loyalty.models import Eligibility, GameKind, PlayLimitPeriod, PrizeKind, Reward


class PrizeIn(Strict):
    label: str = Field(min_length=1, max_length=60)
    kind: Literal[tuple(PrizeKind.values)]  # type: ignore[valid-type]
    points: int | None = Field(default=None, ge=1)
    reward: str | None = None
    weight: int = Field(default=1, ge=1)
    stock: int | None = Field(default=None, ge=0)


class GameIn(Strict):
    key: Key
    name: str = Field(min_length=1, max_length=80)
    kind: Literal[tuple(GameKind.values)]  # type: ignore[valid-type]
    description: str = ""
    plays_allowed: int = Field(default=1, ge=1, le=100)
    limit_period: Literal[tuple(PlayLimitPeriod.values)] = "day"  # type: ignore[valid-type]
    eligibility: Literal[tuple(Eligibility.values)] = "everyone"  # type: ignore[valid-type]
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    active: bool = True
    prizes: list[PrizeIn] = Field(min_length=1)

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value, info):
        start = info.data.get("starts_on")
        if value and start and value < start:
            raise ValueError("end before start")
        return value


def check_games(value: list[GameIn], doc):
    seen = {}
    for i, game in enumerate(value):
        if game.key in seen:
            yield (f"games[{i}].key", f"{game.key!r} is already used by games[{seen[game.key]}]")
        seen.setdefault(game.key, i)
        for j, prize in enumerate(game.prizes):
            path = f"games[{i}].prizes[{j}]"
            if prize.kind == PrizeKind.POINTS and not prize.points:
                yield (f"{path}.points", "a points prize needs a number of points")
            if prize.kind == PrizeKind.VOUCHER and not prize.reward:
                yield (f"{path}.reward", "a voucher prize needs the name of a reward")


def _local_midnight(day, tz):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=tz) if day else None


def apply_games(value: list[GameIn], ctx: ImportContext):
    clinic = ctx.clinic
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    rewards = {reward.name: reward for reward in Reward.objects.filter(clinic=clinic)}
    for i, game in enumerate(value):
        prizes = []
        for j, prize in enumerate(game.prizes):
            data = prize.model_dump(exclude_none=True)
            if prize.reward:
                if prize.reward not in rewards:
                    raise ImportFileError(
                        [(f"games[{i}].prizes[{j}].reward", f"no reward named {prize.reward!r}")]
                    )
                data["reward"] = rewards[prize.reward]
            prizes.append(data)
        try:
            made = game_upsert(
                clinic=clinic,
                key=game.key,
                prizes=prizes,
                name=game.name,
                kind=game.kind,
                description=game.description,
                plays_allowed=game.plays_allowed,
                limit_period=game.limit_period,
                eligibility=game.eligibility,
                starts_at=_local_midnight(game.starts_on, tz),
                ends_at=_local_midnight(
                    game.ends_on and game.ends_on + datetime.timedelta(days=1), tz
                ),
                active=game.active,
            )
        except DomainError as exc:
            field = (exc.field or "name").replace("prizes.", "prizes[", 1)
            if field.startswith("prizes["):
                index, _, rest = field.removeprefix("prizes[").partition(".")
                field = f"prizes[{index}]" + (f".{rest}" if rest else "")
            raise ImportFileError([(f"games[{i}].{field}", exc.message)]) from exc
        ctx.remember("game", game.key, made)
        ctx.count("games")


def register():
    # After rewards (which voucher prizes name).
    register_section(
        ImportSection(
            key="games", schema=list[GameIn], apply=apply_games, check=check_games, order=85
        )
    )
