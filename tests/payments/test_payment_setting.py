"""One payment setting, no contradictions: what is paid online when booking is
``payment_mode`` alone (none, deposit at booking with its percent, full at booking, card
on file). The admin refuses a deposit percent with any other mode and "Deposit at
booking" without one; the booking, the checkout quote, the API and the policy page then
say the same thing. The data migration keeps what each clinic's patients actually paid."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from booking_api.models import BookingStatus
from booking_api.services import booking_create
from branding.models import BookingPolicySettings, PaymentMode
from branding.selectors import clinic_policy
from branding.services import ClinicError, policy_update
from payments.selectors import checkout_quote
from portal_pages.services import policy_page_seed
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def policy_url(clinic):
    return f"/admin/settings/branding/bookingpolicysettings/{clinic.site_id}/"


def policy_form(**overrides):
    data = {
        "min_notice_minutes": 0,
        "max_advance_days": 730,
        "cancellation_window_hours": 24,
        "late_cancel_fee_kind": "none",
        "late_cancel_fee_value": "",
        "reschedule_limit": 2,
        "reschedule_window_hours": 24,
        "deposit_percent": "",
        "payment_mode": "none",
        "payment_hold_minutes": 10,
        "no_show_fee_kind": "none",
        "no_show_fee_value": "",
        "guest_verification": "email",
        "guest_hold_minutes": 15,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("mode", "percent", "message"),
    [
        ("none", "20", "A deposit is taken only with"),
        ("full", "20", "A deposit is taken only with"),
        ("card_on_file", "20", "A deposit is taken only with"),
        ("deposit", "", "Give the deposit percent"),
    ],
)
def test_the_admin_refuses_a_contradiction_naming_the_deposit_percent(
    clinic, manager_admin, mode, percent, message
):
    before = (clinic_policy(clinic).payment_mode, clinic_policy(clinic).deposit_percent)
    response = manager_admin.post(
        policy_url(clinic), policy_form(payment_mode=mode, deposit_percent=percent)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["deposit_percent"]
    assert message in errors["deposit_percent"][0]
    policy = BookingPolicySettings.objects.get(site=clinic.site)
    assert (policy.payment_mode, policy.deposit_percent) == before


def test_the_service_refuses_the_same_contradiction(clinic):
    with nothing_changes(BookingPolicySettings), pytest.raises(ClinicError) as exc:
        policy_update(clinic=clinic, payment_mode=PaymentMode.NONE, deposit_percent=20)
    assert exc.value.field == "deposit_percent"


def test_the_admin_saves_a_deposit_with_its_percent(clinic, manager_admin):
    response = manager_admin.post(
        policy_url(clinic), policy_form(payment_mode="deposit", deposit_percent="25")
    )
    assert response.status_code == 302
    policy = BookingPolicySettings.objects.get(site=clinic.site)
    assert (policy.payment_mode, policy.deposit_percent) == ("deposit", 25)


def book(clinic, patient, service, emma, status=BookingStatus.BOOKED):
    return booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        status=status,
    )


def say_the_same(clinic, booking, expected_words):
    """The checkout quote, the API's booking and policy, and the policy page agree."""
    quote = checkout_quote(booking)
    api = Client(HTTP_HOST=clinic.site.hostname)
    api.force_login(booking.client.user)
    listed = api.get(f"/api/v1/bookings/{booking.pk}").json()
    policy = api.get("/api/v1/policy").json()
    page, _created = policy_page_seed(clinic=clinic)
    html = api.get(page.url).content.decode()
    return {
        "booking deposit": booking.deposit,
        "api deposit": listed["deposit"],
        "quote deposit": quote.deposit,
        "quote now": quote.due_now,
        "api mode": policy["payment_mode"],
        "api percent": policy["deposit_percent"],
        "words in api": expected_words in policy["words"]["payment_at_booking"],
        "words on page": expected_words in html.lower(),
    }


def test_no_online_payment_shows_no_deposit_anywhere(open_policy, patient, emma):
    clinic = open_policy
    service = emma.services.first()
    service.deposit = 1000  # the service's own deposit: not taken without online payment
    service.save()
    booking = book(clinic, patient, service, emma)
    assert say_the_same(clinic, booking, "nothing is paid online") == {
        "booking deposit": 0,
        "api deposit": 0,
        "quote deposit": 0,
        "quote now": 0,
        "api mode": "none",
        "api percent": None,
        "words in api": True,
        "words on page": True,
    }
    api = Client(HTTP_HOST=clinic.site.hostname)
    listed = api.get("/api/v1/services").json()["results"]
    assert {s["key"]: (s["deposit"], s["deposit_display"]) for s in listed}[service.key] == (
        0,
        "£0.00",
    )


def test_a_deposit_at_booking_is_what_the_booking_the_quote_and_the_policy_say(
    open_policy, patient, emma
):
    clinic = open_policy
    policy_update(clinic=clinic, payment_mode=PaymentMode.DEPOSIT, deposit_percent=20)
    service = emma.services.first()  # 45.00, no deposit of its own
    booking = book(clinic, patient, service, emma, status=BookingStatus.PENDING_PAYMENT)
    assert say_the_same(clinic, booking, "20% of the price") == {
        "booking deposit": 900,
        "api deposit": 900,
        "quote deposit": 900,
        "quote now": 900,
        "api mode": "deposit",
        "api percent": 20,
        "words in api": True,
        "words on page": True,
    }


# --- the data migration ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_what_patients_actually_paid(clinic, other_clinic):
    before = [("branding", "0004_booking_instructions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model(
            "branding", "BookingPolicySettings"
        )
        # "No online payment" + "require a deposit": shown, never charged.
        old.objects.update_or_create(
            site_id=clinic.site_id,
            defaults={"payment_mode": "none", "deposit_required": True, "deposit_percent": 30},
        )
        # "Deposit at booking" with the box unticked: 20% charged all the same.
        old.objects.update_or_create(
            site_id=other_clinic.site_id,
            defaults={"payment_mode": "deposit", "deposit_required": False, "deposit_percent": 20},
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {
        p.site_id: (p.payment_mode, p.deposit_percent) for p in BookingPolicySettings.objects.all()
    }
    assert rows[clinic.site_id] == ("none", None)
    assert rows[other_clinic.site_id] == ("deposit", 20)
