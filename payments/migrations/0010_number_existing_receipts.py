"""Existing receipts get the clinic's own numbers (``payments.services.receipt_numbers``).

A receipt already issued with its snapshot (``receipt_snapshot``: made when it was first
rendered, i.e. emailed) keeps the number it was printed with, ``<SLUG>-P<payment id>``
(``-R<refund id>``): the snapshot does not hold the number, it was made from the id.
Every other succeeded payment (refund) is numbered in the order it was issued, after the
highest number the clinic already issued in that series, so no number is given twice;
the clinic's counter continues from the highest. Numbers already stored are left alone.
"""

from django.db import migrations
from django.db.models.functions import Coalesce


def _number(Counter, clinic, series, rows):
    prefix = clinic.slug.upper()
    rows = list(rows)
    issued = [row for row in rows if row.receipt_snapshot is not None]
    counter = Counter.objects.filter(clinic=clinic, series=series).first()
    last = max([row.pk for row in issued] + [counter.last if counter else 0])
    for row in rows:
        if row.receipt_snapshot is not None:
            row.receipt_number = f"{prefix}-{series}{row.pk}"
        else:
            last += 1
            row.receipt_number = f"{prefix}-{series}{last}"
    if rows:
        type(rows[0]).objects.bulk_update(rows, ["receipt_number"], batch_size=500)
    if last:
        Counter.objects.update_or_create(clinic=clinic, series=series, defaults={"last": last})


def number_existing_receipts(apps, schema_editor):
    Clinic = apps.get_model("branding", "Clinic")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    Counter = apps.get_model("payments", "ReceiptCounter")
    for clinic in Clinic.objects.order_by("pk"):
        payments = (
            Payment.objects.filter(clinic=clinic, status="succeeded", receipt_number="")
            .annotate(issued=Coalesce("succeeded_at", "created_at"))
            .order_by("issued", "pk")
            .only("pk", "receipt_snapshot")
        )
        _number(Counter, clinic, "P", payments)
        refunds = (
            Refund.objects.filter(payment__clinic=clinic, status="succeeded", receipt_number="")
            .order_by("created_at", "pk")
            .only("pk", "receipt_snapshot")
        )
        _number(Counter, clinic, "R", refunds)


class Migration(migrations.Migration):
    dependencies = [("payments", "0009_receipt_numbers")]

    operations = [migrations.RunPython(number_existing_receipts, migrations.RunPython.noop)]
