import datetime
import zoneinfo

import pytest
from django.utils import timezone

from booking_api.models import Booking, BookingStatus
from branding.services import policy_update
from tests.conftest import host_client
from tests.factories.booking import ServiceFactory, StaffFactory, main_location

LONDON = zoneinfo.ZoneInfo("Europe/London")


def set_cards(clinic, *cards):
    """Publish the clinic's home page with these (block type, value) cards."""
    page = clinic.site.root_page.specific
    page.cards = list(cards)
    page.save_revision().publish()
    return page


def local_day(days_ahead):
    return timezone.localdate(timezone.now(), LONDON) + datetime.timedelta(days=days_ahead)


def at(day, hhmm):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=LONDON)


def add_booking(clinic, client, service, staff, start, status=BookingStatus.BOOKED, **extra):
    """A booking written directly (past history, fixtures); the engine is not asked."""
    end = start + datetime.timedelta(minutes=service.duration_minutes)
    return Booking.objects.create(
        clinic=clinic,
        client=client,
        service=service,
        staff=staff,
        location=main_location(clinic),
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        status=status,
        price=service.price,
        currency=clinic.currency,
        source="staff",
        **extra,
    )


@pytest.fixture
def policy(clinic):
    """A little notice and a long horizon; free cancellation until 24h before, then 50%."""
    return policy_update(
        clinic=clinic,
        min_notice_minutes=60,
        max_advance_days=365,
        cancellation_window_hours=24,
        late_cancel_fee_kind="percent",
        late_cancel_fee_value=50,
        reschedule_window_hours=24,
        reschedule_limit=2,
    )


@pytest.fixture
def service(clinic, policy):
    return ServiceFactory(
        clinic=clinic,
        key="consult",
        name="Skin consultation",
        duration_minutes=30,
        price=4500,
        slot_step_minutes=30,
    )


@pytest.fixture
def emma(clinic, service):
    return StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])


@pytest.fixture
def signed_in(clinic, patient):
    client = host_client(clinic)
    client.force_login(patient.user)
    return client
