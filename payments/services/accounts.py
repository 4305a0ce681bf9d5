"""Where each clinic is paid: its Stripe Connect account (created here, onboarded on
Stripe's own pages through an account link, its status kept from ``account.updated``
and from the way back) or, in a single-clinic install, the clinic's own Stripe keys."""

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import key_vault
from payments.errors import PaymentError, PaymentErrorCode, provider_error
from payments.models import StripeAccount, StripeAccountKind
from payments.stripe_api import field, platform_client

ACCOUNT_TYPES = ("standard", "express")


def _account_type() -> str:
    kind = getattr(settings, "STRIPE_CONNECT_ACCOUNT_TYPE", "standard") or "standard"
    return kind if kind in ACCOUNT_TYPES else "standard"


def _apply_status(account: StripeAccount, remote) -> StripeAccount:
    requirements = field(remote, "requirements", {})
    account.details_submitted = bool(field(remote, "details_submitted", False))
    account.charges_enabled = bool(field(remote, "charges_enabled", False))
    account.payouts_enabled = bool(field(remote, "payouts_enabled", False))
    account.disabled_reason = str(field(requirements, "disabled_reason", "") or "")[:255]
    account.requirements_due = [str(x) for x in field(requirements, "currently_due", []) or []]
    account.status_checked_at = timezone.now()
    account.save()
    return account


def connect_account_start(*, clinic, email="") -> StripeAccount:
    """The clinic's connected account, created once at Stripe (key
    ``clinic-<id>-connect-account``). A clinic paid with its own keys keeps them."""
    existing = StripeAccount.objects.filter(clinic=clinic).first()
    if existing and existing.kind == StripeAccountKind.CONNECT and existing.account_id:
        return existing
    if existing and existing.kind == StripeAccountKind.OWN_KEYS:
        raise PaymentError(
            _("This clinic is paid with its own Stripe keys: remove them first."),
            field="kind",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    params = {
        "type": _account_type(),
        "metadata": {"clinic": clinic.slug, "clinic_id": str(clinic.pk)},
        "business_profile": {"name": clinic.name},
    }
    if email:
        params["email"] = email
    try:
        remote = platform_client().Account.create(
            idempotency_key=f"clinic-{clinic.pk}-connect-account", **params
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    with transaction.atomic():
        account, _created = StripeAccount.objects.select_for_update().update_or_create(
            clinic=clinic,
            defaults={"kind": StripeAccountKind.CONNECT, "account_id": remote.id},
        )
        return _apply_status(account, remote)


def connect_onboarding_link(*, clinic, refresh_url, return_url) -> str:
    """A one-off link to Stripe's onboarding for the clinic's connected account (made
    first if need be); Stripe sends the manager back to ``return_url``, or to
    ``refresh_url`` when the link has expired."""
    account = connect_account_start(clinic=clinic)
    try:
        link = platform_client().AccountLink.create(
            account=account.account_id,
            refresh_url=refresh_url,
            return_url=return_url,
            type="account_onboarding",
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return link.url


def connect_account_refresh(*, clinic) -> StripeAccount:
    """Read the clinic's connected account from Stripe and keep what it says (charges,
    payouts, details submitted, what is still due)."""
    account = StripeAccount.objects.filter(clinic=clinic, kind=StripeAccountKind.CONNECT).first()
    if account is None or not account.account_id:
        raise PaymentError(
            _("No Stripe account is connected to this clinic."),
            field="account",
            code=PaymentErrorCode.PAYMENTS_NOT_SET_UP,
        )
    try:
        remote = platform_client().Account.retrieve(account.account_id)
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    with transaction.atomic():
        account = StripeAccount.objects.select_for_update().get(pk=account.pk)
        return _apply_status(account, remote)


@transaction.atomic
def own_keys_save(*, clinic, secret_key="", publishable_key="", webhook_secret="") -> StripeAccount:
    """A single-clinic install: the clinic's own Stripe keys (``STRIPE_ALLOW_OWN_KEYS``).
    A blank secret keeps the one stored (secrets are never shown back). Test and live
    keys are not mixed."""
    if not getattr(settings, "STRIPE_ALLOW_OWN_KEYS", False):
        raise PaymentError(
            _("This installation takes payments through Stripe Connect only."),
            field="secret_key",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    current = StripeAccount.objects.select_for_update().filter(clinic=clinic).first()
    if current and current.kind == StripeAccountKind.CONNECT and current.account_id:
        raise PaymentError(
            _("This clinic is paid through its connected Stripe account."),
            field="secret_key",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    secret_key, webhook_secret = secret_key.strip(), webhook_secret.strip()
    publishable_key = publishable_key.strip()
    own = current if current and current.kind == StripeAccountKind.OWN_KEYS else None
    secret = secret_key or (key_vault.unseal(own.secret_key_encrypted) if own else "")
    hook = webhook_secret or (key_vault.unseal(own.webhook_secret_encrypted) if own else "")
    if not secret.startswith(("sk_test_", "sk_live_", "rk_test_", "rk_live_")):
        raise PaymentError(
            _("Enter the secret key (it starts with sk_ or rk_)."),
            field="secret_key",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    if not publishable_key.startswith(("pk_test_", "pk_live_")):
        raise PaymentError(
            _("Enter the publishable key (it starts with pk_)."),
            field="publishable_key",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    if ("_live_" in secret) != ("_live_" in publishable_key):
        raise PaymentError(
            _("The secret and publishable keys must both be test keys or both live keys."),
            field="publishable_key",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    if not hook.startswith("whsec_"):
        raise PaymentError(
            _("Enter the webhook signing secret (it starts with whsec_)."),
            field="webhook_secret",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    account, _created = StripeAccount.objects.update_or_create(
        clinic=clinic,
        defaults={
            "kind": StripeAccountKind.OWN_KEYS,
            "account_id": "",
            "secret_key_encrypted": key_vault.seal(secret),
            "secret_key_hint": key_vault.hint(secret),
            "publishable_key": publishable_key,
            "webhook_secret_encrypted": key_vault.seal(hook),
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
        },
    )
    return account
