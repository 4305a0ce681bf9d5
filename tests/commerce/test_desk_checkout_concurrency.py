"""Two members of staff at the same desk checkout at the same moment: the checkout's row
lock makes them queue, so it is completed once (one audit entry, one receipt) and two
cash tenders of everything due take it once. Each runs in its own thread and connection;
run it on SQLite and PostgreSQL (``DATABASE_URL=postgres://…``)."""

import threading

import pytest
from django.db import connections

from booking_api.models import BookingStatus
from branding.errors import DomainError
from commerce.desk import services
from commerce.models import CheckoutStatus, DeskCheckout, TenderKind
from notifications.models import Notification
from payments.models import Payment
from people.models import AuditEntry
from tests.factories.clients import MembershipFactory
from tests.fixtures.booking import MONDAY, add_booking, at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def checkout(clinic, patient, service, emma, staff_user):
    visit = add_booking(
        clinic, patient, service, emma, at(MONDAY, "10:00"), status=BookingStatus.STARTED
    )
    return services.checkout_open(clinic=clinic, booking_id=visit.pk, actor=staff_user)


def both(run):
    barrier = threading.Barrier(2)
    results = [None, None]

    def attempt(i):
        try:
            barrier.wait()
            run(i)
            results[i] = "done"
        except DomainError as exc:
            results[i] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(results)


def test_two_staff_completing_the_same_checkout_complete_it_once(
    clinic, checkout, staff_user, patient
):
    services.checkout_tender_add(
        checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
    )
    other = MembershipFactory(clinic=clinic, role="staff").user
    actors = [staff_user, other]

    results = both(lambda i: services.checkout_complete(checkout=checkout, actor=actors[i]))

    assert results == ["checkout_closed", "done"], results
    assert DeskCheckout.objects.get().status == CheckoutStatus.COMPLETED
    completed = AuditEntry.objects.filter(client=patient, summary__startswith="Completed the desk")
    assert completed.count() == 1
    assert Notification.objects.filter(idempotency_key__startswith="desk-checkout-").count() == 1


def test_two_cash_tenders_for_everything_due_take_it_once(clinic, checkout, staff_user):
    results = both(
        lambda i: services.checkout_tender_add(
            checkout=checkout, kind=TenderKind.CASH, amount=4500, actor=staff_user
        )
    )
    assert results == ["done", "tender_invalid"], results
    assert Payment.objects.count() == 1
