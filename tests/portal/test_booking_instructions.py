"""Booking instructions: one text the manager edits (Settings → Booking policy), shown in
the booking wizard, in the booking confirmation email and to apps."""

import json

import pytest
from django.core import mail

from booking_api.models import Booking
from branding.selectors import clinic_policy
from branding.services import policy_update
from tests.fixtures.booking import at, local_day

pytestmark = pytest.mark.django_db

INSTRUCTIONS = (
    "<p>Before you come:</p><ul><li>Arrive <b>ten minutes</b> early.</li>"
    '<li>Read our <a href="https://glow.example/aftercare">aftercare notes</a>.</li></ul>'
)


def confirm_url(service, staff, start):
    return f"/book/confirm/?service={service.pk}&staff={staff}&t={int(start.timestamp())}"


def contentstate(text):
    """What the admin's rich text editor (Draftail) posts for one paragraph."""
    block = {
        "key": "a1b2c",
        "text": text,
        "type": "unstyled",
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def test_a_manager_writes_them_in_the_booking_policy_settings(clinic, manager_admin):
    url = f"/admin/settings/branding/bookingpolicysettings/{clinic.site_id}/"
    page = manager_admin.get(url)
    assert page.status_code == 200 and b"booking_instructions" in page.content
    # The form as the page shows it (every other setting unchanged), with instructions.
    shown = page.context["form"]
    form = {name: shown[name].value() for name in shown.fields}
    form = {name: "" if value is None else value for name, value in form.items()}
    form["booking_instructions"] = contentstate("Arrive ten minutes early.")
    response = manager_admin.post(url, form)
    assert response.status_code == 302, response.context["form"].errors
    clinic.__dict__.pop("_policy_cache", None)
    stored = clinic_policy(clinic).booking_instructions
    assert stored == '<p data-block-key="a1b2c">Arrive ten minutes early.</p>'


def test_the_wizard_shows_them_before_and_after_booking(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, booking_instructions=INSTRUCTIONS)
    start = at(local_day(4), "11:30")
    page = signed_in.get(confirm_url(skin_consult, portal_emma.pk, start)).content.decode()
    assert "data-booking-instructions" in page
    assert "Arrive <b>ten minutes</b> early." in page
    response = signed_in.post(
        "/book/confirm/",
        {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())},
    )
    assert response.status_code == 302
    done = signed_in.get(response["Location"]).content.decode()
    assert "data-booking-instructions" in done and "ten minutes" in done


def test_without_instructions_the_wizard_shows_no_empty_box(
    clinic, signed_in, skin_consult, portal_emma
):
    start = at(local_day(4), "11:30")
    page = signed_in.get(confirm_url(skin_consult, portal_emma.pk, start)).content.decode()
    assert "data-booking-instructions" not in page


def test_the_confirmation_email_carries_them_as_plain_text(
    clinic, signed_in, patient, skin_consult, portal_emma, django_capture_on_commit_callbacks
):
    policy_update(clinic=clinic, booking_instructions=INSTRUCTIONS)
    start = at(local_day(4), "11:30")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            "/book/confirm/",
            {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())},
        )
    assert Booking.objects.count() == 1
    (email,) = [m for m in mail.outbox if m.to == [patient.user.email]]
    assert (
        "Before your visit:\n"
        "Before you come:\n\n"
        "• Arrive ten minutes early.\n"
        "• Read our aftercare notes (https://glow.example/aftercare)."
    ) in email.body
    assert "<b>" not in email.body
    html = email.alternatives[0][0]
    assert "Arrive ten minutes early." in html


def test_without_instructions_the_email_is_as_before(
    clinic, signed_in, patient, skin_consult, portal_emma, django_capture_on_commit_callbacks
):
    start = at(local_day(4), "11:30")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            "/book/confirm/",
            {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())},
        )
    (email,) = [m for m in mail.outbox if m.to == [patient.user.email]]
    assert "Before your visit" not in email.body
    # The place, then the money (nothing paid online: all due at the visit), then the
    # calendar: no instructions section between them.
    assert "Glow Aesthetics\n\nAt your visit: £45.00\nFree cancellation until " in email.body
    assert ".\n\nThe calendar invitation is attached." in email.body
