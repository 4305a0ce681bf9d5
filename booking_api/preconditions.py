"""Rules other apps impose on a client's booking, without booking_api importing them.

An app above booking_api registers a check from its ``AppConfig.ready``::

    register_booking_precondition(forms_booking_precondition)

``booking_create`` calls every check, in registration order, for bookings clients make
(portal and app; staff are not held up), inside its transaction and before it looks
for the slot. A check returns nothing when the booking may go ahead and raises a
``DomainError`` (which reaches the client as is) when it may not.
"""

from collections.abc import Callable

# check(*, clinic, client, service, start) -> None, or raises a DomainError
_preconditions: list[Callable] = []


def register_booking_precondition(check: Callable) -> None:
    # ready() can run more than once (tests); a rule is checked once all the same.
    if check not in _preconditions:
        _preconditions.append(check)


def booking_preconditions_check(*, clinic, client, service, start) -> None:
    for check in _preconditions:
        check(clinic=clinic, client=client, service=service, start=start)
