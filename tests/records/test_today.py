"""The admin home for clinic staff is their day: today's arrivals per location (in order,
with status, pinned-note and allergy markers and what is unpaid), what needs attention,
requests waiting (reward requests, waitlist, unread messages), today's takings; for a
therapist, their own day. Only this clinic's, in a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking_api.models import Booking, BookingStatus, WaitlistEntry
from branding.models import Location
from loyalty.models import RewardRequest
from payments.models import PaymentKind, Refund, RefundStatus
from people.services import note_create
from records.medical.services import medical_history_update
from records.models import Message, MessageThread
from records.workspace import today as today_panel
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.loyalty import RewardFactory
from tests.fixtures.booking import MONDAY, add_booking, at
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.payments import paid as payment_made

pytestmark = pytest.mark.django_db

HOME = "/admin/"
NOON = at(MONDAY, "12:00")


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    monkeypatch.setattr(today_panel, "now", lambda: NOON)


def person(clinic, first, last="Client"):
    return ClientAccountFactory(clinic=clinic, user=UserFactory(first_name=first, last_name=last))


def paid(booking, amount, *, when=NOON - datetime.timedelta(hours=1), kind=PaymentKind.DEPOSIT):
    return payment_made(booking, amount, kind, when=when)


@pytest.fixture
def day(clinic, service, emma, staff_user):
    """Monday at the clinic: Ada at 13:00 (pinned note, allergy, £20 of £45 paid), Ben at
    11:30 (not checked in: late), Cleo at 09:00 completed and unpaid, Dan at the annex at
    14:00, a cancellation, and tomorrow's booking."""
    service.price = 4500
    service.save()
    ada, ben, cleo, dan = (person(clinic, n) for n in ("Ada", "Ben", "Cleo", "Dan"))
    annex = Location.objects.create(clinic=clinic, key="annex", name="Annex")

    def at_annex(booking):
        Booking.objects.filter(pk=booking.pk).update(location=annex)
        booking.refresh_from_db()
        return booking

    bookings = {
        "ada": add_booking(
            clinic, ada, service, emma, at(MONDAY, "13:00"), BookingStatus.CONFIRMED
        ),
        "ben": add_booking(clinic, ben, service, emma, at(MONDAY, "11:30")),
        "cleo": add_booking(
            clinic, cleo, service, emma, at(MONDAY, "09:00"), BookingStatus.COMPLETED
        ),
        "dan": at_annex(add_booking(clinic, dan, service, emma, at(MONDAY, "14:00"))),
        "gone": add_booking(
            clinic, person(clinic, "Gone"), service, emma, at(MONDAY, "15:00"), "cancelled"
        ),
        "tomorrow": add_booking(
            clinic,
            person(clinic, "Tomorrow"),
            service,
            emma,
            at(MONDAY, "10:00") + datetime.timedelta(days=1),
        ),
    }
    note_create(clinic=clinic, account=ada, author=staff_user, body="Prefers Emma", pinned=True)
    note_create(clinic=clinic, account=ben, author=staff_user, body="Not pinned")
    medical_history_update(clinic=clinic, client=ada, author=ada.user, allergies="Latex")
    paid(bookings["ada"], 2000)
    return bookings


def home(user, clinic):
    return admin_client_for(user, clinic).get(HOME).content.decode()


def test_the_desk_sees_todays_arrivals_in_order_with_markers(clinic, staff_user, day):
    html = home(staff_user, clinic)
    assert "data-today" in html
    # This location's arrivals in order; the annex has its own list.
    main_part = html[: html.index(">Annex<")]
    names = [n for n in ("Cleo", "Ben", "Ada") if n in main_part]
    assert names == ["Cleo", "Ben", "Ada"]
    assert main_part.index("Cleo") < main_part.index("Ben") < main_part.index("Ada Client")
    assert "Dan Client" in html[html.index(">Annex<") :]
    assert "Gone Client" not in html and "Tomorrow Client" not in html
    ada_row = _row(html, day["ada"])
    assert "data-pinned-note" in ada_row and 'title="Prefers Emma"' in ada_row
    assert "data-allergy" in ada_row and "Latex" in ada_row
    assert "£25.00" in ada_row and "Confirmed" in ada_row
    ben_row = _row(html, day["ben"])
    assert "data-pinned-note" not in ben_row and "data-allergy" not in ben_row
    assert "£45.00" in ben_row


def _row(html, booking):
    start = html.index(f'data-arrival="{booking.pk}"')
    return html[start : html.index("</tr>", start)]


def test_needs_attention_names_the_late_and_the_unpaid(clinic, staff_user, day):
    html = home(staff_user, clinic)
    attention = html[html.index("data-attention") :]
    attention = attention[: attention.index("</ul>")]
    assert "Ben Client" in attention and "Not checked in: 30 minutes late" in attention
    assert "Cleo Client" in attention and "Completed with a balance to pay" in attention
    assert "Ada Client" not in attention


