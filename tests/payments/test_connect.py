"""Each clinic is paid into its own Stripe account (Stripe Connect, or a single clinic's
own keys). Tested through the proxy in front of localstripe (``stripe_proxy``), which
plays Connect: it refuses any call without a connected account's ``Stripe-Account``
header, keeps each account's objects to itself and serves accounts and account links."""

import hashlib
import hmac
import json
import logging
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from booking_api.models import BookingEvent, BookingStatus
from booking_api.services import booking_create
from branding.models import PaymentMode
from branding.services import policy_update
from payments import services
from payments.models import Payment, PaymentStatus, StripeAccount, WebhookEvent
from payments.services import accounts
from payments.stripe_api import account_problem, stripe_client
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.branding import stripe_connect
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import admin_client_for, host_client

pytestmark = pytest.mark.django_db

GLOW, RIVERSIDE = "acct_test_glow", "acct_test_riverside"
SECRET = "whsec_test_portal"


def _shape(path):
    """A path with Stripe's ids taken out: /v1/payment_intents/pi_1/confirm → …/{id}/…"""
    return re.sub(r"/(pi|pm|cus|re|seti|dp|acct|ch)_[A-Za-z0-9_]+", r"/{\1}", path)


def seen(proxy, since):
    """(method, path shape, Stripe-Account) of every call after ``since`` calls."""
    return [
        (method, _shape(path), headers.get("Stripe-Account"))
        for method, path, headers in proxy.requests[since:]
    ]


@pytest.fixture
def glow_held(clinic, deposit_policy, held):
    return held()


@pytest.fixture
def riverside_held(other_clinic):
    """A booking held for full payment at Riverside (New York, USD)."""
    policy_update(
        clinic=other_clinic,
        min_notice_minutes=0,
        max_advance_days=730,
        payment_mode=PaymentMode.FULL,
    )
    service = ServiceFactory(
        clinic=other_clinic, key="checkup", name="Check-up", duration_minutes=30
    )
    staff = StaffFactory(clinic=other_clinic, key="sam", display_name="Sam", services=[service])
    return booking_create(
        clinic=other_clinic,
        client=ClientAccountFactory(clinic=other_clinic),
        service=service,
        staff=staff,
        start=at(MONDAY, "10:00", tz=ZoneInfo("America/New_York")),
        status=BookingStatus.PENDING_PAYMENT,
        hold_minutes=10,
    )


def pay(booking):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method="success")


PAY_CALLS = [
    ("POST", "/v1/customers"),  # the client's Customer, on the clinic's account
    ("POST", "/v1/payment_intents"),  # checkout_start, on that Customer
    ("GET", "/v1/payment_intents/{pi}"),  # payment_confirm reads it again
    ("POST", "/v1/payment_methods"),  # the test card
    ("POST", "/v1/payment_methods/{pm}/attach"),
    ("POST", "/v1/payment_intents/{pi}"),  # its payment method
    ("POST", "/v1/payment_intents/{pi}/confirm"),
]


def test_each_clinic_pays_and_refunds_on_its_own_account(stripe_proxy, glow_held, riverside_held):
    start = len(stripe_proxy.requests)
    glow_paid = pay(glow_held)
    after_glow = len(stripe_proxy.requests)
    river_paid = pay(riverside_held)
    after_river = len(stripe_proxy.requests)
    assert glow_paid.status == river_paid.status == PaymentStatus.SUCCEEDED
    assert seen(stripe_proxy, start)[: after_glow - start] == [(*c, GLOW) for c in PAY_CALLS]
    assert seen(stripe_proxy, after_glow) == [(*c, RIVERSIDE) for c in PAY_CALLS]

    services.refund_create(payment=river_paid, amount=1000, reason="goodwill")
    after_refund = len(stripe_proxy.requests)
    services.refund_create(payment=glow_paid, amount=500, reason="goodwill")
    assert seen(stripe_proxy, after_river)[: after_refund - after_river] == [
        ("POST", "/v1/refunds", RIVERSIDE)
    ]
    assert seen(stripe_proxy, after_refund) == [("POST", "/v1/refunds", GLOW)]
    # Each clinic's account holds its own payment only.
    assert stripe_proxy.owner[glow_paid.stripe_payment_intent_id] == GLOW
    assert stripe_proxy.owner[river_paid.stripe_payment_intent_id] == RIVERSIDE
    with pytest.raises(Exception, match="No such object"):
        stripe_client(glow_held.clinic).PaymentIntent.retrieve(river_paid.stripe_payment_intent_id)
    assert not stripe_proxy.violations


