"""PolicyPage shows the clinic's actual policy numbers: change the booking policy and
the page changes with it."""

import pytest

from branding.services import policy_update
from portal_pages.models import PolicyPage
from portal_pages.services import policy_page_seed
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_the_seeded_policy_page_shows_the_clinics_numbers(clinic):
    policy_update(
        clinic=clinic,
        cancellation_window_hours=48,
        late_cancel_fee_kind="fixed",
        late_cancel_fee_value=2500,
        reschedule_limit=3,
        reschedule_window_hours=12,
    )
    page, created = policy_page_seed(clinic=clinic)
    assert created
    body = host_client(clinic).get(page.url).content.decode()
    assert "You can cancel free of charge up to 48 hours before your appointment." in body
    assert "After that: £25.00." in body
    assert "You can move a booking up to 3 times, until 12 hours before it starts." in body
    assert "{free_cancellation_hours}" not in body

    policy_update(clinic=clinic, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    body = host_client(clinic).get(page.url).content.decode()
    assert "After that: 50% of the price." in body


def test_seeding_twice_keeps_one_page(clinic):
    first, _ = policy_page_seed(clinic=clinic)
    second, created = policy_page_seed(clinic=clinic)
    assert not created and first.pk == second.pk
    assert PolicyPage.objects.count() == 1


def test_placeholders_are_escaped_and_unknown_ones_kept(clinic):
    from portal_pages.policy import fill_policy_placeholders

    html = fill_policy_placeholders(
        "<p>{free_cancellation_hours} {unknown}</p>", {"free_cancellation_hours": "<b>"}
    )
    assert html == "<p>&lt;b&gt; {unknown}</p>"


def test_another_clinics_policy_page_is_not_served_here(clinic, other_clinic):
    policy_page_seed(clinic=other_clinic)
    assert host_client(other_clinic).get("/cancellation-policy/").status_code == 200
    assert host_client(clinic).get("/cancellation-policy/").status_code == 404
