"""One time format per clinic on every staff page (the clinic's locale, through
``branding.clinic_time``): Riverside, a New York vet, reads "8:00 AM" everywhere — the
calendar (its hour labels too), the admin's Today panel, every tab of the client page and
the appointment page — never "08:00" beside "8:00 AM"; a London clinic reads 24-hour
times everywhere, never "AM"/"PM"."""

import datetime
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking_api.services.staff_actions import staff_booking_move
from booking_api.services.transitions import event_add
from people.models import AuditAction, AuditEntry
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db

# A time of day as text: "8:00", "08:00", "8:00 AM", "13:30:05", "8 AM" is not written.
TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)(\s?[AaPp]\.?[Mm]\.?)?")


def times_in(soup):
    """Every time of day in the page's main content, as (text, has AM/PM)."""
    main = soup.select_one("main") or soup
    text = re.sub(r"[\s\u00a0\u202f]+", " ", main.get_text(" "))
    return [(m.group(0), bool(m.group(3))) for m in TIME.finditer(text)]


class Desk:
    def __init__(self, clinic):
        self.clinic = clinic
        tz = zoneinfo.ZoneInfo(clinic.timezone)
        self.manager = MembershipFactory(clinic=clinic, role="manager").user
        self.admin = Client(HTTP_HOST=clinic.site.hostname)
        self.admin.force_login(self.manager)
        service = ServiceFactory(clinic=clinic, name="Wellness exam", duration_minutes=30)
        staff = StaffFactory(clinic=clinic, display_name="Dr Vega", services=[service])
        self.client = ClientAccountFactory(
            clinic=clinic, user=UserFactory(first_name="Cleo", last_name="Client")
        )
        pet = PetFactory(clinic=clinic, owner=self.client, name="Biscuit")
        self.today = timezone.localdate(timezone.now(), tz)
        later = self.today + datetime.timedelta(days=3)

        def local(day, hour, minute=0):
            return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

        # Today at 8:00 and 14:30 (the Today panel), and one in three days, moved once
        # (its history and the audit trail say when).
        self.bookings = [
            add_booking(clinic, self.client, service, staff, local(self.today, 8), pet=pet),
            add_booking(clinic, self.client, service, staff, local(self.today, 14, 30)),
            add_booking(clinic, self.client, service, staff, local(later, 9), pet=pet),
        ]
        moved = staff_booking_move(
            booking=self.bookings[2],
            start=local(later, 16, 15),
            actor=self.manager,
            override_reason="Squeezed in",
        )
        event_add(moved, "note", actor=self.manager, reason="Checked")
        AuditEntry.objects.create(
            clinic=clinic,
            client=self.client,
            actor=self.manager,
            action=AuditAction.CHANGE,
            summary="Changed the phone",
        )
        self.later = later

    def page(self, url):
        response = self.admin.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return BeautifulSoup(response.content.decode(), "html.parser")

    def pages(self):
        """(name, soup) for each staff page that shows times."""
        calendar = reverse("booking_calendar:calendar")
        yield "calendar (day)", self.page(f"{calendar}?date={self.today.isoformat()}")
        yield "calendar (week)", self.page(f"{calendar}?view=week&date={self.later.isoformat()}")
        yield "calendar (month)", self.page(f"{calendar}?view=month&date={self.today.isoformat()}")
        yield "today", self.page(reverse("wagtailadmin_home"))
        detail = reverse("clinic_workspace:client_detail", args=[self.client.pk])
        overview = self.page(detail)
        yield "client page", overview
        for tab in overview.select("[data-tab-trigger]"):
            key = tab["data-tab-trigger"]
            yield f"client tab {key}", self.page(f"{detail}?tab={key}")
        for booking in self.bookings:
            yield (
                f"appointment {booking.pk}",
                self.page(reverse("booking_calendar:booking", args=[booking.pk])),
            )
            yield (
                f"move form {booking.pk}",
                self.page(reverse("booking_calendar:move", args=[booking.pk])),
            )


@pytest.mark.parametrize("which", ["riverside", "london"])
def test_every_staff_page_uses_the_clinic_time_format(which, clinic, other_clinic):
    desk = Desk(other_clinic if which == "riverside" else clinic)
    twelve_hour = which == "riverside"
    seen, wrong = 0, []
    for name, soup in desk.pages():
        for shown, has_ampm in times_in(soup):
            seen += 1
            if has_ampm != twelve_hour:
                wrong.append(f"{name}: {shown!r}")
    assert seen > 20  # the pages really show times
    assert not wrong, "\n".join(wrong)
