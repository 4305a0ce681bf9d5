"""The seam through which another app (loyalty) takes a reward voucher off what a patient
pays at checkout, without payments importing it.

Contract
--------
A *provider* is any object (a module or an instance) with these five methods, all
keyword-only, registered once from the providing app's ``AppConfig.ready``::

    from payments.discounts import register_discount_provider
    register_discount_provider(my_provider)

``vouchers(*, booking) -> list[Voucher]``
    The vouchers this booking's client can use on it now (``booking.client`` is the
    client account, ``booking.clinic`` the clinic). ``Voucher(ref, label)``: ``ref`` is a
    string unique across providers (prefix it with your app, e.g. ``"loyalty:17"``),
    ``label`` is what the patient reads ("£10 off your next visit").

``quote(*, booking, voucher_ref) -> DiscountQuote | None``
    What the voucher takes off this booking: ``DiscountQuote(voucher_ref, amount,
    label)`` with ``amount`` in integer minor units of ``booking.currency`` (payments caps
    it at the price). Return ``None`` when the ref is not yours or not usable by this
    client on this booking — payments then refuses it naming the field ``voucher``.
    Must not write anything: the patient may change their mind.

``reserve(*, booking, voucher_ref, payment) -> DiscountQuote | None``
    The patient applies ``voucher_ref`` to ``payment`` (the booking's open payment, saved
    in the same transaction): reserve the voucher for that payment atomically (lock its
    row or update it conditionally) and return its quote, as ``quote`` does. Return
    ``None`` when the ref is not yours. When the voucher is taken — used, or reserved for
    another payment that may still succeed — raise a ``branding.errors.DomainError``
    naming the field ``voucher`` with a code of your app's: payments lets it through and
    nothing is saved. Reserving again for the same payment changes nothing. A voucher is
    reserved for one payment at a time, so it discounts one booking, even under
    concurrent checkouts.

``release(*, voucher_ref, payment) -> None``
    ``payment`` no longer carries ``voucher_ref``: the patient chose another voucher or
    none, or the booking was cancelled (by anyone, or its hold ran out) before paying.
    Give the voucher back if it is reserved for this payment (a conditional update);
    ignore refs that are not yours. Idempotent.

``on_payment_succeeded(*, voucher_ref, payment) -> None``
    The payment that used ``voucher_ref`` succeeded: mark the voucher used now. Called
    after the payment's success is committed (never for a declined or abandoned
    payment), on every provider — ignore refs that are not yours. It may be called again
    for the same payment (a task retried), so key the write on ``payment.pk``.
    ``payment.discount`` is the amount taken off, ``payment.booking`` the booking.

Until success the provider keeps only the reservation; payments records the voucher,
amount and label on its ``Payment`` row (``voucher_ref``, ``discount``,
``discount_label``) and prints them on the receipt. ``payments.selectors
.payment_holds_voucher`` tells a provider whether a reservation's payment may still use
the voucher (so a reservation whose release was lost does not block it for ever).
"""

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

_providers = []


@dataclass(frozen=True)
class Voucher:
    ref: str
    label: str


@dataclass(frozen=True)
class DiscountQuote:
    voucher_ref: str
    amount: int  # minor units of the booking's currency
    label: str


def register_discount_provider(provider):
    """Add a provider (see the module docstring). Registering the same one twice is a
    no-op, so ``ready`` may run more than once."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_discount_provider(provider):
    if provider in _providers:
        _providers.remove(provider)


def vouchers_for(booking) -> list[Voucher]:
    """Every usable voucher for the booking, from all providers."""
    found = []
    for provider in _providers:
        found.extend(provider.vouchers(booking=booking))
    return found


def discount_quote(booking, voucher_ref) -> DiscountQuote | None:
    """The first provider's quote for ``voucher_ref``, capped at the booking's price."""
    if not voucher_ref:
        return None
    for provider in _providers:
        quote = provider.quote(booking=booking, voucher_ref=voucher_ref)
        if quote is not None:
            return _capped(booking, quote)
    return None


def _capped(booking, quote):
    amount = max(0, min(int(quote.amount), booking.price))
    return DiscountQuote(voucher_ref=quote.voucher_ref, amount=amount, label=quote.label)


def voucher_reserve(*, booking, voucher_ref, payment) -> DiscountQuote | None:
    """Reserve ``voucher_ref`` for ``payment`` with the provider that owns it and return
    its quote (capped at the price), or None when no provider knows it. A provider's
    refusal (a DomainError naming ``voucher``) propagates. Call inside the transaction
    that saves the payment's voucher."""
    if not voucher_ref:
        return None
    for provider in _providers:
        quote = provider.reserve(booking=booking, voucher_ref=voucher_ref, payment=payment)
        if quote is not None:
            return _capped(booking, quote)
    return None


def voucher_release(*, voucher_ref, payment):
    """Tell every provider that ``payment`` no longer carries ``voucher_ref``."""
    if not voucher_ref:
        return
    for provider in _providers:
        provider.release(voucher_ref=voucher_ref, payment=payment)


def voucher_used(*, voucher_ref, payment):
    """Tell every provider that ``payment`` (succeeded) used ``voucher_ref``. A provider
    that fails is logged and does not stop the others: the money is already taken."""
    for provider in _providers:
        try:
            provider.on_payment_succeeded(voucher_ref=voucher_ref, payment=payment)
        except Exception:
            log.exception("discount provider %r failed to mark %s used", provider, voucher_ref)
