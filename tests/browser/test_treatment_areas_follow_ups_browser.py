"""A vet's treatment records and the follow-up list, in a real browser.

- At Riverside (a vet: pets on) "Record treatment" offers body regions of an animal,
  never a med-spa's injection areas; a manager replaces them with the clinic's own list
  (Settings → Treatment records) and the next record offers exactly that list.
- The follow-up list gives the client's phone to call and "Mark done" (audited); what
  is done leaves the list and shows under "Done" with when and by whom."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from branding.services import features_update
from people.models import AuditEntry
from records.models import TreatmentRecord
from records.treatment_services import treatment_record_add
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def vet(other_clinic):
    features_update(clinic=other_clinic, pets=True)
    return other_clinic


def visits(clinic, count):
    exam = ServiceFactory(clinic=clinic, name="Wellness exam", duration_minutes=30)
    vega = StaffFactory(clinic=clinic, display_name="Dr Vega", services=[exam])
    owner = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Sam", last_name="Rivers"), phone="+18455550123"
    )
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=3)
    return [
        add_booking(
            clinic,
            owner,
            exam,
            vega,
            start + datetime.timedelta(minutes=30 * n),
            status=BookingStatus.COMPLETED,
        )
        for n in range(count)
    ]


def sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/admin/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(clinic_url(live_server, clinic, "/admin/"))


def test_a_vet_records_body_regions_or_its_own_list_of_areas(live_server, vet, desktop):
    manager = MembershipFactory(clinic=vet, role="manager").user
    first, second = visits(vet, 2)
    sign_in(desktop, live_server, vet, manager)

    desktop.goto(clinic_url(live_server, vet, f"/admin/bookings/calendar/{first.pk}/"))
    desktop.get_by_role("link", name="Record treatment").click()
    areas = desktop.locator("input[name=areas]")
    expect(areas).to_have_count(14)
    expect(desktop.get_by_role("checkbox", name="Hind legs", exact=True)).to_be_visible()
    expect(desktop.get_by_role("checkbox", name="Ears", exact=True)).to_be_visible()
    expect(desktop.get_by_role("checkbox", name="Glabella (frown lines)")).to_have_count(0)
    expect(desktop.get_by_role("checkbox", name="Lips", exact=True)).to_have_count(0)
    desktop.get_by_label("Session notes").fill("Lump on the left hind leg checked.")
    desktop.get_by_role("checkbox", name="Hind legs", exact=True).check()
    desktop.get_by_role("button", name="Save treatment record").click()
    expect(desktop.get_by_text("Treatment record saved.")).to_be_visible()
    assert TreatmentRecord.objects.get(booking=first).areas == ["Hind legs"]

    # The clinic's own list, kept in Settings by a manager.
    desktop.goto(clinic_url(live_server, vet, "/admin/"))
    desktop.goto(
        clinic_url(live_server, vet, f"/admin/settings/records/treatmentsettings/{vet.site_id}/")
    )
    desktop.get_by_role("textbox", name="Treatment areas").fill(
        "Left ear\nRight ear\nDental arcade\n"
    )
    desktop.get_by_role("button", name="Save").click()
    expect(desktop.get_by_text("updated")).to_be_visible()

    desktop.goto(clinic_url(live_server, vet, f"/admin/bookings/calendar/{second.pk}/"))
    desktop.get_by_role("link", name="Record treatment").click()
    expect(areas).to_have_count(3)
    expect(desktop.get_by_role("checkbox", name="Dental arcade")).to_be_visible()
    expect(desktop.get_by_role("checkbox", name="Hind legs", exact=True)).to_have_count(0)


def test_the_follow_up_list_shows_the_phone_and_marks_done_into_the_done_list(
    live_server, vet, desktop, shot
):
    desk = MembershipFactory(
        clinic=vet, role="staff", user__first_name="Dana", user__last_name="Desk"
    ).user
    (visit,) = visits(vet, 1)
    record = treatment_record_add(
        clinic=vet,
        booking=visit,
        author=desk,
        notes="Stitches in.",
        follow_up="Call about the stitches",
        follow_up_on=timezone.localdate(timezone.now(), ZoneInfo(vet.timezone))
        + datetime.timedelta(days=2),
    )
    sign_in(desktop, live_server, vet, desk)
    desktop.goto(clinic_url(live_server, vet, "/admin/clinic/treatments/follow-ups/"))
    row = desktop.locator(f'[data-follow-up="{record.pk}"]')
    expect(row).to_contain_text("Call about the stitches")
    shot(desktop, "admin-follow-ups")
    expect(row.get_by_role("link", name="+18455550123")).to_have_attribute(
        "href", "tel:+18455550123"
    )
    row.get_by_role("button", name="Mark the follow-up with Sam Rivers done").click()
    expect(desktop.get_by_text("Follow-up with Sam Rivers marked done.")).to_be_visible()
    expect(desktop.locator(f'[data-follow-up="{record.pk}"]')).to_have_count(0)
    record.refresh_from_db()
    assert record.follow_up_done_by == desk and record.follow_up_done_at is not None
    assert AuditEntry.objects.filter(
        client=visit.client, actor=desk, summary__contains="done"
    ).exists()

    desktop.get_by_role("link", name="Done", exact=True).click()
    done = desktop.locator(f'[data-follow-ups="done"] [data-follow-up="{record.pk}"]')
    expect(done).to_contain_text("Call about the stitches")
    expect(done.locator("[data-follow-up-done]")).to_contain_text("Dana Desk")
    expect(done.get_by_role("link", name="+18455550123")).to_be_visible()
    assert AuditEntry.objects.filter(actor=desk, summary="Viewed follow-ups done (1)").exists()
