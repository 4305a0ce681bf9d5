"""Paying a package in installments on the card on file (issue 16): offered from the
clinic's amount in 2–4 parts, the first charged while the patient buys (the package is
theirs at once), the rest monthly by the worker, each exactly once even when the
worker dies mid-charge; a declined installment is retried per policy, shown to staff
and to the patient, and staff can try it again on another card."""

import datetime

import pytest

from commerce.errors import CommerceError
from commerce.installments.services import (
    STALE,
    installment_retry_now,
    installments_charge_due,
    package_buy_in_installments,
)
from commerce.models import (
    Installment,
    InstallmentPlan,
    InstallmentSettings,
    InstallmentStatus,
    Package,
    PlanStatus,
    Purchase,
    PurchaseStatus,
)
from notifications.models import Notification
from payments import test_cards
from payments.customers import customer_ensure
from payments.errors import CardDeclinedError
from payments.models import SavedCard
from tests.factories.clients import ClientAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]

NOW = datetime.datetime(2026, 1, 31, 15, 0, tzinfo=datetime.UTC)  # Glow: London


def saved_card(client, name="success"):
    """A card saved on the client's Customer (as the portal's "save a card" leaves it)."""
    customer = customer_ensure(client=client)
    method = test_cards.test_card_payment_method(
        name, clinic=client.clinic, customer_id=customer.stripe_customer_id
    )
    return SavedCard.objects.create(
        clinic=client.clinic,
        client=client,
        stripe_payment_method_id=method,
        brand="visa",
        last4=test_cards.TEST_CARDS[name].number[-4:],
    )


@pytest.fixture
def offered(clinic):
    """Glow offers up to 4 installments from 50.00."""
    settings = InstallmentSettings.for_site(clinic.site)
    settings.enabled, settings.minimum_amount, settings.max_installments = True, 50, 4
    settings.save()
    return settings


def intents_charged(proxy):
    """Amounts of the off-session charges Stripe received (replays not counted twice)."""
    sent = proxy.sent("POST", "/v1/payment_intents")
    return [int(body["amount"]) for body in sent if body.get("off_session") == "true"]


def buy(clinic, patient, plan, card, count=3, now=NOW):
    return package_buy_in_installments(
        clinic=clinic, client=patient, plan_id=plan.pk, count=count, card_id=card.pk, now=now
    )


def test_three_installments_first_now_then_monthly_until_paid(
    clinic, patient, plan, offered, stripe_proxy
):
    card = saved_card(patient)
    purchase = buy(clinic, patient, plan, card)
    # The first is charged now and the package is the patient's at once.
    assert purchase.status == PurchaseStatus.SUCCEEDED
    assert purchase.amount_captured == 3334
    assert purchase.receipt_number == "GLOW-S1"  # one receipt, numbered at the first part
    package = Package.objects.get(purchase=purchase)
    assert package.client == patient
    schedule = InstallmentPlan.objects.get(purchase=purchase)
    assert [(i.number, i.amount, i.due_on, i.status) for i in schedule.installments.all()] == [
        (1, 3334, datetime.date(2026, 1, 31), InstallmentStatus.PAID),
        (2, 3333, datetime.date(2026, 2, 28), InstallmentStatus.SCHEDULED),
        (3, 3333, datetime.date(2026, 3, 31), InstallmentStatus.SCHEDULED),
    ]
    assert intents_charged(stripe_proxy) == [3334]
    charge = stripe_proxy.sent("POST", "/v1/payment_intents")[-1]
    assert charge["payment_method"] == card.stripe_payment_method_id
    assert charge["metadata[purpose]"] == "installment"

    # Not before its day in the clinic's time zone; then once, however often the worker runs.
    assert installments_charge_due(now=NOW + datetime.timedelta(days=27)) == 0
    feb_28 = datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC)
    installments_charge_due(now=feb_28)
    installments_charge_due(now=feb_28 + datetime.timedelta(hours=1))
    assert intents_charged(stripe_proxy) == [3334, 3333]
    purchase.refresh_from_db()
    assert purchase.amount_captured == 6667
    installments_charge_due(now=datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC))
    purchase.refresh_from_db()
    schedule.refresh_from_db()
    assert purchase.amount_captured == 10000 == purchase.amount
    assert purchase.receipt_number == "GLOW-S1"  # never changed by the later parts
    assert schedule.status == PlanStatus.COMPLETED
    assert intents_charged(stripe_proxy) == [3334, 3333, 3333]


@pytest.mark.parametrize(
    "change, count, field",
    [
        ("off", 3, "installments"),
        ("minimum", 3, "installments"),
        ("none", 5, "installments"),
        ("none", 1, "installments"),
        ("other_card", 3, "card"),
    ],
)
def test_refused_requests_buy_nothing_and_charge_nothing(
    clinic, patient, plan, offered, stripe_proxy, change, count, field
):
    card = saved_card(patient)
    if change == "off":
        offered.enabled = False
        offered.save()
    elif change == "minimum":
        offered.minimum_amount = 101  # the plan costs 100.00
        offered.save()
    elif change == "other_card":
        card = saved_card(ClientAccountFactory(clinic=clinic))
    clinic._installment_settings = None
    before = len(intents_charged(stripe_proxy))
    with pytest.raises(CommerceError) as refused:
        buy(clinic, patient, plan, card, count=count)
    assert refused.value.field == field
    assert not Purchase.objects.exists()
    assert not InstallmentPlan.objects.exists()
    assert len(intents_charged(stripe_proxy)) == before


