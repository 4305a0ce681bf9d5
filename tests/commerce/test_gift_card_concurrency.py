"""Two checkouts spending one gift card at the same moment: £60 on the card, two £45
bookings. The card's lock makes them queue, so one takes £45 and the other the £15
left (or, where it had counted on the whole £45, is refused naming ``voucher`` and
changes nothing) — never £90 of £60, and each payment's discount is exactly what its
card entries took. Each checkout runs in its own thread and connection; run it on
SQLite and PostgreSQL (``DATABASE_URL=postgres://…``)."""

import threading

import pytest
from django.db import connections

from branding.errors import DomainError
from commerce.giftcards.checkout import ref_for
from commerce.giftcards.selectors import gift_card_balance
from commerce.models import GiftCardEntry
from payments import services
from payments.models import Payment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


def test_two_checkouts_never_spend_more_than_the_card_holds(full_policy, held, gift_card):
    bookings = [held("10:00"), held("11:00")]
    ref = ref_for(gift_card.code)
    barrier = threading.Barrier(2)
    results = [None, None]

    def attempt(i):
        try:
            barrier.wait()
            payment = services.checkout_start(booking=bookings[i], voucher_ref=ref)
            results[i] = payment.discount
        except DomainError as exc:
            results[i] = f"refused {exc.field}"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            results[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results, key=str) in ([1500, 4500], [4500, "refused voucher"]), results
    balance = gift_card_balance(gift_card)
    taken = {}
    for entry in GiftCardEntry.objects.filter(gift_card=gift_card, payment__isnull=False):
        taken[entry.payment_id] = taken.get(entry.payment_id, 0) - entry.amount
    assert sum(taken.values()) + balance == 6000 and balance >= 0
    for payment in Payment.objects.exclude(voucher_ref=""):
        assert payment.discount == taken[payment.pk], (payment.discount, taken)
