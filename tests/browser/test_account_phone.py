"""Issue 19, the account on a 390 px phone: a patient starts a message with a file
attached, and pays for a booking ticking "Save this card for next time", then finds the
card under Saved cards. Nothing wider than the screen; axe finds nothing serious."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from branding.models import PaymentMode
from branding.services import policy_update
from payments.models import SavedCard
from records.models import Message
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.browser import clinic_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def olivia(clinic):
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    return ClientAccountFactory(clinic=clinic, user=user)


def sign_in(page, live_server, clinic):
    page.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    page.get_by_label("Email").fill("olivia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome.*Olivia"))).to_be_visible()


def fits_the_screen(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width}px wide on {page.url}"


def test_a_patient_starts_a_message_with_a_file_on_a_phone(
    live_server, clinic, olivia, phone, shot, axe
):
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, "/messages/"))
    phone.get_by_role("link", name="New message").click()
    phone.get_by_label("Subject").fill("My patch test results")
    phone.get_by_label("Message").fill("Here is the letter from my GP.")
    phone.get_by_label("Attach a file (optional)").set_input_files(
        {"name": "gp-letter.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    fits_the_screen(phone)
    axe(phone)
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Your message was sent to the clinic.")).to_be_visible()
    message = Message.objects.get(thread__client=olivia)
    assert message.attachment_name == "gp-letter.pdf"
    link = phone.get_by_role("link", name="gp-letter.pdf")
    expect(link).to_be_visible()
    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "gp-letter.pdf"
    fits_the_screen(phone)
    shot(phone, "message-with-file")
    axe(phone)


def test_a_patient_pays_and_saves_the_card_on_a_phone(
    live_server, clinic, olivia, phone, shot, axe
):
    policy_update(clinic=clinic, payment_mode=PaymentMode.DEPOSIT, deposit_percent=20)
    consult = ServiceFactory(clinic=clinic, key="consult", name="Skin consultation", price=4500)
    zara = StaffFactory(clinic=clinic, key="zara", display_name="Zara Okafor", services=[consult])
    booking = add_booking(
        clinic,
        olivia,
        consult,
        zara,
        at(local_day(6), "10:00"),
        BookingStatus.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, f"/book/pay/{booking.reference}/"))
    box = phone.get_by_label("Save this card for next time")
    expect(box).not_to_be_checked()
    box.check()
    fits_the_screen(phone)
    axe(phone)
    shot(phone, "checkout-save-card")
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    assert SavedCard.objects.get(client=olivia).last4 == "4242"

    # The next checkout offers the saved card (or a new one): one tap pays with it.
    second = add_booking(
        clinic,
        olivia,
        consult,
        zara,
        at(local_day(7), "11:00"),
        BookingStatus.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    phone.goto(clinic_url(live_server, clinic, f"/book/pay/{second.reference}/"))
    saved = phone.get_by_role("button", name=re.compile(r"•••• 4242"))
    expect(saved).to_be_visible()
    box = saved.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box
    expect(phone.get_by_role("heading", name="Or pay with a new card")).to_be_visible()
    fits_the_screen(phone)
    axe(phone)
    shot(phone, "checkout-saved-card")
    saved.click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    second.refresh_from_db()
    assert second.status == BookingStatus.BOOKED

    phone.goto(clinic_url(live_server, clinic, "/account/cards/"))
    expect(phone.get_by_text("•••• 4242")).to_be_visible()
    fits_the_screen(phone)
    axe(phone)
    phone.get_by_role("button", name="Remove card ending 4242").click()
    expect(phone.get_by_text("Card ending 4242 removed.")).to_be_visible()
    assert not SavedCard.objects.exists()


def test_unsubscribe_from_all_disables_the_per_type_switches_on_a_phone(
    live_server, clinic, olivia, phone, axe
):
    sign_in(phone, live_server, clinic)
    phone.goto(clinic_url(live_server, clinic, "/account/"))
    reminders = phone.get_by_label("Reminders by email")
    expect(reminders).to_be_enabled()
    phone.get_by_label("Unsubscribe from all").check()
    expect(reminders).to_be_disabled()
    expect(phone.get_by_label("Offers and news by SMS")).to_be_disabled()
    phone.get_by_label("Unsubscribe from all").uncheck()
    expect(reminders).to_be_enabled()
    phone.get_by_label("Unsubscribe from all").check()
    phone.get_by_role("button", name="Save preferences").click()
    expect(phone.get_by_text("Your communication preferences are saved.")).to_be_visible()
    expect(phone.get_by_label("Reminders by email")).to_be_disabled()
    expect(phone.get_by_label("Reminders by email")).to_be_checked()  # kept, not wiped
    fits_the_screen(phone)
    axe(phone)
