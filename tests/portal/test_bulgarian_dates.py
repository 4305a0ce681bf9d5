"""Bulgarian writes weekday and month names in lower case ("сряда, 2 декември"); Django
capitalises them ("Сряда 2 Декември"). The portal's dates follow the language; English
keeps its capitals."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from branding import clinic_time
from tests.fixtures.booking import add_booking, at, local_day

pytestmark = pytest.mark.django_db

BG_MONTHS = [
    "януари", "февруари", "март", "април", "май", "юни",
    "юли", "август", "септември", "октомври", "ноември", "декември",
]  # fmt: skip


def test_names_are_lower_case_in_bulgarian_and_capitalised_in_english():
    day = datetime.date(2026, 12, 2)
    with translation.override("bg"):
        assert clinic_time.format_pattern(day, "l j F") == "сряда 2 декември"
        assert clinic_time.format_pattern(day, "D j M Y") == "ср 2 дек 2026"
    with translation.override("en"):
        assert clinic_time.format_pattern(day, "l j F") == "Wednesday 2 December"
        assert clinic_time.format_pattern(day, "D j M Y") == "Wed 2 Dec 2026"


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
    weekday = ["пон", "вт", "ср", "чет", "пет", "съб", "нед"][day.weekday()]
    assert when.startswith(f"{weekday} "), when
    assert BG_MONTHS[day.month - 1][:2] in when
    assert not any(ch.isupper() for ch in when), when


def test_my_bookings_in_english_keep_capitals(
    clinic, signed_in, patient, skin_consult, portal_emma
):
    day = local_day(5)
    add_booking(clinic, patient, skin_consult, portal_emma, at(day, "10:00"))
    when = _when(signed_in.get("/bookings/").content.decode())
    assert when.startswith(day.strftime("%a ")) and day.strftime(" %b ") in when