def test_the_proxy_refuses_a_call_without_the_header(stripe_proxy, clinic):
    """The check the suite relies on: a call on no connected account is refused."""
    from payments.stripe_api import platform_client

    with pytest.raises(Exception, match="Stripe-Account missing"):
        platform_client().PaymentIntent.create(amount=100, currency="gbp")
    assert stripe_proxy.violations == [("POST", "/v1/payment_intents", None)]
    stripe_proxy.violations.clear()  # seen: the fixture would fail the test otherwise


def signed(payload: bytes, *, secret=SECRET):
    at_ = int(time.time())
    mac = hmac.new(secret.encode(), f"{at_}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at_},v1={mac}"


def event(kind, obj_id, *, account, obj_type="payment_intent", event_id=None):
    body = {
        "id": event_id or f"evt_{kind.replace('.', '_')}_{account}_{obj_id}",
        "object": "event",
        "type": kind,
        "account": account,
        "data": {"object": {"id": obj_id, "object": obj_type}},
    }
    return json.dumps(body).encode()


def deliver(payload, *, url="/payments/stripe/webhook", secret=SECRET, capture=None):
    def post():
        return Client().post(
            url,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload, secret=secret),
        )

    if capture is None:
        return post()
    with capture(execute=True):
        return post()


def paid_at_stripe_only(booking):
    """The patient paid with Stripe.js: only a webhook tells us."""
    payment = services.checkout_start(booking=booking)
    api = stripe_client(booking.clinic)
    api.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(payment.stripe_payment_intent_id)
    return payment


def test_a_webhook_on_clinic_a_account_cannot_touch_clinic_b_payment(
    stripe_proxy, glow_held, riverside_held, django_capture_on_commit_callbacks
):
    river = paid_at_stripe_only(riverside_held)
    pi = river.stripe_payment_intent_id
    # Glow's account says "succeeded" about Riverside's intent: read on Glow's account,
    # it does not exist there, and Riverside's payment is not looked at.
    answer = deliver(
        event("payment_intent.succeeded", pi, account=GLOW),
        capture=django_capture_on_commit_callbacks,
    )
    assert answer.status_code == 200
    record = WebhookEvent.objects.get(account_id=GLOW)
    assert record.clinic == glow_held.clinic
    assert record.result.startswith("unknown to Stripe")
    river.refresh_from_db()
    riverside_held.refresh_from_db()
    assert river.status == PaymentStatus.PENDING
    assert riverside_held.status == BookingStatus.PENDING_PAYMENT
    assert ("GET", f"/v1/payment_intents/{pi}", GLOW) in [
        (m, p, h.get("Stripe-Account")) for m, p, h in stripe_proxy.requests
    ]

    # The same news from Riverside's own account is applied to Riverside's payment.
    deliver(
        event("payment_intent.succeeded", pi, account=RIVERSIDE),
        capture=django_capture_on_commit_callbacks,
    )
    river.refresh_from_db()
    riverside_held.refresh_from_db()
    assert river.status == PaymentStatus.SUCCEEDED
    assert riverside_held.status == BookingStatus.BOOKED
    assert not Payment.objects.filter(clinic=glow_held.clinic, status="succeeded").exists()


def test_an_event_for_an_unknown_account_is_ignored_and_logged(
    stripe_proxy, riverside_held, caplog, django_capture_on_commit_callbacks
):
    river = paid_at_stripe_only(riverside_held)
    calls = len(stripe_proxy.requests)
    with caplog.at_level(logging.WARNING, logger="payments.webhooks"):
        for account in ("acct_someone_else", ""):
            answer = deliver(
                event("payment_intent.succeeded", river.stripe_payment_intent_id, account=account),
                capture=django_capture_on_commit_callbacks,
            )
            assert answer.status_code == 200
    records = WebhookEvent.objects.order_by("id")
    assert [(r.clinic_id, r.result[:8]) for r in records] == [(None, "ignored:")] * 2
    assert "no clinic owns account 'acct_someone_else'" in caplog.text
    assert len(stripe_proxy.requests) == calls  # nothing was even read
    river.refresh_from_db()
    assert river.status == PaymentStatus.PENDING


