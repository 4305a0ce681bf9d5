"""Bulgarian writes weekday and month names in lower case ("сряда, 2 декември"); Django
capitalises them ("Сряда 2 Декември"). The portal's dates come from CLDR's styles for the
language (``branding.clinic_time``), which write them as the language does; English
keeps its capitals."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from branding import clinic_time
from tests.fixtures.booking import add_booking, at, local_day

pytestmark = pytest.mark.django_db

BG_DAYS = ["пн", "вт", "ср", "чт", "пт", "сб", "нд"]


def test_names_are_lower_case_in_bulgarian_and_capitalised_in_english():
    day = datetime.date(2026, 12, 2)
    with translation.override("bg"):
        assert clinic_time.format_date(day, "long") == "сряда, 2 декември 2026\u00a0г."
        assert clinic_time.format_date(day, "weekday") == "ср, 2.12.2026\u00a0г."
    with translation.override("en"):
        assert clinic_time.format_date(day, "long") == "Wednesday, December 2, 2026"
        assert clinic_time.format_date(day, "weekday") == "Wed, Dec 2, 2026"


def _when(html):
    return BeautifulSoup(html, "html.parser").select_one(".booking .when").get_text(" ").strip()


def test_my_bookings_in_bulgarian_write_the_day_in_lower_case(
    clinic, signed_in, patient, skin_consult, portal_emma
):
    clinic.language = "bg"
    clinic.save()
    day = local_day(5)
    add_booking(clinic, patient, skin_consult, portal_emma, at(day, "10:00"))
    when = _when(signed_in.get("/bookings/").content.decode())
    assert when.startswith(f"{BG_DAYS[day.weekday()]}, {day.day}.{day.month:02d}.{day.year}"), when
    assert not any(ch.isupper() for ch in when), when


def test_my_bookings_in_english_keep_capitals(
    clinic, signed_in, patient, skin_consult, portal_emma
):
    day = local_day(5)
    add_booking(clinic, patient, skin_consult, portal_emma, at(day, "10:00"))
    when = _when(signed_in.get("/bookings/").content.decode())
    # Glow is in London: CLDR's en_GB order, "Sat, 5 Dec 2026, 10:00".
    assert when.startswith(f"{day:%a}, {day.day} {day:%b} {day.year}, 10:00"), when
