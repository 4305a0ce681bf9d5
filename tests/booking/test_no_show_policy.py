"""The no-show policy per case: staff mark a no-show applying the clinic's fee and
online-booking block, or choose not to; the block shows on the client page with who
and why and can be lifted; the fee can be waived afterwards. Every decision audited."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from booking_api.models import Booking, BookingEvent, BookingStatus
from booking_api.selectors import booking_fee
from branding.services import policy_update
from payments import cards
from payments.models import PaymentKind
from people.models import AuditEntry, ClientAccount
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(clinic):
    policy_update(
        clinic=clinic,
        no_show_fee_kind="percent",
        no_show_fee_value=100,
        no_show_blocks_online_booking=True,
    )
    return clinic


@pytest.fixture
def missed(strict, service, emma):
    """Began ten minutes ago; nobody came. £45.00."""
    service.price = 4500
    service.save()
    patient = ClientAccountFactory(
        clinic=strict, user=UserFactory(first_name="Nora", last_name="Absent")
    )
    start = timezone.now() - datetime.timedelta(minutes=10)
    return add_booking(strict, patient, service, emma, start, status=BookingStatus.CONFIRMED)


def no_show(desk, booking, **choices):
    data = {"policy_choice": "1", **{k: "on" for k, v in choices.items() if v}}
    return desk.post(f"/admin/bookings/calendar/{booking.pk}/no_show/", data)


def test_the_policy_applies_by_default_and_the_block_shows_who_and_why(clinic, missed, staff_user):
    desk = admin_client_for(staff_user, clinic)
    form = BeautifulSoup(
        desk.get(f"/admin/bookings/calendar/{missed.pk}/").content.decode(), "html.parser"
    ).select_one("[data-no-show-form]")
    assert form.find("input", {"name": "apply_fee"}).has_attr("checked")
    assert form.find("input", {"name": "block"}).has_attr("checked")
    assert "£45.00" in form.get_text()
    no_show(desk, missed, apply_fee=True, block=True)
    missed.refresh_from_db()
    assert missed.status == BookingStatus.NO_SHOW and booking_fee(missed, "no_show") == 4500
    assert ClientAccount.objects.get(pk=missed.client_id).online_booking_blocked
    page = desk.get(f"/admin/clinic/clients/{missed.client_id}/").content.decode()
    block = BeautifulSoup(page, "html.parser").select_one("[data-booking-block]")
    assert "after a no-show: Consultation" in block.get_text()
    assert staff_user.get_full_name() in block.get_text()


def test_staff_may_choose_not_to_apply_the_fee_or_the_block(clinic, missed, staff_user):
    desk = admin_client_for(staff_user, clinic)
    no_show(desk, missed)  # both boxes left unticked
    missed.refresh_from_db()
    assert missed.status == BookingStatus.NO_SHOW
    event = BookingEvent.objects.get(booking=missed, to_status="no_show")
    assert (event.fee, event.data["policy_fee"], event.data["blocked"]) == (0, 4500, False)
    assert not ClientAccount.objects.get(pk=missed.client_id).online_booking_blocked
    assert cards.charge_due(missed, PaymentKind.NO_SHOW_FEE) == 0
    entry = AuditEntry.objects.get(client=missed.client, summary__contains="No-show")
    assert entry.changes["no-show policy"] == ["", "fee not applied, not blocked"]


def test_the_block_is_lifted_and_audited(clinic, missed, staff_user):
    desk = admin_client_for(staff_user, clinic)
    no_show(desk, missed, apply_fee=True, block=True)
    desk.post(f"/admin/clinic/clients/{missed.client_id}/status/", {"action": "unblock"})
    client = ClientAccount.objects.get(pk=missed.client_id)
    assert not client.online_booking_blocked
    assert AuditEntry.objects.filter(
        client=client, actor=staff_user, summary__contains="Lifted the online-booking block"
    ).exists()
    page = desk.get(f"/admin/clinic/clients/{client.pk}/").content.decode()
    assert "data-booking-block" not in page


def test_the_fee_is_waived_by_the_desk_not_by_a_therapist(clinic, missed, staff_user):
    desk = admin_client_for(staff_user, clinic)
    no_show(desk, missed, apply_fee=True, block=False)
    assert cards.charge_due(missed, PaymentKind.NO_SHOW_FEE) == 4500
    page = desk.get(f"/admin/bookings/calendar/{missed.pk}/").content.decode()
    assert "Fee due: £45.00" in page
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    missed.staff.user = therapist
    missed.staff.save()
    with nothing_changes(BookingEvent, AuditEntry):
        admin_client_for(therapist, clinic).post(
            f"/admin/bookings/calendar/{missed.pk}/waive-fee/", {"reason": "x"}
        )
    desk.post(f"/admin/bookings/calendar/{missed.pk}/waive-fee/", {"reason": "First time"})
    assert booking_fee(missed, "no_show") == 0
    assert cards.charge_due(missed, PaymentKind.NO_SHOW_FEE) == 0
    assert AuditEntry.objects.filter(client=missed.client, summary__contains="First time").exists()
    assert "Fee due" not in desk.get(f"/admin/bookings/calendar/{missed.pk}/").content.decode()


def test_another_clinics_client_cannot_be_unblocked(clinic, other_clinic, staff_user):
    theirs = ClientAccountFactory(clinic=other_clinic, online_booking_blocked=True)
    with nothing_changes(ClientAccount, Booking):
        response = admin_client_for(staff_user, clinic).post(
            f"/admin/clinic/clients/{theirs.pk}/status/", {"action": "unblock"}
        )
    assert response.status_code == 404
