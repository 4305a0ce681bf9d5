"""The desk in a real browser: a receptionist assigns a client's conversation to a
therapist from the Inbox and opens it; a clinician records a treatment with a batch
number from the appointment page and finds it on the client's "Treatment records" tab.
Each page is checked with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from records.message_services import client_thread_start
from records.models import MessageThread, TreatmentRecord
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def staff_sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_desk_assigns_a_conversation_from_the_inbox_and_opens_it(
    live_server, clinic, desktop, axe, shot
):
    desk = MembershipFactory(clinic=clinic, role="staff").user
    nia = MembershipFactory(
        clinic=clinic, role="therapist", user__first_name="Nia", user__last_name="Okafor"
    ).user
    ada = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Ada", last_name="Lovelace")
    )
    thread = client_thread_start(
        clinic=clinic,
        client=ada,
        author=ada.user,
        subject="Swelling after filler",
        body="My lip is a little swollen this morning, is that normal?",
    )
    staff_sign_in(desktop, live_server, clinic, desk)
    desktop.goto(clinic_url(live_server, clinic, "/admin/clinic/inbox/"))
    row = desktop.locator(f'[data-thread="{thread.pk}"]')
    expect(row).to_contain_text("Ada Lovelace")
    expect(row.locator("[data-unread-marker]")).to_have_text("1 unread")
    shot(desktop, "admin-inbox")
    axe(desktop)

    row.get_by_label("Assign “Swelling after filler” to").select_option(label="Nia Okafor")
    row.get_by_role("button", name="Assign").click()
    expect(
        desktop.get_by_text("“Swelling after filler” is assigned to Nia Okafor.")
    ).to_be_visible()
    thread.refresh_from_db()
    assert thread.assigned_to == nia

    desktop.get_by_role("link", name="Swelling after filler").click()
    expect(desktop.get_by_text("My lip is a little swollen this morning")).to_be_visible()
    expect(desktop.locator("[data-assignee]")).to_have_text("Assigned to Nia Okafor")
    axe(desktop)
    assert (
        not MessageThread.objects.get(pk=thread.pk).messages.filter(read_at__isnull=True).exists()
    )


def test_a_clinician_records_a_treatment_with_a_batch_number_and_sees_it_on_the_client(
    live_server, clinic, desktop, axe, shot
):
    manager = MembershipFactory(clinic=clinic, role="manager").user
    lips = ServiceFactory(clinic=clinic, name="Lip filler", duration_minutes=45)
    ada = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Ada", last_name="Lovelace")
    )
    visit = add_booking(
        clinic,
        ada,
        lips,
        StaffFactory(clinic=clinic, display_name="Zara", services=[lips]),
        timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1),
        status=BookingStatus.COMPLETED,
    )
    staff_sign_in(desktop, live_server, clinic, manager)
    desktop.goto(clinic_url(live_server, clinic, f"/admin/bookings/calendar/{visit.pk}/"))
    desktop.get_by_role("link", name="Record treatment").click()
    axe(desktop)
    desktop.get_by_label("Session notes").fill("0.5ml to the upper lip, 0.5ml lower.")
    desktop.get_by_label("Product 1").fill("Juvederm Volbella")
    desktop.get_by_label("Batch (lot) number 1").fill("V12345")
    desktop.get_by_label("Quantity 1").fill("1")
    desktop.get_by_label("Unit 1").fill("ml")
    desktop.get_by_label("Lips", exact=True).check()
    desktop.get_by_role("button", name="Save treatment record").click()
    expect(desktop.get_by_text("Treatment record saved.")).to_be_visible()
    expect(desktop.locator("[data-treatment-section] [data-batch]")).to_have_text("V12345")
    assert TreatmentRecord.objects.get().products[0]["batch"] == "V12345"

    desktop.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{ada.pk}/"))
    desktop.get_by_role("tab", name="Records", exact=True).click()  # the tab's group
    desktop.get_by_role("tab", name="Treatment records").click()
    panel = desktop.locator('[data-account-tab="treatments"]')
    expect(panel.locator("[data-batch]")).to_have_text("V12345")
    expect(panel).to_contain_text("Lip filler")
    expect(panel).to_contain_text("Zara")
    expect(panel.locator("[data-areas]")).to_have_text("Lips")
    shot(desktop, "admin-treatment-records")
    axe(desktop)
