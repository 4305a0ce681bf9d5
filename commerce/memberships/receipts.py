"""Each paid membership invoice (joining, every renewal) as a purchase of kind
``membership``: in the patient's purchases and the staff Balance tab, with a receipt
PDF and a receipt email like a package. One purchase per invoice however often Stripe
reports it (keyed on the invoice id, written under the membership's lock)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from commerce.models import Membership, Purchase
from commerce.models.purchases import PurchaseKind, PurchaseMethod, PurchaseStatus
from commerce.purchases import purchase_receipt_number_issue
from payments.stripe_api import field, object_id


def membership_invoice_recorded(*, membership, invoice) -> Purchase | None:
    """The purchase for ``invoice`` once it is paid (None while unpaid or for nothing);
    the receipt email is queued after commit, once."""
    if invoice is None or field(invoice, "status") != "paid":
        return None
    amount = int(field(invoice, "amount_paid", 0) or 0)
    if amount <= 0:
        return None
    key = f"membership-invoice-{invoice.id}"
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    existing = Purchase.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    with override(membership.clinic.language or "en"):
        description = _("%(membership)s membership") % {"membership": membership.name}
    purchase = Purchase.objects.create(
        clinic_id=membership.clinic_id,
        client_id=membership.client_id,
        kind=PurchaseKind.MEMBERSHIP,
        description=description[:200],
        amount=amount,
        amount_captured=amount,
        currency=membership.currency,
        method=PurchaseMethod.CARD,
        status=PurchaseStatus.SUCCEEDED,
        succeeded_at=timezone.now(),
        membership=membership,
        stripe_invoice_id=invoice.id,
        # The invoice's charge, so staff can refund it like any card purchase (Stripe
        # API versions without ``invoice.payment_intent`` leave it empty).
        stripe_payment_intent_id=object_id(field(invoice, "payment_intent")) or "",
        idempotency_key=key,
    )
    purchase_receipt_number_issue(purchase)
    transaction.on_commit(lambda: _queue_receipt(purchase.pk))
    return purchase


def _queue_receipt(purchase_id):
    from commerce import tasks

    tasks.queue("email_purchase_receipt", purchase_id)
