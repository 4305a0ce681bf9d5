"""The client account's Overview: what matters first — alerts (allergies and medical
flags, a failed or missing patch test, the no-show block with who and why, required
forms not signed), then what the client owes, their next and last visits, packages and
gift cards, loyalty and tags — each from its own app's overview panel. The contact
editor is the Details tab; the tabs sit under groups."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from booking_api.models import Booking, BookingStatus
from booking_api.services.patch_tests import patch_test_record
from commerce.packages.services import package_sell
from loyalty.services import points_award
from people.account_tabs import TAB_GROUPS
from records.medical.services import medical_history_update
from tests.factories.booking import ServiceFactory, StaffFactory, main_location
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.forms import FormTemplateFactory

pytestmark = pytest.mark.django_db


def page(user, clinic, account, tab=None):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    response = client.get(f"/admin/clinic/clients/{account.pk}/" + (f"?tab={tab}" if tab else ""))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def book(clinic, account, *, days, status=BookingStatus.BOOKED, service=None, price=4500):
    service = service or ServiceFactory(clinic=clinic, price=price, name=f"Facial {days}")
    staff = StaffFactory(clinic=clinic, display_name="Tess")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    end = start + datetime.timedelta(minutes=30)
    return Booking.objects.create(
        clinic=clinic,
        client=account,
        service=service,
        staff=staff,
        location=main_location(clinic),
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        status=status,
        price=price,
        currency=clinic.currency,
        source="staff",
    )


@pytest.fixture
def zoe(clinic):
    user = UserFactory(first_name="Zoë", last_name="Ångström", email="zoe@example.com")
    return ClientAccountFactory(clinic=clinic, user=user, phone="+447700900123")


def overview(soup):
    return soup.select_one('[data-account-tab="overview"]')


def test_alerts_come_first_most_serious_first(clinic, staff_user, zoe):
    medical_history_update(
        clinic=clinic,
        client=zoe,
        author=staff_user,
        by_staff=True,
        allergies="Latex, penicillin",
        conditions="Rosacea",
    )
    waxing = ServiceFactory(clinic=clinic, name="Brow tint", patch_test_months=6)
    upcoming = book(clinic, zoe, days=4, service=waxing)
    FormTemplateFactory(clinic=clinic, title="Tint consent").services.set([waxing])
    patch_test_record(
        clinic=clinic,
        client=zoe,
        tested_on=timezone.localdate() - datetime.timedelta(days=3),
        result="failed",
        notes="Redness after 24h",
        recorded_by=staff_user,
    )

    tab = overview(page(staff_user, clinic, zoe))

    alerts = tab.select("[data-alert]")
    keys = [a["data-alert"] for a in alerts]
    assert keys[:2] == ["allergies", "patch-test-failed"]
    assert {"conditions", "patch-test-missing", "forms-unsigned"} <= set(keys)
    text = {a["data-alert"]: a.get_text(" ", strip=True) for a in alerts}
    assert "Latex, penicillin" in text["allergies"]
    assert "Rosacea" in text["conditions"]
    assert "Redness after 24h" in text["patch-test-failed"]
    assert "Brow tint" in text["patch-test-missing"]
    assert "Tint consent" in text["forms-unsigned"]
    assert tab.select_one('[data-alert="allergies"] a')["href"].endswith("#tab-medical")
    assert upcoming.service.name in tab.select_one("[data-overview-next]").get_text()


def test_a_no_show_block_says_who_marked_it_and_why(clinic, staff_user, zoe):
    from booking_api.services import booking_mark_no_show
    from branding.services import policy_update

    policy_update(clinic=clinic, no_show_blocks_online_booking=True)
    missed = book(clinic, zoe, days=-1, status=BookingStatus.CONFIRMED)
    booking_mark_no_show(booking=missed, actor=staff_user, reason="Third time")
    zoe.refresh_from_db()
    alert = overview(page(staff_user, clinic, zoe)).select_one('[data-alert="booking-block"]')
    text = alert.get_text(" ", strip=True)
    assert "Online booking is blocked" in text and "Third time" in text
    assert staff_user.get_full_name() in text and missed.service.name in text


def test_no_alerts_for_a_client_with_nothing_recorded(clinic, staff_user, zoe):
    tab = overview(page(staff_user, clinic, zoe))
    assert tab.select("[data-alert]") == [] and tab.select_one("[data-overview-no-alerts]")
    assert tab.select_one("[data-overview-next]").get_text(strip=True) == "Nothing booked"


def test_balance_visits_packages_loyalty_and_tags(
    clinic, staff_user, zoe, plan, gift_cards_on, django_capture_on_commit_callbacks
):
    from branding.services import features_update

    features_update(clinic=clinic, rewards=True)
    last = book(clinic, zoe, days=-5, status=BookingStatus.COMPLETED, price=7000)
    package_sell(method="cash", clinic=clinic, client=zoe, plan_id=plan.pk, actor=staff_user)
    points_award(clinic=clinic, client=zoe, amount=120, reason="Welcome")
    zoe.tags = ["laser", "sensitive skin"]
    zoe.vip = True
    zoe.save()

    tab = overview(page(staff_user, clinic, zoe))

    assert "Owes £70.00" in tab.select_one("[data-overview-balance]").get_text(" ", strip=True)
    assert last.service.name in tab.select_one("[data-overview-last]").get_text()
    package = tab.select_one("[data-overview-package]").get_text(" ", strip=True)
    assert "Three consultations: 3 sessions left" in package
    assert tab.select_one("[data-overview-loyalty]").get_text(" ", strip=True).startswith("120")
    tags = tab.select_one("[data-overview-tags]").get_text(" ", strip=True)
    assert "VIP" in tags and "laser" in tags and "sensitive skin" in tags


def test_a_therapist_sees_the_alerts_but_not_money(clinic, therapist_user, zoe, plan):
    from tests.factories.booking import StaffFactory as Staff

    medical_history_update(clinic=clinic, client=zoe, author=None, allergies="Nuts")
    staff = Staff(clinic=clinic, user=therapist_user)
    booking = book(clinic, zoe, days=-2, status=BookingStatus.COMPLETED)
    booking.staff = staff
    booking.save()
    tab = overview(page(therapist_user, clinic, zoe))
    assert tab.select_one('[data-alert="allergies"]')
    assert tab.select_one('[data-overview-panel="balance"]') is None
    assert tab.select_one('[data-overview-panel="packages"]') is None


def test_contact_details_are_edited_on_the_details_tab(clinic, staff_user, zoe):
    soup = page(staff_user, clinic, zoe, "details")
    details = soup.select_one('[data-account-tab="details"]')
    assert details.select_one("#id_client_phone")["value"] == "+447700900123"
    assert details.select_one('input[name="field"][value="tags"]')
    assert overview(soup).select_one("[data-inline-edit]") is None


def test_tabs_sit_under_groups_with_the_overview_first(clinic, staff_user, zoe):
    soup = page(staff_user, clinic, zoe)
    groups = [a["data-group-trigger"] for a in soup.select("[data-group-trigger]")]
    assert groups == [key for key, _label in TAB_GROUPS if key in groups]
    assert groups[0] == "client" and len(groups) >= 5
    first = soup.select_one("[data-group-panel]")
    assert first.get("hidden") is None
    assert first.select_one("[data-account-tab]")["data-account-tab"] == "overview"
    for panel in soup.select("[data-account-tab]"):
        group = panel.find_parent(attrs={"data-group-panel": True})["data-group-panel"]
        assert panel["data-group"] == group
        if panel.get("role") == "tabpanel":
            trigger = soup.select_one(f"#{panel['aria-labelledby']}")
            assert trigger["aria-controls"] == panel["id"] and trigger["role"] == "tab"
    keys = [p["data-account-tab"] for p in soup.select("[data-account-tab]")]
    assert len(keys) == len(set(keys)) >= 10
