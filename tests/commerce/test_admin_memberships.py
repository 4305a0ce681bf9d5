"""Memberships in the staff admin: a manager defines a plan (the clinic's own services
and consent forms only); the client account's Memberships tab shows status, next renewal
and credits; the desk cancels at period end (audited, Stripe told); another client's
membership is 404; therapists see no tab."""

import pytest
from django.test import Client

from commerce.models import MembershipPlan
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory
from tests.factories.forms import FormTemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


@pytest.fixture
def desk(staff_user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(staff_user)
    return client


def test_a_manager_defines_a_membership_plan(
    clinic, manager_admin, service, memberships_on, agreement, other_clinic
):
    ServiceFactory(clinic=other_clinic, key="theirs", name="Theirs")
    FormTemplateFactory(clinic=other_clinic, title="Their agreement")
    form = manager_admin.get("/admin/shop/memberships/new/").content.decode()
    assert "Theirs" not in form and "Their agreement" not in form
    fields = {
        "name": "Glow club",
        "description": "",
        "interval": "month",
        "price": "30.00",
        "discount_percent": "10",
        "credits_per_period": "1",
        "credit_services": [service.pk],
        "rollover_cap": "0",
        "booking_window_days": "0",
        "agreement": agreement.pk,
        "patients_may_cancel": "on",
        "active": "on",
        "position": "0",
    }
    response = manager_admin.post("/admin/shop/memberships/new/", fields)
    assert response.status_code == 302, response.context["form"].errors
    plan = MembershipPlan.objects.get()
    assert (plan.clinic, plan.price, plan.discount_percent) == (clinic, 3000, 10)
    assert list(plan.credit_services.all()) == [service]
    nothing = {**fields, "name": "Empty", "discount_percent": "0", "credits_per_period": "0"}
    refused = manager_admin.post("/admin/shop/memberships/new/", nothing)
    assert refused.status_code == 200
    assert MembershipPlan.objects.count() == 1


def test_the_tab_shows_the_membership_and_the_desk_cancels_it(desk, clinic, patient, member):
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=memberships").content.decode()
    assert "data-memberships-tab" in html and 'data-account-tab="memberships"' in html
    assert "Glow club" in html and "1 credit left" in html and "renews on" in html
    answer = desk.post(f"/admin/shop/clients/{patient.pk}/memberships/{member.pk}/cancel/")
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.cancel_at_period_end is True
    assert AuditEntry.objects.filter(summary__contains="Cancelled membership Glow club").exists()
    html = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=memberships").content.decode()
    assert "ends on" in html


def test_another_clients_membership_is_not_found(desk, clinic, member):
    from tests.factories.clients import ClientAccountFactory

    stranger = ClientAccountFactory(clinic=clinic)
    answer = desk.post(f"/admin/shop/clients/{stranger.pk}/memberships/{member.pk}/cancel/")
    assert answer.status_code == 404
    member.refresh_from_db()
    assert member.cancel_at_period_end is False


def test_therapists_see_no_memberships_tab_and_cannot_cancel(
    clinic, patient, member, therapist_user
):
    therapist = Client(HTTP_HOST=clinic.site.hostname)
    therapist.force_login(therapist_user)
    html = therapist.get(f"/admin/clinic/clients/{patient.pk}/").content.decode()
    assert 'data-account-tab="memberships"' not in html
    therapist.post(f"/admin/shop/clients/{patient.pk}/memberships/{member.pk}/cancel/")
    member.refresh_from_db()
    assert member.cancel_at_period_end is False


def _credits_url(patient, member):
    return f"/admin/shop/clients/{patient.pk}/memberships/{member.pk}/credits/"


def test_a_manager_adds_credits_the_desk_takes_them_with_a_reason_never_below_zero(
    desk, manager_admin, clinic, patient, member, staff_user, manager
):
    from commerce.memberships.selectors import membership_balance

    tab = f"/admin/clinic/clients/{patient.pk}/?tab=memberships"
    assert "Change credits" in desk.get(tab).content.decode()

    # Adding credits gives visits away: the manager's (as a package's sessions).
    answer = desk.post(
        _credits_url(patient, member), {"amount": "2", "reason": "Goodwill"}, follow=True
    )
    assert "Only a manager can add sessions or credits" in answer.content.decode()
    assert membership_balance(member) == 1
    manager_admin.post(
        _credits_url(patient, member), {"amount": "3", "reason": "Goodwill: late start"}
    )
    desk.post(_credits_url(patient, member), {"amount": "-1", "reason": "Used at the desk"})
    assert membership_balance(member) == 3
    assert AuditEntry.objects.filter(
        actor=manager, summary="Membership Glow club: credits +3 (Goodwill: late start)"
    ).exists()
    assert AuditEntry.objects.filter(actor=staff_user, summary__contains="credits -1").exists()
    html = desk.get(tab).content.decode()
    assert "3 credits left" in html and "Adjusted: Goodwill: late start" in html

    entries = member.entries.count()
    for bad in ({"amount": "-4", "reason": "too many"}, {"amount": "1", "reason": " "}):
        answer = desk.post(_credits_url(patient, member), bad, follow=True)
        assert "Credits changed." not in answer.content.decode()
    assert membership_balance(member) == 3 and member.entries.count() == entries


def test_another_clinics_desk_and_therapists_cannot_change_credits(
    clinic, other_clinic, patient, member, therapist_user
):
    from commerce.memberships.selectors import membership_balance
    from tests.factories.clients import MembershipFactory

    therapist = Client(HTTP_HOST=clinic.site.hostname)
    therapist.force_login(therapist_user)
    therapist.post(_credits_url(patient, member), {"amount": "5", "reason": "x"})
    elsewhere = Client(HTTP_HOST=other_clinic.site.hostname)
    elsewhere.force_login(MembershipFactory(clinic=other_clinic, role="manager").user)
    answer = elsewhere.post(_credits_url(patient, member), {"amount": "5", "reason": "x"})
    assert answer.status_code == 404
    assert membership_balance(member) == 1
