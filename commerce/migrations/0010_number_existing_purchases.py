"""Existing paid purchases keep the receipt number they were issued with.

A purchase's receipt has been emailed as soon as it was paid, numbered from its id
(``<SLUG>-S<purchase id>``), and purchases keep no snapshot that would tell an issued
receipt from one never sent: so every paid purchase keeps that number, stored now, and
the clinic's shop counter (``payments.ReceiptCounter``, series ``S``) continues after the
highest. Numbers already stored are left alone.
"""

from django.db import migrations
from django.db.models import Max


def number_existing_purchases(apps, schema_editor):
    Clinic = apps.get_model("branding", "Clinic")
    Purchase = apps.get_model("commerce", "Purchase")
    Counter = apps.get_model("payments", "ReceiptCounter")
    for clinic in Clinic.objects.order_by("pk"):
        paid = Purchase.objects.filter(clinic=clinic, status="succeeded", receipt_number="")
        rows = list(paid.only("pk"))
        for row in rows:
            row.receipt_number = f"{clinic.slug.upper()}-S{row.pk}"
        Purchase.objects.bulk_update(rows, ["receipt_number"], batch_size=500)
        highest = max([row.pk for row in rows], default=0)
        counter = Counter.objects.filter(clinic=clinic, series="S").aggregate(last=Max("last"))
        if highest > (counter["last"] or 0):
            Counter.objects.update_or_create(
                clinic=clinic, series="S", defaults={"last": highest}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0009_purchase_receipt_numbers"),
        ("payments", "0010_number_existing_receipts"),
    ]

    operations = [migrations.RunPython(number_existing_purchases, migrations.RunPython.noop)]
