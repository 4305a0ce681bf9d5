"""Money on a client's Balance tab that is not a booking's: apps above payments (the
shop's packages, gift cards and orders) register a source at start-up, so the tab lists
every purchase without payments importing them.

A source is ``fn(clinic, account) -> list[BalanceLine]``, newest first or not: the tab
sorts them."""

from dataclasses import dataclass
from datetime import datetime

_SOURCES = []


@dataclass(frozen=True)
class BalanceLine:
    when: datetime
    what: str
    amount: str  # formatted in the clinic's currency
    status: str
    refunded: str = ""  # formatted, empty when nothing went back
    receipt_url: str = ""
    receipt_number: str = ""  # as issued (``GLOW-S12``), empty when there is no receipt


def register_balance_source(source):
    if source not in _SOURCES:
        _SOURCES.append(source)


def balance_lines(clinic, account) -> list[BalanceLine]:
    lines = [line for source in _SOURCES for line in source(clinic, account)]
    return sorted(lines, key=lambda line: line.when, reverse=True)