def test_a_dispute_lands_only_on_its_own_clinic(
    stripe_proxy, glow_held, riverside_held, django_capture_on_commit_callbacks
):
    river = pay(riverside_held)
    dispute = {
        "id": "dp_river",
        "object": "dispute",
        "payment_intent": river.stripe_payment_intent_id,
        "amount": river.amount_captured,
        "reason": "fraudulent",
        "status": "needs_response",
    }
    stripe_proxy.disputes.append(dispute)
    stripe_proxy.owner["dp_river"] = RIVERSIDE
    deliver(
        event("charge.dispute.created", "dp_river", account=GLOW, obj_type="dispute"),
        capture=django_capture_on_commit_callbacks,
    )
    assert not BookingEvent.objects.filter(kind="payment_disputed").exists()
    # Reconciling Glow's account does not see it either.
    services.payments_reconcile(clinic=glow_held.clinic)
    assert not BookingEvent.objects.filter(kind="payment_disputed").exists()
    deliver(
        event("charge.dispute.created", "dp_river", account=RIVERSIDE, obj_type="dispute"),
        capture=django_capture_on_commit_callbacks,
    )
    disputed = BookingEvent.objects.get(kind="payment_disputed")
    assert disputed.booking_id == riverside_held.pk
    assert disputed.data["dispute"] == "dp_river"


def test_reconciliation_reads_each_clinic_on_its_own_account(
    stripe_proxy, glow_held, riverside_held
):
    pay(glow_held)
    pay(riverside_held)
    start = len(stripe_proxy.requests)
    findings = services.payments_reconcile()
    # Neither clinic's payment looks like "a charge without a booking" to the other.
    assert not [f for f in findings if f["problem"] == "charge without a booking"]
    accounts_used = {h.get("Stripe-Account") for _m, _p, h in stripe_proxy.requests[start:]}
    assert accounts_used == {GLOW, RIVERSIDE}
    assert not stripe_proxy.calls("POST", "/v1/refunds")


# --- a clinic that cannot take online payment --------------------------------------------


def test_no_account_refuses_checkout_with_a_clear_code_and_writes_nothing(
    stripe_proxy, clinic, full_policy, emma, patient_api
):
    StripeAccount.objects.filter(clinic=clinic).delete()
    calls = len(stripe_proxy.requests)
    answer = patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )
    assert answer.status_code == 409, answer.json()
    assert answer.json()["code"] == "payments_not_set_up"
    assert "cannot take payment online" in answer.json()["detail"]
    assert not Payment.objects.exists()
    assert len(stripe_proxy.requests) == calls


def test_the_portal_says_so_and_the_manager_sees_why_and_how(
    stripe_proxy, clinic, glow_held, manager
):
    StripeAccount.objects.filter(clinic=clinic).update(charges_enabled=False)
    portal = host_client(clinic)
    portal.force_login(glow_held.client.user)
    page = portal.get(f"/book/pay/{glow_held.reference}/")
    assert page.status_code == 409
    assert b"data-payments-unavailable" in page.content
    assert "cannot take payment online" in page.content.decode()
    assert not Payment.objects.exists()

    admin = admin_client_for(manager, clinic)
    shown = admin.get("/admin/payments/account/").content.decode()
    assert "This clinic cannot take online payment." in shown
    assert "Stripe has not enabled payments on this clinic" in shown
    assert "Settings → Payments account" in shown


def test_only_managers_open_the_payments_account_page(clinic, staff_user):
    admin = admin_client_for(staff_user, clinic)
    refused = admin.get("/admin/payments/account/")
    assert refused.status_code in (302, 403)
    assert b"data-payments-account" not in refused.content
    assert admin.post("/admin/payments/account/connect/").status_code in (302, 403)
    assert not StripeAccount.objects.exclude(account_id="acct_test_glow").exists()


# --- onboarding ---------------------------------------------------------------------------


def test_a_manager_connects_the_clinic_through_stripe_onboarding(
    stripe_proxy, clinic, glow_held, manager, django_capture_on_commit_callbacks
):
    StripeAccount.objects.filter(clinic=clinic).delete()
    admin = admin_client_for(manager, clinic)
    start = len(stripe_proxy.requests)
    answer = admin.post("/admin/payments/account/connect/")
    assert answer.status_code == 302
    account = StripeAccount.objects.get(clinic=clinic)
    assert answer["Location"] == f"https://connect.stripe.test/setup/{account.account_id}"
    # The platform's own calls, on no connected account.
    assert seen(stripe_proxy, start) == [
        ("POST", "/v1/accounts", None),
        ("POST", "/v1/account_links", None),
    ]
    link_form = stripe_proxy.requests[-1]
    assert link_form[2].get("Stripe-Account") is None
    assert account_problem(clinic).reason.startswith("Stripe's onboarding")
    with pytest.raises(Exception) as refused:
        services.checkout_start(booking=glow_held)
    assert refused.value.code == "payments_not_set_up"

    # Stripe finishes the onboarding and tells the platform (account.updated).
    stripe_proxy.accounts[account.account_id].update(
        details_submitted=True,
        charges_enabled=True,
        payouts_enabled=True,
        requirements={"currently_due": [], "disabled_reason": ""},
    )
    deliver(
        event(
            "account.updated", account.account_id, account=account.account_id, obj_type="account"
        ),
        capture=django_capture_on_commit_callbacks,
    )
    account.refresh_from_db()
    assert (account.charges_enabled, account.payouts_enabled) == (True, True)
    assert account_problem(clinic) is None
    page = admin.get("/admin/payments/account/").content.decode()
    assert "data-account-ok" in page and account.account_id in page

    # Now the clinic's payments go on its new account.
    calls = len(stripe_proxy.requests)
    assert pay(glow_held).status == PaymentStatus.SUCCEEDED
    assert {a for *_x, a in seen(stripe_proxy, calls)} == {account.account_id}