def test_a_declined_first_installment_buys_nothing(clinic, patient, plan, offered):
    card = saved_card(patient, "decline")
    with pytest.raises(CardDeclinedError) as declined:
        buy(clinic, patient, plan, card)
    assert declined.value.field == "card"
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.FAILED and purchase.amount_captured == 0
    assert not Package.objects.exists()
    schedule = InstallmentPlan.objects.get()
    assert schedule.status == PlanStatus.CANCELLED
    assert set(schedule.installments.values_list("status", flat=True)) == {
        InstallmentStatus.FAILED,
        InstallmentStatus.CANCELLED,
    }
    # Nothing is charged later for it, and the patient's list does not show it.
    assert installments_charge_due(now=NOW + datetime.timedelta(days=70)) == 0
    from commerce.installments.selectors import client_installment_plans

    assert client_installment_plans(clinic, patient, include_cancelled=False) == []


def test_a_declined_installment_is_retried_then_fails_and_staff_try_another_card(
    clinic, patient, plan, offered, manager
):
    good = saved_card(patient)
    purchase = buy(clinic, patient, plan, good, count=2)
    bad = saved_card(patient, "decline")
    InstallmentPlan.objects.filter(purchase=purchase).update(card=bad)  # the card expired

    due = datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC)
    installments_charge_due(now=due)
    second = Installment.objects.get(number=2)
    assert second.status == InstallmentStatus.RETRYING
    assert second.next_attempt_at == due + datetime.timedelta(days=1)
    note = Notification.objects.get(user=patient.user, kind="installment_declined")
    assert "2 of 2" in note.title and "50.00" in note.body and "1 Mar 2026" in note.body
    # Retried after 1, 3 and 7 days, then failed for good.
    moment = due
    for days in (1, 3, 7):
        moment += datetime.timedelta(days=days)
        installments_charge_due(now=moment)
    second.refresh_from_db()
    assert second.status == InstallmentStatus.FAILED and second.attempts == 4
    assert InstallmentPlan.objects.get(purchase=purchase).status == PlanStatus.FAILED
    assert installments_charge_due(now=moment + datetime.timedelta(days=30)) == 0

    # The patient saved a new card; the desk tries again on it.
    installment_retry_now(clinic=clinic, installment_id=second.pk, actor=manager, card_id=good.pk)
    second.refresh_from_db()
    purchase.refresh_from_db()
    assert second.status == InstallmentStatus.PAID
    assert purchase.amount_captured == 10000
    assert InstallmentPlan.objects.get(purchase=purchase).status == PlanStatus.COMPLETED


def test_a_worker_that_dies_mid_charge_does_not_charge_twice(
    clinic, patient, plan, offered, stripe_proxy
):
    card = saved_card(patient)
    purchase = buy(clinic, patient, plan, card, count=2)
    due = datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC)
    # Stripe takes the charge but the answer never arrives (the worker dies with it).
    stripe_proxy.lose_answers.add("/v1/payment_intents")
    installments_charge_due(now=due)
    stripe_proxy.lose_answers.clear()
    second = Installment.objects.get(number=2)
    assert second.status == InstallmentStatus.SCHEDULED and second.charging_since == due
    # The next run finishes the same attempt with the same key: Stripe answers it again.
    installments_charge_due(now=due + STALE + datetime.timedelta(minutes=1))
    second.refresh_from_db()
    assert second.status == InstallmentStatus.PAID and second.attempts == 1
    keys = [
        headers.get("Idempotency-Key")
        for method, path, headers in stripe_proxy.calls("POST", "/v1/payment_intents")
        if headers.get("Idempotency-Key", "").startswith(f"installment-{second.pk}-")
    ]
    assert len(keys) >= 2 and set(keys) == {f"installment-{second.pk}-attempt-1"}
    purchase.refresh_from_db()
    assert purchase.amount_captured == 10000
    at_stripe = [
        intent
        for intent in stripe_at(clinic).PaymentIntent.list(limit=100).data
        if intent.metadata.to_dict().get("installment_id") == str(second.pk)
    ]
    assert len(at_stripe) == 1 and at_stripe[0].status == "succeeded"


def stripe_at(clinic):
    from payments.stripe_api import stripe_client

    return stripe_client(clinic)


