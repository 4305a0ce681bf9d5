"""The admin home shows a clinic's managers what is left to set up (branding, services,
staff, policies, online payments, the home page's cards): each step links to where it is
fixed and ticks itself once done; the checklist goes away when all are. Front desk sees
its day instead."""

import re

import pytest
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from branding.models import PaymentMode
from branding.selectors import clinic_policy
from branding.services import branding_update
from portal_pages.models import PolicyPage
from portal_pages.services import dashboard_cards_seed, policy_page_seed
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db

HOME = "/admin/"
STEPS = ["branding", "services", "staff", "policies", "payments", "cards"]


def _steps(response):
    """The checklist's steps as shown: key → done (None when there is no checklist)."""
    html = response.content.decode()
    if "data-setup-checklist" not in html:
        return None
    return {
        m.group(1): bool(m.group(2))
        for m in re.finditer(r'data-setup-step="(\w+)"( data-done)?', html)
    }


@pytest.fixture
def new_clinic(clinic):
    """A clinic as 'New clinic' leaves it: starter cards and policy page, nothing else."""
    dashboard_cards_seed(clinic=clinic)
    policy_page_seed(clinic=clinic)
    return clinic


def test_a_new_clinics_manager_sees_every_step_with_a_link_to_fix_it(new_clinic, manager):
    response = admin_client_for(manager, new_clinic).get(HOME)

    steps = _steps(response)
    assert list(steps) == STEPS
    assert [key for key, done in steps.items() if not done] == [
        "branding",
        "services",
        "staff",
        "policies",
        "cards",
    ]
    html = response.content.decode()
    for url_name in ("booking_services:index", "booking_staff:index"):
        assert f'href="{reverse(url_name)}"' in html
    assert "/admin/settings/branding/brandingsettings/" in html
    assert html.index("data-setup-checklist") < html.index("data-today")


def test_each_step_ticks_itself_and_the_checklist_goes_once_all_are_done(new_clinic, manager):
    admin = admin_client_for(manager, new_clinic)
    branding_update(
        clinic=new_clinic,
        logo=Image.objects.create(title="Logo", file=get_test_image_file()),
    )
    service = ServiceFactory(clinic=new_clinic)
    assert _steps(admin.get(HOME))["branding"] and _steps(admin.get(HOME))["services"]
    assert not _steps(admin.get(HOME))["staff"]

    StaffFactory(clinic=new_clinic, services=[service])
    assert _steps(admin.get(HOME))["staff"]

    home = new_clinic.site.root_page.specific
    policy = PolicyPage.objects.child_of(home).get()
    policy.save_revision(user=manager).publish()
    assert _steps(admin.get(HOME))["policies"]
    assert not _steps(admin.get(HOME))["cards"]

    home.save_revision(user=manager).publish()

    response = admin.get(HOME)
    assert response.status_code == 200
    assert _steps(response) is None


def test_a_clinic_without_online_payment_has_nothing_to_connect(new_clinic, manager, settings):
    settings.STRIPE_SECRET_KEY = ""
    admin = admin_client_for(manager, new_clinic)
    policy = clinic_policy(new_clinic)
    policy.payment_mode = PaymentMode.FULL
    policy.save()
    assert _steps(admin.get(HOME))["payments"] is False

    policy.payment_mode = PaymentMode.NONE
    policy.save()
    assert _steps(admin.get(HOME))["payments"] is True


def test_front_desk_sees_its_day_not_the_checklist(new_clinic, staff_user):
    response = admin_client_for(staff_user, new_clinic).get(HOME)

    assert response.status_code == 200
    assert _steps(response) is None
    assert "data-today" in response.content.decode()
