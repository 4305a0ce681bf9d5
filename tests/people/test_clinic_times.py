"""Every time staff see is the clinic's wall clock, in the clinic's locale.

A clinic in New York and one in London, each with a booking at 08:00 local on either
side of its next daylight-saving change. Every staff screen that shows a time (the client
header, the appointments, balance, messages and audit tabs, a message thread, the
booking's payments page, the appointment page, the calendar) and what staff are sent
(the notification and its email) must say 08:00 there — "8:00 AM" in New York, "08:00"
in London — never the UTC hour, whatever the server's zone or the staff member's
(unset) Wagtail profile says. The calendar is the reference: it already showed the
clinic's hours."""

import datetime
import json
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from booking_api.models import BookingStatus
from booking_api.services.messages import tell_staff_new
from branding import clinic_time
from notifications.models import Notification
from payments.models import Payment, PaymentKind, PaymentStatus
from people.models import AuditAction, AuditEntry
from records.models import Message, MessageThread, Sender, ThreadKind
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db

# clinic → (its wall time of 08:00 as staff read it, seconds optional (the audit trail
# has them); the same moment in UTC either side of the change — which must never show)
EXPECTED = {
    "new_york": (r"(?<![\d:])8:00(:00)? AM", ("13:00", "12:00", "1:00 PM", "12:00 PM")),
    "london": (r"(?<![\d:])08:00(:00)?(?!:?\d)", ("07:00", "7:00 AM")),
}


def next_dst_change(tz, after):
    """The first local date after ``after`` whose UTC offset differs from the day
    before's (the day the clocks change)."""
    day = after
    offset = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz).utcoffset()
    for _ in range(400):
        day += datetime.timedelta(days=1)
        new = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz).utcoffset()
        if new != offset:
            return day
    raise AssertionError(f"no DST change in {tz} within a year")


def text(node):
    """The node's text with every kind of space made one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", node.get_text(" ")).strip()


class Scene:
    """One clinic's staff, client and two bookings across a DST change, seen through a
    signed-in manager's admin on the clinic's domain."""

    def __init__(self, clinic, key):
        self.clinic, self.key = clinic, key
        self.tz = zoneinfo.ZoneInfo(clinic.timezone)
        self.local, self.utc_forms = EXPECTED[key]
        self.manager = MembershipFactory(clinic=clinic, role="manager").user
        self.admin = Client(HTTP_HOST=clinic.site.hostname)
        self.admin.force_login(self.manager)
        therapist = UserFactory(email=f"therapist-{key}@example.com")
        MembershipFactory(clinic=clinic, user=therapist, role="therapist")
        self.service = ServiceFactory(clinic=clinic, name="Check-up", duration_minutes=30)
        self.staff = StaffFactory(
            clinic=clinic, display_name="Tess", user=therapist, services=[self.service]
        )
        self.client = ClientAccountFactory(
            clinic=clinic, user=UserFactory(first_name="Cleo", last_name="Client")
        )
        today = timezone.localdate(timezone.now(), self.tz)
        change = next_dst_change(self.tz, today + datetime.timedelta(days=3))
        self.days = (change - datetime.timedelta(days=2), change + datetime.timedelta(days=1))
        self.bookings = [
            add_booking(
                clinic,
                self.client,
                self.service,
                self.staff,
                datetime.datetime.combine(day, datetime.time(8), tzinfo=self.tz),
            )
            for day in self.days
        ]
        # The UTC hours really differ on the two days (the test would prove nothing else).
        assert len({b.start.astimezone(datetime.UTC).hour for b in self.bookings}) == 2

    def get(self, url):
        response = self.admin.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return BeautifulSoup(response.content.decode(), "html.parser")

    def assert_local(self, node, where):
        shown = text(node)
        assert re.search(self.local, shown), f"{where}: {self.local!r} not in {shown!r}"
        for wrong in self.utc_forms:
            assert not re.search(rf"(?<![\d:]){re.escape(wrong)}", shown), (
                f"{where}: UTC time {wrong!r} in {shown!r}"
            )


@pytest.fixture(params=["new_york", "london"])
def scene(request, clinic, other_clinic):
    return Scene(other_clinic if request.param == "new_york" else clinic, request.param)


def client_page(scene, tab=None):
    query = f"?tab={tab}" if tab else ""
    return scene.get(reverse("clinic_workspace:client_detail", args=[scene.client.pk]) + query)


def test_the_calendar_shows_the_clinic_wall_clock(scene):
    """The reference: the calendar on each booking's day."""
    for booking, day in zip(scene.bookings, scene.days, strict=True):
        page = scene.get(reverse("booking_calendar:calendar") + f"?date={day.isoformat()}")
        scene.assert_local(
            page.select_one(f'[data-booking="{booking.pk}"] [data-event-time]'), "calendar"
        )


def test_client_header_and_appointments_tab(scene):
    page = client_page(scene, "appointments")
    scene.assert_local(page.select_one("[data-next-appointment]"), "next appointment")
    for booking in scene.bookings:
        row = page.select_one(f'[data-account-tab="appointments"] [data-booking="{booking.pk}"]')
        scene.assert_local(row, "appointments tab")