def test_the_apps_see_the_options_and_buy_in_installments(
    clinic, patient, patient_api, plan, offered
):
    card = saved_card(patient)
    listed = patient_api.get("/api/v1/packages/plans").json()["results"][0]
    assert listed["installment_options"] == [
        {"count": 2, "first": 5000, "then": 5000},
        {"count": 3, "first": 3334, "then": 3333},
        {"count": 4, "first": 2500, "then": 2500},
    ]
    url = f"/api/v1/packages/plans/{plan.pk}/buy-in-installments"
    refused = patient_api.post(url, {"installments": 6, "card": card.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "installments_invalid"
    assert refused.json()["field"] == "installments"
    assert not Purchase.objects.exists()

    bought = patient_api.post(url, {"installments": 3, "card": card.pk}, format="json")
    assert bought.status_code == 201, bought.content
    body = bought.json()
    assert body["status"] == "succeeded" and body["amount_captured"] == 3334
    assert [(i["number"], i["amount_display"], i["status"]) for i in body["installments"]] == [
        (1, "£33.34", "paid"),
        (2, "£33.33", "scheduled"),
        (3, "£33.33", "scheduled"),
    ]
    mine = patient_api.get("/api/v1/purchases").json()["results"]
    assert [len(p["installments"]) for p in mine] == [3]


def test_the_portal_offers_installments_and_lists_them(clinic, patient, signed_in, plan, offered):
    html = signed_in.get("/packages/").content.decode()
    assert "save a card" in html  # no saved card yet: offered once one is saved
    assert 'href="/account/cards/add/?next=/packages/"' in html  # and back here after
    card = saved_card(patient)
    html = signed_in.get("/packages/").content.decode()
    assert "3 installments: £33.34 today, then £33.33 a month" in html
    response = signed_in.post(
        f"/packages/{plan.pk}/installments/", {"installments": "3", "card": str(card.pk)}
    )
    assert response.status_code == 302
    html = signed_in.get("/packages/").content.decode()
    assert "the first installment of £33.34 went through" in html
    assert "data-installment-plans" in html and "Being paid" in html
    assert "Charged to Visa •••• 4242." in html  # the brand as people write it


def test_the_desk_sees_a_declined_installment_and_tries_again(
    clinic, patient, plan, offered, staff_user
):
    from django.test import Client

    good = saved_card(patient)
    purchase = buy(clinic, patient, plan, good, count=2)
    InstallmentPlan.objects.filter(purchase=purchase).update(card=saved_card(patient, "decline"))
    installments_charge_due(now=datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC))
    desk = Client(HTTP_HOST=clinic.site.hostname)
    desk.force_login(staff_user)
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=packages").content.decode()
    assert "data-installment-plan" in html and "Declined, will be retried" in html
    assert "Try again now" in html
    second = Installment.objects.get(number=2)
    # Through another client's page the installment is not found.
    other = ClientAccountFactory(clinic=clinic)
    response = desk.post(f"/admin/shop/clients/{other.pk}/retry/", {"installment": second.pk})
    assert response.status_code == 404
    second.refresh_from_db()
    assert second.status == InstallmentStatus.RETRYING and second.attempts == 1
    # Tried again on the plan's card: declined again, shown, audited.
    desk.post(f"/admin/shop/clients/{patient.pk}/retry/", {"installment": second.pk})
    second.refresh_from_db()
    assert second.attempts == 2 and second.status == InstallmentStatus.RETRYING
    from people.models import AuditEntry

    assert AuditEntry.objects.filter(
        client=patient, actor=staff_user, summary__contains="Tried installment 2"
    ).exists()


def test_a_manager_turns_installments_on_in_settings(clinic, manager):
    from django.test import Client

    browser = Client(HTTP_HOST=clinic.site.hostname)
    browser.force_login(manager)
    url = f"/admin/settings/commerce/installmentsettings/{clinic.site_id}/"
    page = browser.get(url)
    assert page.status_code == 200, page.status_code
    browser.post(url, {"enabled": "on", "minimum_amount": "150", "max_installments": "4"})
    settings = InstallmentSettings.for_site(clinic.site)
    assert (settings.enabled, settings.minimum_amount, settings.max_installments) == (True, 150, 4)


def test_the_plan_list_costs_no_query_per_plan(
    clinic, patient_api, plan, offered, service, django_assert_max_num_queries
):
    from tests.factories.commerce import PackagePlanFactory

    for n in range(5):
        PackagePlanFactory(clinic=clinic, name=f"Course {n}", price=20000, services=[service])
    patient_api.get("/api/v1/packages/plans")  # warm the session and the site
    with django_assert_max_num_queries(12):
        answer = patient_api.get("/api/v1/packages/plans")
    assert len(answer.json()["results"]) == 6
    assert all(p["installment_options"] for p in answer.json()["results"])


def test_managers_of_a_clinic_made_before_installments_get_the_setting_at_the_next_migrate(
    clinic, manager
):
    """A clinic whose groups were made before installments existed: its managers were
    refused the Installments setting until a new membership re-ensured the groups."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import GroupSitePermission

    change = Permission.objects.get(
        content_type__app_label="commerce", codename="change_installmentsettings"
    )
    GroupSitePermission.objects.filter(site=clinic.site, permission=change).delete()
    browser = Client(HTTP_HOST=clinic.site.hostname)
    browser.force_login(manager)
    url = f"/admin/settings/commerce/installmentsettings/{clinic.site_id}/"
    assert browser.get(url).status_code in (302, 403)

    call_command("migrate", verbosity=0)

    assert browser.get(url).status_code == 200