def test_the_way_back_from_stripe_reads_the_status(stripe_proxy, clinic, manager):
    StripeAccount.objects.filter(clinic=clinic).delete()
    admin = admin_client_for(manager, clinic)
    admin.post("/admin/payments/account/connect/")
    account = StripeAccount.objects.get(clinic=clinic)
    stripe_proxy.accounts[account.account_id]["requirements"]["currently_due"] = [
        "external_account"
    ]
    back = admin.get("/admin/payments/account/return/", follow=True)
    assert "external_account" in back.content.decode()
    account.refresh_from_db()
    assert account.requirements_due == ["external_account"]
    assert not account.charges_enabled


# --- a single clinic's own keys -----------------------------------------------------------


OWN_SECRET = "sk_test_ownclinickey4242"
OWN_HOOK = "whsec_ownclinic"


def test_own_keys_are_refused_unless_the_install_allows_them(clinic, settings):
    settings.STRIPE_ALLOW_OWN_KEYS = False
    StripeAccount.objects.filter(clinic=clinic).delete()
    with pytest.raises(Exception) as refused:
        accounts.own_keys_save(
            clinic=clinic,
            secret_key=OWN_SECRET,
            publishable_key="pk_test_own",
            webhook_secret=OWN_HOOK,
        )
    assert refused.value.field == "secret_key"
    assert not StripeAccount.objects.filter(clinic=clinic).exists()


@pytest.mark.parametrize(
    ("secret", "publishable", "hook", "field"),
    [
        ("nope", "pk_test_own", OWN_HOOK, "secret_key"),
        (OWN_SECRET, "", OWN_HOOK, "publishable_key"),
        (OWN_SECRET, "pk_live_own", OWN_HOOK, "publishable_key"),
        (OWN_SECRET, "pk_test_own", "", "webhook_secret"),
    ],
)
def test_bad_own_keys_are_refused_naming_the_field(
    clinic, settings, secret, publishable, hook, field
):
    settings.STRIPE_ALLOW_OWN_KEYS = True
    StripeAccount.objects.filter(clinic=clinic).delete()
    with pytest.raises(Exception) as refused:
        accounts.own_keys_save(
            clinic=clinic, secret_key=secret, publishable_key=publishable, webhook_secret=hook
        )
    assert refused.value.field == field
    assert not StripeAccount.objects.filter(clinic=clinic).exists()


def test_a_single_clinic_pays_with_its_own_keys(
    stripe_proxy, settings, clinic, glow_held, manager, django_capture_on_commit_callbacks
):
    settings.STRIPE_ALLOW_OWN_KEYS = True
    stripe_proxy.require_account = False  # own keys: no connected account
    StripeAccount.objects.filter(clinic=clinic).delete()
    admin = admin_client_for(manager, clinic)
    saved = admin.post(
        "/admin/payments/account/keys/",
        {"secret_key": OWN_SECRET, "publishable_key": "pk_test_own", "webhook_secret": OWN_HOOK},
    )
    assert saved.status_code == 302
    account = StripeAccount.objects.get(clinic=clinic)
    # Stored encrypted, shown back only as a hint.
    assert OWN_SECRET not in account.secret_key_encrypted
    assert OWN_HOOK not in account.webhook_secret_encrypted
    page = admin.get("/admin/payments/account/").content.decode()
    assert OWN_SECRET not in page and OWN_HOOK not in page
    assert "sk_test_…4242" in page
    # A blank secret keeps the one stored.
    admin.post(
        "/admin/payments/account/keys/",
        {"secret_key": "", "publishable_key": "pk_test_own2", "webhook_secret": ""},
    )
    account.refresh_from_db()
    assert account.publishable_key == "pk_test_own2"

    calls = len(stripe_proxy.requests)
    payment = paid_at_stripe_only(glow_held)
    used = stripe_proxy.requests[calls:]
    assert {h.get("Authorization") for _m, _p, h in used} == {f"Bearer {OWN_SECRET}"}
    assert {h.get("Stripe-Account") for _m, _p, h in used} == {None}

    # Its webhooks come to its own endpoint, signed with its own secret.
    payload = event("payment_intent.succeeded", payment.stripe_payment_intent_id, account="")
    url = f"/payments/stripe/webhook/{clinic.slug}"
    refused = deliver(payload, url=url, secret=SECRET)  # the platform's secret: no
    assert refused.status_code == 400 and refused.json()["code"] == "bad_signature"
    deliver(payload, url=url, secret=OWN_HOOK, capture=django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    # The platform's endpoint has no connected account to give it to.
    glow_held.refresh_from_db()
    assert glow_held.status == BookingStatus.BOOKED


def test_stripe_js_gets_the_connected_account(stripe_proxy, clinic, full_policy, emma, patient_api):
    answer = patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["publishable_key"], body["stripe_account"]) == ("pk_test_local", GLOW)


