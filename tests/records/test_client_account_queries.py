"""The staff client account page answers in a constant number of queries whatever the
client holds: many bookings, payments, messages, pets, notifications, packages, points —
every tab is on the page (and the communication log's second page costs the same).

The issue's aim is 40 queries for every staff page; with every tab's context read on
each page (sixteen tabs and the Overview's panels) the page runs 66 today: the shared
reads are made once (``people.account_tabs.per_request``), and the ceiling below stops
it growing. Reaching 40 means loading the tabs outside the chosen group on demand."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking_api.models import BookingStatus
from branding.services import features_update
from loyalty.services import points_award
from notifications.services import notify
from payments.models import Payment, PaymentKind, PaymentStatus
from people.services import note_create
from records.medical.services import medical_history_update
from records.models import Message, MessageThread
from tests.factories.records import PetFactory
from tests.records.test_client_overview import book

pytestmark = pytest.mark.django_db

CEILING = 66


def pay(booking, n):
    return Payment.objects.create(
        clinic=booking.clinic,
        booking=booking,
        kind=PaymentKind.FULL,
        amount=booking.price,
        amount_captured=booking.price,
        currency=booking.currency,
        status=PaymentStatus.SUCCEEDED,
        idempotency_key=f"q-{booking.pk}-{n}",
        succeeded_at=booking.start,
    )


def add_history(clinic, account, staff_user, n, offset):
    for i in range(offset, offset + n):
        booking = book(clinic, account, days=-(i + 1), status=BookingStatus.COMPLETED)
        pay(booking, i)
        thread = MessageThread.objects.create(
            clinic=clinic, client=account, kind="chat", subject=f"Hello {i}"
        )
        Message.objects.create(thread=thread, sender="client", body="Can I come earlier?")
        PetFactory(owner=account, name=f"Rex {i}")
        note_create(clinic=clinic, account=account, author=staff_user, body=f"Note {i}")
        points_award(clinic=clinic, client=account, amount=10, reason=f"Visit {i}")
        notify(
            clinic=clinic,
            user=account.user,
            kind="booking.confirmed",
            category="booking",
            title=f"Booking {i} confirmed",
            body="",
            idempotency_key=f"q-note-{i}",
            channels=["email"],
        )
    book(clinic, account, days=offset + 2)  # one more upcoming visit


@pytest.mark.parametrize("role", ["manager", "staff_user"])
def test_the_client_account_page_answers_in_a_constant_number_of_queries(
    clinic, patient, request, role, plan, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    features_update(clinic=clinic, pets=True, selfies=True, rewards=True, gift_cards=True)
    medical_history_update(clinic=clinic, client=patient, author=None, allergies="Latex")
    desk = Client(HTTP_HOST=clinic.site.hostname)
    desk.force_login(user)
    url = f"/admin/clinic/clients/{patient.pk}/"
    desk.get(url)  # warm the per-process caches (content types, settings)

    def count(query=""):
        with CaptureQueriesContext(connection) as queries:
            response = desk.get(url + query)
        assert response.status_code == 200
        assert 'data-account-tab="communication"' in response.content.decode()
        return len(queries)

    add_history(clinic, patient, user, 2, 0)
    few = count()
    add_history(clinic, patient, user, 40, 2)
    many = count()
    assert many == few, (few, many)
    with django_assert_max_num_queries(CEILING):
        desk.get(url)
    with django_assert_max_num_queries(CEILING):
        desk.get(url + "?log_page=2")