def test_last_appointment_in_the_header(scene):
    past = scene.bookings[0]
    past.start -= datetime.timedelta(days=364)  # the same weekday, last year
    # a year ago on the same weekday may sit on the other side of a change: keep 08:00
    past.start = datetime.datetime.combine(
        past.start.astimezone(scene.tz).date(), datetime.time(8), tzinfo=scene.tz
    )
    past.end = past.blocked_end = past.start + datetime.timedelta(minutes=30)
    past.blocked_start = past.start
    past.status = BookingStatus.COMPLETED
    past.save()
    scene.assert_local(client_page(scene).select_one("[data-last-appointment]"), "last appt")


def test_balance_tab_and_payments_page(scene):
    for booking in scene.bookings:
        payment = Payment.objects.create(
            clinic=scene.clinic,
            booking=booking,
            kind=PaymentKind.FULL,
            amount=4500,
            amount_captured=4500,
            currency=scene.clinic.currency,
            status=PaymentStatus.SUCCEEDED,
            idempotency_key=f"tz-{booking.pk}",
        )
        Payment.objects.filter(pk=payment.pk).update(created_at=booking.start)
    page = client_page(scene, "balance")
    balance = page.select_one('[data-account-tab="balance"]')
    for booking in scene.bookings:
        # the last link to the booking's payments page is its row among recent bookings
        link = balance.find_all("a", href=reverse("payments_admin:booking", args=[booking.pk]))
        scene.assert_local(link[-1].find_parent("tr"), "balance tab booking")
        payments_page = scene.get(reverse("payments_admin:booking", args=[booking.pk]))
        scene.assert_local(payments_page.select_one("main p"), "payments page heading")
        scene.assert_local(payments_page.select_one("[data-payment]"), "payments history")


def test_messages_tab_and_thread(scene):
    thread = MessageThread.objects.create(
        clinic=scene.clinic,
        client=scene.client,
        kind=ThreadKind.CHAT,
        subject="Your visit",
        last_message_at=scene.bookings[1].start,
    )
    for booking in scene.bookings:
        Message.objects.create(
            thread=thread, sender=Sender.CLIENT, body="See you then", created_at=booking.start
        )
    tab = client_page(scene, "messages").select_one('[data-account-tab="messages"]')
    row = tab.select_one(f'[data-thread="{thread.pk}"]')
    for item in row.select("li"):
        scene.assert_local(item, "message in the tab")
    scene.assert_local(row.find_all("td")[2], "thread's last message")
    page = scene.get(
        reverse(
            "client_records:message_thread",
            kwargs={"client_pk": scene.client.pk, "thread_id": thread.pk},
        )
    )
    shown = page.select("[data-message] .help-text")
    assert len(shown) == 2
    for item in shown:
        scene.assert_local(item, "message thread")


def test_audit_trail(scene):
    entries = [
        AuditEntry.objects.create(
            clinic=scene.clinic,
            client=scene.client,
            actor=scene.manager,
            action=AuditAction.CHANGE,
            summary="Changed the phone",
            created_at=booking.start,
        )
        for booking in scene.bookings
    ]
    tab = client_page(scene, "audit").select_one('[data-account-tab="audit"]')
    for entry in entries:
        cells = tab.select_one(f'[data-audit-entry="{entry.pk}"]').find_all("td")
        scene.assert_local(cells[0], "audit trail")


def test_appointment_page(scene):
    for booking in scene.bookings:
        page = scene.get(reverse("booking_calendar:booking", args=[booking.pk]))
        when = page.find("dt", string=re.compile("When")).find_next_sibling("dd")
        scene.assert_local(when, "appointment page")


def test_staff_notification_and_email(scene, mailoutbox, django_capture_on_commit_callbacks):
    for booking in scene.bookings:
        with django_capture_on_commit_callbacks(execute=True):
            notification = tell_staff_new(booking)
        assert isinstance(notification, Notification)
        for part in (notification.title, notification.body):
            scene.assert_local(BeautifulSoup(part, "html.parser"), "staff notice")
    sent = [m for m in mailoutbox if scene.staff.user.email in m.to]
    assert len(sent) == 2
    for message in sent:
        scene.assert_local(BeautifulSoup(message.body, "html.parser"), "staff email")


def test_a_profile_time_zone_does_not_move_the_clinic_clock(scene):
    """A staff member whose Wagtail profile names another zone still sees the clinic's
    hours: the appointments are at the clinic."""
    UserProfile.objects.update_or_create(
        user=scene.manager, defaults={"current_time_zone": "Asia/Tokyo"}
    )
    page = client_page(scene)
    scene.assert_local(page.select_one("[data-next-appointment]"), "next appointment")
    assert UserProfile.objects.get(user=scene.manager).current_time_zone == "Asia/Tokyo"


