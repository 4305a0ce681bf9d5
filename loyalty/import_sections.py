"""The ``loyalty`` and ``rewards`` keys of the clinic import file.

    loyalty:
      unit: points                 # or stamps
      unit_name: paws
      per_currency_unit: 1         # earned per whole unit of the clinic's currency
      per_visit: 10
      per_referral: 100            # both sides, after the new client's first visit
      per_review: 20
      birthday_bonus: 50
      expiry_months: 24            # optional
      tiers:
        - {name: Silver, threshold: 0, benefits: "Birthday treat"}
        - {name: Gold, threshold: 500}

    rewards:
      - {name: "£5 off your next visit", cost: 250, kind: amount_off, amount_off: "5.00"}
      - {name: "10% off", cost: 400, kind: percent_off, percent_off: 10}
      - {name: Free consultation, cost: 600, kind: free_service, services: [consult]}

A reward is recognised by its name (games name it for a voucher prize); importing again
updates it. Tiers are replaced by the file's. Amounts are decimal strings in the clinic's
currency, stored in minor units.
"""

import datetime
import decimal
from typing import Literal

from django.db import transaction
from pydantic import Field, field_validator

from booking_api.models import Service
from branding.errors import DomainError
from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Key, Strict
from branding.money import AmountError, minor_digits, to_minor
from loyalty.models import LoyaltyUnit, Reward, RewardKind, Tier
from loyalty.services import programme_upsert


class TierIn(Strict):
    name: str = Field(min_length=1, max_length=60)
    threshold: int = Field(ge=0)
    benefits: str = Field(default="", max_length=1000)


class LoyaltyIn(Strict):
    active: bool = True
    unit: Literal[tuple(LoyaltyUnit.values)] = "points"  # type: ignore[valid-type]
    unit_name: str = Field(default="points", min_length=1, max_length=40)
    per_currency_unit: int = Field(default=0, ge=0)
    per_visit: int = Field(default=0, ge=0)
    per_referral: int = Field(default=0, ge=0)
    per_review: int = Field(default=0, ge=0)
    birthday_bonus: int = Field(default=0, ge=0)
    expiry_months: int | None = Field(default=None, ge=1, le=120)
    tiers: list[TierIn] = []


class RewardIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    cost: int = Field(ge=1)
    kind: Literal[tuple(RewardKind.values)]  # type: ignore[valid-type]
    amount_off: decimal.Decimal | None = None
    percent_off: int | None = Field(default=None, ge=1, le=100)
    services: list[Key] = []
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    voucher_valid_days: int = Field(default=90, ge=1, le=3650)
    active: bool = True

    @field_validator("amount_off", mode="before")
    @classmethod
    def _amount(cls, value):
        if value is None:
            return None
        try:
            amount = decimal.Decimal(str(value))
        except decimal.InvalidOperation as exc:
            raise ValueError(f'{value!r} is not an amount such as "5.00"') from exc
        if amount <= 0 or not amount.is_finite():
            raise ValueError("an amount greater than zero")
        return amount


def check_loyalty(value: LoyaltyIn, doc):
    for label in ("name", "threshold"):
        seen = {}
        for i, tier in enumerate(value.tiers):
            key = str(getattr(tier, label)).lower()
            if key in seen:
                yield (f"loyalty.tiers[{i}].{label}", f"the same {label} as tiers[{seen[key]}]")
            seen.setdefault(key, i)


def check_rewards(value: list[RewardIn], doc):
    # Services may also be there already from an earlier import: only this file's are
    # known here, so an unknown key is named again (with the database) when applying.
    known_services = {getattr(s, "key", None) for s in doc.get("services") or []}
    seen = {}
    for i, reward in enumerate(value):
        path = f"rewards[{i}]"
        if reward.name in seen:
            yield (
                f"{path}.name",
                f"{reward.name!r} is already used by rewards[{seen[reward.name]}]",
            )
        seen.setdefault(reward.name, i)
        if reward.kind == RewardKind.AMOUNT_OFF and reward.amount_off is None:
            yield (f"{path}.amount_off", "an amount_off reward needs an amount")
        if reward.kind == RewardKind.PERCENT_OFF and reward.percent_off is None:
            yield (f"{path}.percent_off", "a percent_off reward needs a percentage")
        if reward.kind == RewardKind.FREE_SERVICE and not reward.services:
            yield (f"{path}.services", "a free_service reward needs the service it gives")
        if reward.starts_on and reward.ends_on and reward.ends_on < reward.starts_on:
            yield (f"{path}.ends_on", "end before start")
        for j, key in enumerate(reward.services):
            if known_services and key not in known_services:
                yield (f"{path}.services[{j}]", f"no service with key {key!r} in this file")


def apply_loyalty(value: LoyaltyIn, ctx: ImportContext):
    clinic = ctx.clinic
    fields = value.model_dump(exclude={"tiers"})
    try:
        programme_upsert(clinic=clinic, **fields)
    except DomainError as exc:
        raise ImportFileError([(f"loyalty.{exc.field or 'unit'}", exc.message)]) from exc
    wanted = sorted((tier.model_dump() for tier in value.tiers), key=lambda t: t["threshold"])
    have = list(
        Tier.objects.filter(clinic=clinic)
        .order_by("threshold")
        .values("name", "threshold", "benefits")
    )
    if have != wanted:  # importing the same file again changes nothing
        Tier.objects.filter(clinic=clinic).delete()
        Tier.objects.bulk_create([Tier(clinic=clinic, **tier) for tier in wanted])
    ctx.count("tiers", len(value.tiers))


@transaction.atomic
def apply_rewards(value: list[RewardIn], ctx: ImportContext):
    clinic = ctx.clinic
    places = minor_digits(clinic.currency)
    services = {s.key: s for s in Service.objects.filter(clinic=clinic)}
    for i, item in enumerate(value):
        for j, key in enumerate(item.services):
            if key not in services:
                raise ImportFileError([(f"rewards[{i}].services[{j}]", f"no service {key!r}")])
        try:
            amount = None if item.amount_off is None else to_minor(item.amount_off, clinic.currency)
        except AmountError:
            raise ImportFileError(
                [(f"rewards[{i}].amount_off", f"{clinic.currency} has {places} decimal places")]
            ) from None
        defaults = item.model_dump(exclude={"name", "services", "amount_off"})
        defaults["amount_off"] = amount if item.kind == RewardKind.AMOUNT_OFF else None
        if item.kind != RewardKind.PERCENT_OFF:
            defaults["percent_off"] = None
        reward, _ = Reward.objects.update_or_create(
            clinic=clinic, name=item.name, defaults={**defaults, "position": i}
        )
        reward.services.set([services[key] for key in item.services])
        ctx.remember("reward", item.name, reward)
        ctx.count("rewards")


def register():
    # After services (which rewards name) and before games (whose prizes name rewards).
    register_section(
        ImportSection(
            key="loyalty", schema=LoyaltyIn, apply=apply_loyalty, check=check_loyalty, order=70
        )
    )
    register_section(
        ImportSection(
            key="rewards",
            schema=list[RewardIn],
            apply=apply_rewards,
            check=check_rewards,
            order=80,
        )
    )