def test_requests_waiting_and_takings(clinic, staff_user, day, service):
    reward = RewardFactory(clinic=clinic)
    RewardRequest.objects.create(clinic=clinic, client=day["ben"].client, reward=reward)
    thread = MessageThread.objects.create(
        clinic=clinic, client=day["cleo"].client, kind="chat", subject="Hello"
    )
    Message.objects.create(thread=thread, sender="client", body="Can I come earlier?")
    Message.objects.create(thread=thread, sender="client", body="Please?")
    WaitlistEntry.objects.create(
        client=day["dan"].client, service=service, date_from=MONDAY, date_to=MONDAY
    )
    refund_from = paid(day["cleo"], 4500, when=NOON - datetime.timedelta(hours=2))
    paid(day["ben"], 1000, when=NOON - datetime.timedelta(days=1))  # yesterday: not today's
    refund = Refund.objects.create(
        payment=refund_from, amount=500, status=RefundStatus.SUCCEEDED, idempotency_key="r1"
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=NOON - datetime.timedelta(minutes=30))
    html = home(staff_user, clinic)
    waiting = html[html.index("data-waiting") :]
    assert 'data-waiting-item="reward_requests"' in waiting
    assert "/admin/loyalty/requests/" in waiting
    assert 'data-waiting-item="messages"' in waiting and "Cleo Client" in waiting
    assert "2 unread messages" in waiting
    assert 'data-waiting-item="waitlist_waiting"' in waiting
    takings = html[html.index("data-takings") :]
    # £20 (Ada) + £45 (Cleo) taken today, £5 refunded; yesterday's £10 left out.
    assert "£60.00" in takings[:200] and "£65.00 taken, £5.00 refunded" in takings[:400]


def test_another_clinics_day_is_not_shown(clinic, other_clinic, staff_user, day):
    theirs_service = day["ada"].service.__class__.objects.create(
        clinic=other_clinic, key="x", name="Elsewhere massage", duration_minutes=30, price=100
    )
    elsewhere = StaffFactory(clinic=other_clinic, services=[theirs_service])
    add_booking(
        other_clinic, person(other_clinic, "Olga"), theirs_service, elsewhere, at(MONDAY, "12:30")
    )
    html = home(staff_user, clinic)
    assert "Olga" not in html and "Elsewhere massage" not in html


def test_a_therapist_sees_their_own_day_without_takings(clinic, day, service):
    zara = StaffFactory(clinic=clinic, display_name="Zara", services=[service])
    zara.user = MembershipFactory(clinic=clinic, role="therapist").user
    zara.save()
    mine = add_booking(clinic, person(clinic, "Mia"), service, zara, at(MONDAY, "12:15"))
    html = home(zara.user, clinic)
    assert "Your day" in html and f'data-arrival="{mine.pk}"' in html
    assert "Ada Client" not in html and "Ben Client" not in html
    assert "data-takings" not in html and "data-waiting" not in html
    assert "data-unpaid" not in html


def test_check_in_from_the_home_returns_home(clinic, staff_user, day):
    desk = admin_client_for(staff_user, clinic)
    ada = day["ada"]
    start = timezone.now() + datetime.timedelta(minutes=20)
    end = start + datetime.timedelta(minutes=30)
    Booking.objects.filter(pk=ada.pk).update(
        start=start, end=end, blocked_start=start, blocked_end=end
    )
    response = desk.post(f"/admin/bookings/calendar/{ada.pk}/check_in/", {"next": HOME})
    assert response.status_code == 302 and response.url == HOME
    ada.refresh_from_db()
    assert ada.status == BookingStatus.ARRIVED


def test_desk_staff_lose_wagtails_page_panels_managers_keep_them(clinic, staff_user, manager, day):
    staff_html = home(staff_user, clinic)
    manager_html = home(manager, clinic)
    assert "data-today" in staff_html and "data-today" in manager_html
    assert "Your most recent edits" not in staff_html
    assert "£25.00" in manager_html


def test_the_home_answers_in_a_constant_number_of_queries(
    clinic, staff_user, service, emma, django_assert_max_num_queries
):
    desk = admin_client_for(staff_user, clinic)
    desk.get(HOME)  # warm the per-process caches (content types, settings)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(HOME).status_code == 200
        return len(queries)

    # Ten therapists with fifteen back-to-back 30-minute bookings each (no overlap for
    # one therapist: PostgreSQL's exclusion constraint would refuse it).
    team = [emma, *(StaffFactory(clinic=clinic, services=[service]) for _ in range(9))]
    start = at(MONDAY, "07:00")

    def slot(i):
        return team[i % 10], start + datetime.timedelta(minutes=30 * (i // 10))

    for i in range(10):
        add_booking(clinic, person(clinic, f"C{i}"), service, *slot(i))
    few = count()
    for i in range(10, 150):
        client = person(clinic, f"C{i}")
        booking = add_booking(clinic, client, service, *slot(i))
        if i % 10 == 0:
            note_create(clinic=clinic, account=client, author=staff_user, body="x", pinned=True)
            paid(booking, 1000)
    many = count()

    assert many == few, (few, many)
    with django_assert_max_num_queries(40):
        desk.get(HOME)


def test_takings_leave_tips_out_and_show_them_apart_as_the_revenue_report_does(
    clinic, staff_user, day
):
    """Found by a receptionist: Today's takings counted tips the revenue report leaves
    out."""
    from payments.models import Payment

    tipped = paid(day["cleo"], 5000)  # £45.00 for the visit and a £5.00 tip
    Payment.objects.filter(pk=tipped.pk).update(kind=PaymentKind.DESK, tip=500)
    html = home(staff_user, clinic)
    takings = html[html.index("data-takings") :][:600]
    # £20 (Ada) + £45 (Cleo's visit, tip aside); the tip on a line of its own.
    assert "£65.00" in takings and "£70.00" not in takings
    assert re.search(r"data-tips>Tips: £5.00", takings), takings
