import datetime
import zoneinfo

import pytest

from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory

# A Monday far enough ahead that "now" never interferes unless a test says so.
MONDAY = datetime.date(2030, 1, 7)
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def open_policy(clinic):
    """No minimum notice and a long horizon, so tests control time explicitly."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=730)
    return clinic


@pytest.fixture
def service(clinic):
    return ServiceFactory(clinic=clinic, key="consult", name="Consultation",
                          duration_minutes=30, slot_step_minutes=15)


@pytest.fixture
def emma(clinic, service):
    return StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])


def at(day, hhmm, tz=LONDON):
    """An aware datetime for a local wall-clock time."""
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=tz)


def early_now():
    return datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC)
