"""Admin templates written by hand follow what Wagtail's admin CSS needs."""

import datetime
import pathlib
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking

ADMIN_TEMPLATES = [
    path
    for path in (pathlib.Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "admin" in path.parts
]


def test_every_admin_input_names_its_type():
    """Wagtail's admin CSS draws a text field only for ``input[type=text]`` (and the
    other named types): an input without a type had no border and no height — the
    payment amount fields were invisible."""
    untyped = [
        f"{path.relative_to(settings.BASE_DIR)}: {tag[:60]}"
        for path in ADMIN_TEMPLATES
        for tag in re.findall(r"<input\b[^>]*>", path.read_text(), flags=re.S)
        if not re.search(r"\btype=", tag)
    ]
    assert ADMIN_TEMPLATES and not untyped, untyped


@pytest.mark.django_db
def test_page_titles_name_the_page(clinic):
    """A browser tab (and a screen reader's first words) says which client, booking or
    day the page is about, not only the kind of page or the clinic."""
    manager = MembershipFactory(clinic=clinic, role="manager").user
    admin = Client(HTTP_HOST=clinic.site.hostname)
    admin.force_login(manager)
    zoe = ClientAccountFactory(clinic=clinic, user=UserFactory(first_name="Zoe", last_name="Adams"))
    facial = ServiceFactory(clinic=clinic, name="Facial")
    start = datetime.datetime(2030, 7, 4, 14, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    booking = add_booking(
        clinic, zoe, facial, StaffFactory(clinic=clinic, services=[facial]), start
    )

    def title(url):
        page = BeautifulSoup(admin.get(url).content.decode(), "html.parser")
        return page.title.get_text(" ", strip=True)

    assert title(f"/admin/payments/bookings/{booking.pk}/").startswith(
        "Payments: Zoe Adams · Facial, Thu, 4 Jul 2030, 14:00"
    )
    assert title(f"/admin/bookings/calendar/{booking.pk}/").startswith(
        "Appointment: Zoe Adams · Facial, Thu, 4 Jul 2030, 14:00"
    )
    assert title("/admin/bookings/calendar/?date=2030-07-04").startswith(
        "Calendar: Thu, 4 Jul 2030"
    )
    assert title("/admin/bookings/calendar/?date=2030-07-04&view=week").startswith(
        "Calendar: 1 Jul – 7 Jul 2030"
    )


@pytest.mark.django_db
def test_staff_avatars_are_drawn_here_not_fetched_from_gravatar(manager_admin):
    """Found trying the demo offline: every admin page asked Gravatar for the staff
    member's avatar, sending a hash of their email to a third party."""
    html = manager_admin.get("/admin/").content.decode()
    assert "gravatar" not in html.lower()
