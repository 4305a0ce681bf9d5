"""Issue 19: one way of writing a booking's day, wherever a patient reads it. Riverside
(a New York vet, en_US) used to show "Sat 5 Dec 2026" in the portal's list (a British
order fixed in the template), "Dec 4, 2026" in the cancellation policy and "Saturday,
December 5, 2026" in the email. Now the list, the booking page, the policy's "free
cancellation until", the confirmation email (text and HTML), the reminder and the receipt
all write the day in the clinic's locale's one "weekday" style (CLDR's): "Sat, Dec 5,
2026" in the US, "Sat, 5 Dec 2026" in the UK, "сб, 5.12.2026 г." in Bulgarian."""

import datetime
import io
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from pypdf import PdfReader

from booking_api.services.messages import reminder_message, tell_client_confirmed
from branding import clinic_time
from branding.services import policy_update
from payments import receipts
from payments.services.desk import desk_payment_record
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
BG_DAYS = ["пн", "вт", "ср", "чт", "пт", "сб", "нд"]


def written(day, locale):
    """The day as people there write it with its weekday (CLDR's yMMMEd), spelled out by
    hand here so the test does not ask the code under test."""
    if locale == "en_US":
        return f"{EN_DAYS[day.weekday()]}, {EN_MONTHS[day.month - 1]} {day.day}, {day.year}"
    if locale == "en_GB":
        return f"{EN_DAYS[day.weekday()]}, {day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    return f"{BG_DAYS[day.weekday()]}, {day.day}.{day.month:02d}.{day.year} г."


def flat(text):
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def page_text(client, url, selector=None):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    node = soup.select_one(selector) if selector else (soup.select_one("main") or soup)
    assert node is not None, (url, selector)
    return flat(node.get_text(" "))


def pdf_text(data):
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture(params=["riverside", "glow", "glow_bg"])
def place(request):
    """(clinic, locale) for a US clinic, a UK clinic and the UK clinic in Bulgarian."""
    if request.param == "riverside":
        return request.getfixturevalue("other_clinic"), "en_US"
    clinic = request.getfixturevalue("clinic")
    if request.param == "glow_bg":
        clinic.language = "bg"
        clinic.save()
        return clinic, "bg"
    return clinic, "en_GB"


def test_a_bookings_day_reads_the_same_everywhere_the_patient_sees_it(
    place, django_capture_on_commit_callbacks
):
    clinic, locale = place
    policy_update(clinic=clinic, min_notice_minutes=0, cancellation_window_hours=24)
    service = ServiceFactory(clinic=clinic, name="Check-up", duration_minutes=30, price=4500)
    staff = StaffFactory(clinic=clinic, display_name="Dr Vega", services=[service])
    patient = ClientAccountFactory(clinic=clinic)
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    day = datetime.datetime.now(tz).date() + datetime.timedelta(days=10)
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
    booking = add_booking(clinic, patient, service, staff, start)
    on_the_day = written(day, locale)
    free_until = written(day - datetime.timedelta(days=1), locale)

    web = host_client(clinic)
    web.force_login(patient.user)
    listed = page_text(web, "/bookings/", ".booking .when")
    detail = page_text(web, f"/bookings/{booking.reference}/")
    cancel = page_text(web, f"/bookings/{booking.reference}/cancel/")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tell_client_confirmed(booking)
    (email,) = [m for m in mail.outbox if m.to == [patient.user.email]]
    html = flat(BeautifulSoup(email.alternatives[0][0], "html.parser").get_text(" "))
    reminder = flat(reminder_message(booking).body)

    payment = desk_payment_record(
        booking=booking, amount=4500, method="cash", key="desk-1", actor=None
    )
    receipt = pdf_text(receipts.payment_receipt_pdf(payment))

    shown = {
        "bookings list": listed,
        "booking page": detail,
        "cancel page": cancel,
        "email (text)": flat(email.body),
        "email (HTML)": html,
        "reminder": reminder,
        "receipt": receipt,
    }
    missing = [name for name, text in shown.items() if on_the_day not in text]
    assert not missing, (on_the_day, {name: shown[name] for name in missing})
    # The policy's deadline (24 hours before) in the same style, on the page and by email.
    policy = {k: shown[k] for k in ("booking page", "cancel page", "email (text)", "email (HTML)")}
    missing = [name for name, text in policy.items() if free_until not in text]
    assert not missing, (free_until, {name: policy[name] for name in missing})


NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("style", "en_us", "en_gb", "bg"),
    [
        ("weekday", "Sat, Dec 5, 2026", "Sat, 5 Dec 2026", f"сб, 5.12.2026{NBSP}г."),
        ("medium", "Dec 5, 2026", "5 Dec 2026", f"5.12.2026{NBSP}г."),
        ("short", "Sat, Dec 5", "Sat 5 Dec", "сб, 5.12"),
        (
            "long",
            "Saturday, December 5, 2026",
            "Saturday, 5 December 2026",
            f"събота, 5 декември 2026{NBSP}г.",
        ),
        ("day", "Dec 5", "5 Dec", "5.12"),
        ("month", "December 2026", "December 2026", f"декември 2026{NBSP}г."),
    ],
)
def test_the_named_date_styles_follow_each_locale(style, en_us, en_gb, bg):
    day = datetime.date(2026, 12, 5)
    assert clinic_time.format_date(day, style, locale="en_US") == en_us
    assert clinic_time.format_date(day, style, locale="en_GB") == en_gb
    assert clinic_time.format_date(day, style, locale="bg_BG") == bg


def test_a_date_pattern_that_is_not_a_named_style_is_refused():
    """No fixed orders ("D j M Y") slip back in through the style argument."""
    with pytest.raises(ValueError, match="Unknown date style"):
        clinic_time.format_date(datetime.date(2026, 12, 5), "D j M Y")
