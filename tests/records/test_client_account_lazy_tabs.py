"""The client account page renders only the chosen tab (the Overview, or ``?tab=<key>``);
the other tabs are in the tab bar and their panels are fetched when opened
(``?tab=<key>&partial=1``, the same checks and audit as the page). Long lists are paged:
past appointments 25 at a time, the audit trail 50, payments and refunds 25."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from booking_api.models import BookingStatus
from people.models import AuditAction, AuditEntry
from people.services import audit_record
from records.models import Message, MessageThread
from tests.factories.clients import ClientAccountFactory
from tests.records.test_client_account_queries import pay
from tests.records.test_client_overview import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(clinic, manager):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(manager)
    return client


def url(account):
    return f"/admin/clinic/clients/{account.pk}/"


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def panel(page, key):
    return page.select_one(f'[data-account-tab="{key}"]')


def test_only_the_overview_is_rendered_and_every_tab_is_in_the_bar(desk, patient, clinic):
    booking = book(clinic, patient, days=3)
    page = soup(desk.get(url(patient)))
    assert not panel(page, "overview").has_attr("hidden")
    assert panel(page, "overview").select_one("[data-tab-placeholder]") is None
    appointments = panel(page, "appointments")
    assert page.select_one('[data-group-panel="visits"]').has_attr("hidden")
    assert appointments.select_one(f'[data-booking="{booking.pk}"]') is None
    # the tab still has its button, and a link that opens the page at it without JS
    assert page.select_one('[data-tab-trigger="appointments"]')["href"] == (
        "?tab=appointments#tab-appointments"
    )
    assert appointments["data-tab-src"] == "?tab=appointments&partial=1"
    assert appointments.select_one("[data-tab-placeholder] a")["href"] == (
        "?tab=appointments#tab-appointments"
    )


def test_the_chosen_tab_is_rendered_and_shown_under_its_group(desk, patient, clinic):
    booking = book(clinic, patient, days=3)
    page = soup(desk.get(url(patient) + "?tab=appointments"))
    appointments = panel(page, "appointments")
    assert not appointments.has_attr("hidden")
    assert appointments.select_one(f'[data-booking="{booking.pk}"]')
    assert page.select_one('[data-group-trigger="visits"]')["aria-selected"] == "true"
    assert page.select_one('[data-group-trigger="client"]')["aria-selected"] == "false"
    assert page.select_one('[data-group-panel="client"]').has_attr("hidden")
    assert panel(page, "overview").select_one("[data-tab-placeholder]")
    # an unknown tab falls back to the Overview
    page = soup(desk.get(url(patient) + "?tab=nonsense"))
    assert panel(page, "overview").select_one("[data-tab-placeholder]") is None


def test_a_tab_panel_alone_is_audited_like_the_page(desk, patient, clinic):
    booking = book(clinic, patient, days=3)
    before = AuditEntry.objects.filter(client=patient, action=AuditAction.VIEW).count()
    response = desk.get(url(patient) + "?tab=appointments&partial=1")
    fragment = soup(response)
    assert fragment.select_one(f'[data-booking="{booking.pk}"]')
    assert fragment.select_one("[data-client-header]") is None
    assert AuditEntry.objects.filter(client=patient, action=AuditAction.VIEW).count() == (
        before + 1
    )


def test_a_panel_of_another_clinic_s_client_or_an_unknown_tab_is_404(desk, patient, other_clinic):
    stranger = ClientAccountFactory(clinic=other_clinic)
    assert desk.get(url(stranger) + "?tab=appointments&partial=1").status_code == 404
    assert desk.get(url(patient) + "?tab=nonsense&partial=1").status_code == 404


def test_a_therapist_cannot_fetch_a_tab_hidden_from_them(clinic, therapist_user, patient):
    booking = book(clinic, patient, days=3)
    booking.staff.user = therapist_user
    booking.staff.save()
    therapist = Client(HTTP_HOST=clinic.site.hostname)
    therapist.force_login(therapist_user)
    assert therapist.get(url(patient) + "?tab=appointments&partial=1").status_code == 200
    assert therapist.get(url(patient) + "?tab=audit&partial=1").status_code == 404


def test_past_appointments_come_25_at_a_time(desk, patient, clinic):
    past = [book(clinic, patient, days=-(n + 1), status=BookingStatus.COMPLETED) for n in range(30)]
    upcoming = [book(clinic, patient, days=n + 1) for n in range(3)]
    page = soup(desk.get(url(patient) + "?tab=appointments"))
    rows = page.select('[data-timeline="past"] [data-booking]')
    assert [int(r["data-booking"]) for r in rows] == [b.pk for b in past[:25]]
    assert len(page.select('[data-timeline="upcoming"] [data-booking]')) == len(upcoming)
    older = page.select_one("[data-past-older]")["href"]
    assert older == "?tab=appointments&past_page=2#tab-appointments"
    page = soup(desk.get(url(patient) + older.split("#")[0]))
    rows = page.select('[data-timeline="past"] [data-booking]')
    assert [int(r["data-booking"]) for r in rows] == [b.pk for b in past[25:]]
    assert page.select_one("[data-past-older]") is None
    assert page.select_one("[data-past-newer]")["href"].startswith("?tab=appointments&")


def test_the_audit_trail_comes_50_at_a_time(desk, patient, clinic, manager):
    for n in range(60):
        audit_record(
            clinic=clinic,
            actor=manager,
            action=AuditAction.CHANGE,
            client=patient,
            summary=f"Change {n}",
        )
    page = soup(desk.get(url(patient) + "?tab=audit"))
    assert len(page.select("[data-audit-entry]")) == 50
    older = page.select_one("[data-audit-older]")["href"]
    page = soup(desk.get(url(patient) + older.split("#")[0]))
    # 60 changes and the two views of the page
    assert len(page.select("[data-audit-entry]")) == 12


def test_payments_come_25_at_a_time_and_the_totals_count_them_all(desk, patient, clinic):
    for n in range(30):
        pay(book(clinic, patient, days=-(n + 1), status=BookingStatus.COMPLETED, price=1000), n)
    book(clinic, patient, days=-40, status=BookingStatus.COMPLETED, price=700)  # unpaid
    page = soup(desk.get(url(patient) + "?tab=balance"))
    assert len(page.select("[data-balance-payments] tbody tr")) == 25
    assert page.select_one("[data-outstanding]").get_text(strip=True) == "£7.00"
    older = page.select_one("[data-payments-pages] a")["href"]
    page = soup(desk.get(url(patient) + older.split("#")[0]))
    assert len(page.select("[data-balance-payments] tbody tr")) == 5


def test_an_action_returns_to_its_tab_rendered(desk, patient):
    response = desk.post(f"/admin/clinic/clients/{patient.pk}/notes/", {"body": "Prefers mornings"})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=notes#tab-notes")
    page = soup(desk.get(response["Location"]))
    assert "Prefers mornings" in panel(page, "notes").get_text()


def test_message_threads_come_25_at_a_time_with_every_unread_counted(desk, patient, clinic):
    for n in range(30):
        thread = MessageThread.objects.create(
            clinic=clinic, client=patient, kind="chat", subject=f"Hello {n}"
        )
        Message.objects.create(thread=thread, sender="client", body="Can I come earlier?")
    page = soup(desk.get(url(patient) + "?tab=messages"))
    assert len(page.select("[data-thread]")) == 25
    assert page.select_one("[data-unread]")["data-unread"] == "30"
    older = page.select_one("[data-threads-older]")["href"]
    page = soup(desk.get(url(patient) + older.split("#")[0]))
    assert len(page.select("[data-thread]")) == 5
