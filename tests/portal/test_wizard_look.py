"""Issue 19, the booking wizard: the deposit on the confirm step, "another pet" at a vet,
a location step first at a clinic with several, the patient's preferences first, and
service and staff photos (or a tasteful fallback)."""

import pytest

from branding.services import policy_update
from tests.fixtures.booking import at, local_day

pytestmark = pytest.mark.django_db


def confirm_url(service, staff, start):
    return f"/book/confirm/?service={service.pk}&staff={staff}&t={int(start.timestamp())}"


def test_the_confirm_step_shows_the_deposit_and_what_is_left(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, payment_mode="deposit", deposit_percent=20)
    html = signed_in.get(
        confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    ).content.decode()
    assert "Deposit today" in html and "£9.00" in html  # 20% of £45
    assert "At your visit" in html and "£36.00" in html


def test_a_service_deposit_of_its_own_wins_and_full_payment_says_so(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, payment_mode="deposit", deposit_percent=20)
    skin_consult.deposit = 1000
    skin_consult.save()
    url = confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    html = signed_in.get(url).content.decode()
    assert "Deposit today" in html and "£10.00" in html and "£35.00" in html

    policy_update(clinic=clinic, payment_mode="full", deposit_percent=None)
    html = signed_in.get(url).content.decode()
    assert "Deposit today" not in html and "To pay today" in html


def test_no_online_payment_shows_no_deposit(clinic, signed_in, skin_consult, portal_emma):
    policy_update(clinic=clinic, payment_mode="none", deposit_percent=None)
    html = signed_in.get(
        confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    ).content.decode()
    assert "data-deposit" not in html
