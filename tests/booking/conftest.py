import datetime
import zoneinfo

import pytest

from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory


def _first_monday_of_next_january():
    day = datetime.date(datetime.date.today().year + 1, 1, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


# A winter Monday (GMT, so UTC times read the same) within a two-year horizon; tests
# that care about "now" pass it explicitly.
MONDAY = _first_monday_of_next_january()
SUMMER_MONDAY = MONDAY + datetime.timedelta(weeks=26)
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def open_policy(clinic):
    """No minimum notice and a long horizon, so tests control time explicitly."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=730)
    return clinic


@pytest.fixture
def service(clinic):
    return ServiceFactory(
        clinic=clinic, key="consult", name="Consultation", duration_minutes=30, slot_step_minutes=15
    )


@pytest.fixture
def emma(clinic, service):
    return StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])


def at(day, hhmm, tz=LONDON):
    """An aware datetime for a local wall-clock time."""
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=tz)


def early_now():
    """A "now" a month before MONDAY, so notice and horizon never get in the way."""
    return at(MONDAY, "00:00") - datetime.timedelta(days=30)
