"""Receipt numbers: each clinic numbers its receipts 1, 2, 3… in each series
(``ReceiptSeries``: payments ``P``, refunds ``R``, shop sales ``S``), printed as
``<CLINIC SLUG>-<series><n>`` (``GLOW-P12``), so a clinic's numbers have no gaps and say
nothing about other clinics.

The number is taken in the transaction that issues the receipt (the payment, refund or
purchase succeeding), under the clinic's counter row lock, and written on the row once:
two successes at one clinic queue on the lock and get consecutive numbers, and a
transaction rolled back gives its number back with it. Take it last in that
transaction, after the other row locks, so the counter is never held while waiting for
another lock. The commerce app issues its purchases' numbers here (payments is below it).
"""

from django.db import transaction

from payments.models import ReceiptCounter, ReceiptSeries


def receipt_number_format(clinic, series, number) -> str:
    return f"{clinic.slug.upper()}-{series}{number}"


@transaction.atomic
def receipt_number_take(*, clinic, series: ReceiptSeries) -> str:
    """The clinic's next number in ``series``, formatted. Counts only if the caller's
    transaction commits."""
    counters = ReceiptCounter.objects.select_for_update()
    counter = counters.filter(clinic=clinic, series=series).first()
    if counter is None:
        # The clinic's first receipt in the series makes the row; two first receipts at
        # once both insert, the second waits for the first and does nothing.
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(clinic=clinic, series=series)], ignore_conflicts=True
        )
        counter = counters.get(clinic=clinic, series=series)
    counter.last += 1
    counter.save(update_fields=["last"])
    return receipt_number_format(clinic, series, counter.last)


def receipt_number_issue(row, *, clinic, series: ReceiptSeries) -> str:
    """Give ``row`` (a Payment, Refund or commerce Purchase that has just succeeded, locked
    by the caller's transaction) its receipt number, once: a row that has one keeps it."""
    if row.receipt_number:
        return row.receipt_number
    with transaction.atomic():
        number = receipt_number_take(clinic=clinic, series=series)
        updated = (
            type(row).objects.filter(pk=row.pk, receipt_number="").update(receipt_number=number)
        )
        if not updated:  # numbered meanwhile (the caller should hold the row lock)
            raise RuntimeError(f"{type(row).__name__} {row.pk} already has a receipt number")
    row.receipt_number = number
    return number


@transaction.atomic
def receipt_number_ensure(row, *, clinic, series: ReceiptSeries) -> str:
    """The number of a succeeded row's receipt, given now if the row has none (a row
    written outside the services that issue it, e.g. by an import): a receipt is never
    shown without its number, and the number is still given once (under the row lock)."""
    if row.receipt_number:
        return row.receipt_number
    locked = type(row).objects.select_for_update().get(pk=row.pk)
    row.receipt_number = receipt_number_issue(locked, clinic=clinic, series=series)
    return row.receipt_number