def test_the_managers_admin_home_says_why_and_how_until_fixed(clinic, manager, staff_user):
    StripeAccount.objects.filter(clinic=clinic).delete()
    home = admin_client_for(manager, clinic).get("/admin/").content.decode()
    assert "data-payments-problem" in home
    assert "No Stripe account is connected to this clinic." in home
    assert "Settings → Payments account" in home
    # Staff are not asked to fix it; a connected clinic shows nothing.
    assert (
        "data-payments-problem"
        not in admin_client_for(staff_user, clinic).get("/admin/").content.decode()
    )
    stripe_connect(clinic)
    assert (
        "data-payments-problem"
        not in admin_client_for(manager, clinic).get("/admin/").content.decode()
    )


def test_own_secrets_are_encrypted_and_a_lost_key_says_enter_them_again(clinic, settings):
    from payments import key_vault

    settings.STRIPE_ALLOW_OWN_KEYS = True
    assert key_vault.hint("rk_live_a_b_cdef1234") == "rk_live_…1234"
    assert key_vault.hint("whsec_abcd1234") == "…1234"
    StripeAccount.objects.filter(clinic=clinic).delete()
    accounts.own_keys_save(
        clinic=clinic, secret_key=OWN_SECRET, publishable_key="pk_test_own", webhook_secret=OWN_HOOK
    )
    assert account_problem(clinic) is None
    assert stripe_client(clinic).options == {"api_key": OWN_SECRET}
    settings.STRIPE_KEYS_ENCRYPTION_KEY = "another key"  # rotated without re-entering
    problem = account_problem(clinic)
    assert problem.reason == "The clinic's Stripe keys are incomplete or can no longer be read."
    with pytest.raises(Exception) as refused:
        stripe_client(clinic)
    assert refused.value.code == "payments_not_set_up"


def test_the_payment_element_is_given_the_clinics_account(settings, clinic, glow_held):
    from django.template.loader import render_to_string

    from portal_pages.payment_views import _stripe_js

    settings.STRIPE_API_BASE = "https://api.stripe.com"  # Stripe itself: no test cards
    stripe = _stripe_js("pi_1_secret_2", glow_held, clinic)
    assert (stripe["publishable_key"], stripe["stripe_account"]) == ("pk_test_local", GLOW)
    html = render_to_string(
        "payments/portal/_pay_with.html", {"stripe": stripe, "pay_label": "Pay"}
    )
    assert f'data-stripe-account="{GLOW}"' in html


def test_an_expired_link_gets_a_new_one_but_a_get_never_creates_an_account(
    stripe_proxy, clinic, manager
):
    StripeAccount.objects.filter(clinic=clinic).delete()
    admin = admin_client_for(manager, clinic)
    answer = admin.get("/admin/payments/account/connect/")
    assert answer["Location"] == "/admin/payments/account/"
    assert not StripeAccount.objects.filter(clinic=clinic).exists()
    assert not stripe_proxy.calls(prefix="/v1/accounts")
    admin.post("/admin/payments/account/connect/")
    account = StripeAccount.objects.get(clinic=clinic)
    again = admin.get("/admin/payments/account/connect/")  # Stripe's refresh_url
    assert again["Location"].endswith(account.account_id)
    assert len(stripe_proxy.calls("POST", "/v1/account_links")) == 2
    assert len(stripe_proxy.calls("POST", "/v1/accounts")) == 1
