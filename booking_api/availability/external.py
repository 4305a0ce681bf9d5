"""Time other systems hold on a staff member's diary, without booking_api importing them.

An app above booking_api (the practice-system sync) registers a source from its
``AppConfig.ready``::

    register_busy_source(practice_appointments_busy)

``find_slots`` asks every source once per call, in the same window it loads bookings
for, and treats what they answer exactly like an active booking's blocked interval. A
source is ``source(*, clinic, staff_ids, start, end) -> iterable of (staff_id,
blocked_start, blocked_end)`` (aware datetimes) and must cost a constant number of
queries.
"""

from collections.abc import Callable

_sources: list[Callable] = []


def register_busy_source(source: Callable) -> None:
    # ready() can run more than once (tests); a source is asked once all the same.
    if source not in _sources:
        _sources.append(source)


def busy_intervals(*, clinic, staff_ids, start, end):
    """Every registered source's busy intervals overlapping [start, end)."""
    for source in _sources:
        yield from source(clinic=clinic, staff_ids=staff_ids, start=start, end=end)
