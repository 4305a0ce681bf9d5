"""Packages in the staff admin: managers define them in Shop → Packages (the clinic's
own services only, another clinic's package 404); the client's Packages tab shows each
package's sessions and history and the purchases; the desk sells a package, changes
sessions with a reason and refunds at most what was paid — each audited, nothing
written when refused; therapists see no tab; another clinic's client is 404."""

import pytest
from django.test import Client

from commerce.models import Package, PackageEntry, PackagePlan, PurchaseRefund
from commerce.packages.selectors import package_balance
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory
from tests.factories.clients import ClientAccountFactory
from tests.factories.commerce import PackagePlanFactory

pytestmark = pytest.mark.django_db


def browser(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


@pytest.fixture
def desk(staff_user, clinic):
    return browser(staff_user, clinic)


def action(account, name):
    return f"/admin/shop/clients/{account.pk}/{name}/"


def test_a_manager_defines_a_package_with_the_clinics_services(
    clinic, manager_admin, service, packages_on, other_clinic
):
    theirs = ServiceFactory(clinic=other_clinic, key="theirs", name="Theirs")
    form = manager_admin.get("/admin/shop/packages/new/")
    assert form.status_code == 200 and "Theirs" not in form.content.decode()
    response = manager_admin.post(
        "/admin/shop/packages/new/",
        {
            "name": "Six lasers",
            "description": "",
            "services": [service.pk],
            "sessions": "6",
            "price": "300.00",
            "validity_days": "365",
            "position": "0",
            "no_show_uses_session": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    plan = PackagePlan.objects.get()
    assert (plan.clinic, plan.price, list(plan.services.all())) == (clinic, 30000, [service])
    refused = manager_admin.post(
        "/admin/shop/packages/new/",
        {
            "name": "Bad",
            "services": [theirs.pk],
            "sessions": "0",
            "price": "1",
            "validity_days": "1",
        },
    )
    assert refused.status_code == 200 and PackagePlan.objects.count() == 1
    theirs_plan = PackagePlanFactory(clinic=other_clinic)
    assert manager_admin.get(f"/admin/shop/packages/edit/{theirs_plan.pk}/").status_code == 404


def test_the_tab_shows_packages_and_the_desk_sells_one(desk, clinic, patient, plan, staff_user):
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=packages").content.decode()
    assert 'data-account-tab="packages"' in html and "No packages." in html
    # Found by a receptionist: selling recorded "Paid at the desk" without saying how
    # the money was taken. Staff choose; without a choice nothing is sold.
    answer = desk.post(action(patient, "sell"), {"plan": plan.pk}, follow=True)
    assert "Paid by: This field is required." in answer.content.decode()
    assert not Package.objects.exists()
    desk.post(action(patient, "sell"), {"plan": plan.pk, "method": "terminal"})
    package = Package.objects.get(client=patient)
    assert package_balance(package) == 3
    assert package.purchase.desk_method == "terminal"
    assert AuditEntry.objects.filter(
        client=patient, actor=staff_user, summary__contains="paid by external card terminal"
    ).exists()
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=packages").content.decode()
    assert "3 sessions left" in html
    assert f"Paid at the desk (External card terminal, {staff_user.get_full_name()})" in html
    assert "Bought: Bought" not in html  # the kind is not repeated as its reason


def test_changing_sessions_needs_a_reason_and_is_audited(desk, patient, bought, staff_user):
    desk.post(action(patient, "adjust"), {"package": bought.pk, "amount": "-1", "reason": ""})
    assert package_balance(bought) == 3
    desk.post(action(patient, "adjust"), {"package": bought.pk, "amount": "-9", "reason": "x"})
    assert package_balance(bought) == 3
    desk.post(
        action(patient, "adjust"), {"package": bought.pk, "amount": "-1", "reason": "goodwill"}
    )
    assert package_balance(bought) == 2
    assert AuditEntry.objects.filter(actor=staff_user, summary__contains="goodwill").exists()


def test_refunds_are_capped_and_audited(desk, clinic, patient, bought, staff_user):
    purchase = bought.purchase
    desk.post(
        action(patient, "refund"), {"purchase": purchase.pk, "amount": "100.01", "reason": "x"}
    )
    assert not PurchaseRefund.objects.exists()
    desk.post(
        action(patient, "refund"), {"purchase": purchase.pk, "amount": "40", "reason": "moved"}
    )
    assert list(PurchaseRefund.objects.values_list("amount", flat=True)) == [4000]
    assert AuditEntry.objects.filter(actor=staff_user, summary__contains="Refunded").exists()


def test_another_clinics_client_and_the_therapist_get_nothing(
    clinic, other_clinic, therapist_user, desk, bought, patient
):
    stranger = ClientAccountFactory(clinic=other_clinic)
    assert (
        desk.post(
            action(stranger, "adjust"), {"package": bought.pk, "amount": "1", "reason": "x"}
        ).status_code
        == 404
    )
    before = PackageEntry.objects.count()
    other = ClientAccountFactory(clinic=clinic)
    desk.post(action(other, "adjust"), {"package": bought.pk, "amount": "1", "reason": "x"})
    assert PackageEntry.objects.count() == before  # not that client's package
    therapist = browser(therapist_user, clinic)
    refused = therapist.post(action(patient, "sell"), {"plan": bought.plan_id})
    assert refused.status_code in (302, 403) and Package.objects.count() == 1  # Wagtail's refusal
    html = therapist.get(f"/admin/clinic/clients/{patient.pk}/").content.decode()
    assert 'data-account-tab="packages"' not in html


def test_only_a_manager_adds_sessions_and_the_desk_takes_them_off(
    desk, manager_admin, patient, bought, staff_user
):
    """Found by a receptionist: the front desk could add sessions without a manager."""
    answer = desk.post(
        action(patient, "adjust"),
        {"package": bought.pk, "amount": "2", "reason": "goodwill"},
        follow=True,
    )
    assert "Only a manager can add sessions or credits" in answer.content.decode()
    assert package_balance(bought) == 3
    assert not AuditEntry.objects.filter(actor=staff_user, summary__contains="sessions").exists()
    manager_admin.post(
        action(patient, "adjust"), {"package": bought.pk, "amount": "2", "reason": "goodwill"}
    )
    assert package_balance(bought) == 5