def test_staff_on_the_platform_host_see_their_clinic_clock(scene):
    """The admin opened on the bare platform host works on the person's own clinic, and
    shows its clock."""
    admin = Client()
    admin.force_login(scene.manager)
    response = admin.get(reverse("clinic_workspace:client_detail", args=[scene.client.pk]))
    page = BeautifulSoup(response.content.decode(), "html.parser")
    scene.assert_local(page.select_one("[data-next-appointment]"), "platform host")


def test_moving_a_booking_says_when_in_the_clinic_format(scene):
    """The calendar's answer to a drag (and the move form's message): the clinic's
    format, never Django's "Dec. 2, 2026, 10 a.m.." with its doubled full stop."""
    booking = scene.bookings[1]
    response = scene.admin.post(
        reverse("booking_calendar:move", args=[booking.pk]),
        {"date": scene.days[1].isoformat(), "time": "10:00", "staff": scene.staff.pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    expected = {
        "new_york": ("10:00\u00a0AM–10:30\u00a0AM", "Moved to {d}, 10:00\u00a0AM with Tess."),
        "london": ("10:00–10:30", "Moved to {d}, 10:00 with Tess."),
    }[scene.key]
    day = scene.days[1]
    # The booking's day in the "weekday" style, as the patient reads it everywhere.
    day_text = (
        f"{day:%a}, {day:%b} {day.day}, {day.year}"
        if scene.key == "new_york"
        else f"{day:%a}, {day.day} {day:%b} {day.year}"
    )
    assert body["time"] == expected[0]
    assert body["detail"] == expected[1].format(d=day_text)
    assert "a.m." not in body["detail"] and ".." not in body["detail"]


@pytest.mark.parametrize(
    ("clinic_key", "datetime_text", "date_input"),
    [
        ("london", "2 Dec 2026, 10:00", "%d/%m/%Y"),
        ("new_york", "Dec 2, 2026, 5:00\u00a0AM", "%m/%d/%Y"),
    ],
)
def test_one_format_per_locale(clinic, other_clinic, clinic_key, datetime_text, date_input):
    chosen = other_clinic if clinic_key == "new_york" else clinic
    moment = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
    with clinic_time.override(chosen):
        assert clinic_time.format_datetime(moment) == datetime_text
        assert clinic_time.date_input_format() == date_input
    with clinic_time.override(chosen), translation.override("bg"):
        assert clinic_time.format_date(moment) == "2.12.2026\u00a0г."


def test_date_pickers_follow_the_clinic_order_not_the_browser(scene):
    """The move form's date: typed and picked as dd/mm/yyyy in London, mm/dd/yyyy in New
    York (Wagtail's picker in that format, not the browser's native one, whose order is
    the browser's language); a date typed the clinic's way moves the booking."""
    booking = scene.bookings[1]
    url = reverse("booking_calendar:move", args=[booking.pk])
    field = scene.get(url).select_one("input[name=date]")
    day = scene.days[1]
    typed, placeholder, picker = {
        "london": (f"{day:%d/%m/%Y}", "dd/mm/yyyy", "d/m/Y"),
        "new_york": (f"{day:%m/%d/%Y}", "mm/dd/yyyy", "m/d/Y"),
    }[scene.key]
    assert field["type"] == "text"
    assert field["value"] == typed
    assert field["placeholder"] == placeholder
    assert json.loads(field["data-picker-config"])["format"] == picker
    response = scene.admin.post(url, {"date": typed, "time": "10:00", "staff": scene.staff.pk})
    assert response.status_code == 302, response.content
    booking.refresh_from_db()
    assert booking.start == datetime.datetime.combine(day, datetime.time(10), tzinfo=scene.tz)


def test_a_date_in_the_other_order_is_refused_not_guessed(clinic, manager_admin):
    """At a UK clinic "12/25/2026" is no date (there is no 25th month): refused, never
    read the American way."""
    response = manager_admin.get(
        reverse("clinic_workspace:clients"), {"visited_from": "12/25/2026"}
    )
    assert response.status_code == 200
    assert "visited_from" in response.context["form"].errors
    response = manager_admin.get(
        reverse("clinic_workspace:clients"), {"visited_from": "25/12/2026"}
    )
    assert response.context["form"].cleaned_data["visited_from"] == datetime.date(2026, 12, 25)


def test_date_of_birth_is_edited_in_the_clinic_order(scene):
    """The client page's inline date of birth: shown, typed and answered in the clinic's
    order, with the clinic-format picker."""
    url = reverse("clinic_workspace:client_field", args=[scene.client.pk])
    typed, shown = {
        "london": ("25/12/1990", "25/12/1990"),
        "new_york": ("12/25/1990", "12/25/1990"),
    }[scene.key]
    response = scene.admin.post(
        url, {"field": "date_of_birth", "value": typed}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == shown
    scene.client.refresh_from_db()
    assert scene.client.date_of_birth == datetime.date(1990, 12, 25)
    field = client_page(scene, "details").select_one("#id_client_date_of_birth")
    assert field["type"] == "text" and field["value"] == shown
    assert field["data-clinic-picker"] == "date"
