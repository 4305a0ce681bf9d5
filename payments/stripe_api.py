"""The one place Stripe calls are made from: the official ``stripe`` library, bound to
one clinic's Stripe account.

Every clinic is paid into its own account (``payments.models.StripeAccount``):

- a **Stripe Connect** account (standard or express): the platform's
  ``STRIPE_SECRET_KEY`` with ``stripe_account=<acct_…>`` on every call, so Stripe sends
  the ``Stripe-Account`` header and the money, customers and refunds live on the clinic's
  account;
- or, in a single-clinic install (``STRIPE_ALLOW_OWN_KEYS``), the clinic's **own keys**:
  its secret key on every call.

``stripe_client(clinic)`` returns the ``stripe`` module's resources with those options
filled in (``api.PaymentIntent.create(...)``); no global key is set, so a call that did
not come through here has no key at all. ``platform_client()`` is the platform's own
(Connect onboarding: accounts and account links). A clinic without a usable account is
refused with ``payments_not_set_up`` (``account_problem`` says why and how to fix it).

``STRIPE_API_BASE`` points the library at another server (a local Stripe test server in
the tests and the demo); empty means Stripe itself.
"""

import functools
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from payments import key_vault
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import StripeAccount, StripeAccountKind

DEFAULT_API_BASE = "https://api.stripe.com"


def _configure():
    stripe.api_key = None  # every call names its key (below)
    stripe.api_base = settings.STRIPE_API_BASE or DEFAULT_API_BASE
    stripe.max_network_retries = 2  # safe: every mutating call has an idempotency key


class _Bound:
    """A ``stripe`` resource class whose calls carry one account's request options."""

    def __init__(self, resource, options):
        self._resource = resource
        self._options = options

    def __getattr__(self, name):
        attr = getattr(self._resource, name)
        if callable(attr):
            return functools.partial(attr, **self._options)
        return attr


class BoundStripe:
    """``stripe`` for one account: ``api.PaymentIntent.retrieve(id)`` and the like."""

    def __init__(self, options, *, account_id=""):
        self.options = options
        self.account_id = account_id  # the connected account ("" for own keys/platform)

    def __getattr__(self, name):
        return _Bound(getattr(stripe, name), self.options)


@dataclass(frozen=True)
class AccountProblem:
    """Why a clinic cannot take online payment, and what its manager does about it."""

    reason: str
    fix: str


def account_for(clinic):
    if clinic is None:
        return None
    return StripeAccount.objects.filter(clinic_id=clinic.pk).first()


def _own_secret(account) -> str:
    return key_vault.unseal(account.secret_key_encrypted)


def account_problem(clinic, account=None) -> AccountProblem | None:
    """None when the clinic can take online payment; else why not and how to fix it."""
    account = account if account is not None else account_for(clinic)
    connect = _("Connect it in the admin: Settings → Payments account.")
    if account is None:
        return AccountProblem(_("No Stripe account is connected to this clinic."), connect)
    if account.kind == StripeAccountKind.OWN_KEYS:
        if not getattr(settings, "STRIPE_ALLOW_OWN_KEYS", False):
            return AccountProblem(
                _("This installation takes payments through Stripe Connect only."), connect
            )
        if not (_own_secret(account) and account.publishable_key):
            return AccountProblem(
                _("The clinic's Stripe keys are incomplete or can no longer be read."),
                _("Enter the secret and publishable keys again: Settings → Payments account."),
            )
        return None
    if not account.account_id:
        return AccountProblem(_("No Stripe account is connected to this clinic."), connect)
    if not account.details_submitted:
        return AccountProblem(
            _("Stripe's onboarding for this clinic's account is not finished."),
            _("Continue the onboarding: Settings → Payments account → Continue with Stripe."),
        )
    if not account.charges_enabled:
        due = ", ".join(account.requirements_due[:5])
        return AccountProblem(
            _("Stripe has not enabled payments on this clinic's account yet%(why)s.")
            % {"why": f" ({account.disabled_reason})" if account.disabled_reason else ""},
            _("Give Stripe what it still asks for%(due)s: Settings → Payments account.")
            % {"due": f" ({due})" if due else ""},
        )
    return None


def not_set_up_error(clinic, problem=None) -> PaymentError:
    problem = problem or account_problem(clinic)
    return PaymentError(
        _("This clinic cannot take payment online at the moment. Please contact the clinic."),
        field="payment",
        code=PaymentErrorCode.PAYMENTS_NOT_SET_UP,
    )


def require_payments(clinic) -> None:
    """Refuse (``payments_not_set_up``) unless the clinic can take online payment."""
    problem = account_problem(clinic)
    if problem is not None:
        raise not_set_up_error(clinic, problem)


def stripe_client(clinic, *, taking_payment=False) -> BoundStripe:
    """``stripe`` bound to the clinic's own account. ``taking_payment``: the call starts
    a new payment or saves a card, which needs an account that can take payment now;
    other calls (reading, cancelling, refunding what was taken) need only the account."""
    _configure()
    account = account_for(clinic)
    if taking_payment:
        problem = account_problem(clinic, account)
        if problem is not None:
            raise not_set_up_error(clinic, problem)
    if account is not None and account.kind == StripeAccountKind.OWN_KEYS:
        secret = _own_secret(account)
        if secret:
            return BoundStripe({"api_key": secret})
    elif account is not None and account.account_id:
        return BoundStripe(
            {"api_key": settings.STRIPE_SECRET_KEY, "stripe_account": account.account_id},
            account_id=account.account_id,
        )
    raise not_set_up_error(clinic)


def platform_client() -> BoundStripe:
    """The platform's own calls (Connect accounts and onboarding links), no account."""
    _configure()
    return BoundStripe({"api_key": settings.STRIPE_SECRET_KEY})


def publishable_options(clinic) -> dict:
    """What Stripe.js needs for this clinic: ``publishable_key`` and, for a connected
    account, ``stripe_account`` (Stripe.js's ``stripeAccount`` option)."""
    account = account_for(clinic)
    if account is not None and account.kind == StripeAccountKind.OWN_KEYS:
        return {"publishable_key": account.publishable_key, "stripe_account": ""}
    return {
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_account": account.account_id if account is not None else "",
    }


def webhook_secret_for(account) -> str:
    return key_vault.unseal(account.webhook_secret_encrypted)


def object_id(value):
    """An expandable field's id: Stripe sends an id string, localstripe the object."""
    if value is None or isinstance(value, str):
        return value
    return field(value, "id")


def field(obj, key, default=None):
    """``obj[key]`` or ``default``: Stripe objects (16+) and plain dicts alike."""
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value
