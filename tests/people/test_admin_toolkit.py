"""The admin toolkit's promises across apps: every clinic-owned model viewset is a
``ClinicModelViewSet`` whose permission policy comes from the clinic role."""

import pytest
from django.test import Client
from wagtail.admin.viewsets import viewsets
from wagtail.permissions import policy_registry

from people.admin_toolkit.policies import ClinicRolePermissionPolicy
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS
from tests.factories.clients import MembershipFactory

pytestmark = pytest.mark.django_db


def clinic_viewsets(clinic, manager):
    signed_in = Client(HTTP_HOST=clinic.site.hostname)
    signed_in.force_login(manager)
    signed_in.get("/admin/")  # the admin's URLs, and so its viewsets, are loaded
    return [
        viewset
        for viewset in viewsets.viewsets
        if isinstance(getattr(viewset, "model", None), type)
        and any(f.name == "clinic" and f.concrete for f in viewset.model._meta.get_fields())
    ]


def test_every_clinic_model_viewset_is_scoped_by_role(clinic, manager):
    found = clinic_viewsets(clinic, manager)
    assert {v.name for v in found} >= {
        "clinic_locations",
        "booking_categories",
        "booking_services",
        "booking_staff",
        "loyalty_rewards",
        "loyalty_tiers",
        "loyalty_games",
    }
    for viewset in found:
        assert isinstance(viewset, ClinicModelViewSet), viewset.name
        policy = policy_registry.get_by_type(viewset.model)
        assert isinstance(policy, ClinicRolePermissionPolicy), viewset.name
        assert viewset.permission_policy is policy


def test_the_role_policy_lets_view_roles_list_and_only_roles_change(clinic, other_clinic):
    from booking_api.models import Service

    policy = ClinicRolePermissionPolicy(Service, roles=MANAGERS, view_roles=FRONT_DESK)
    desk = MembershipFactory(clinic=clinic, role="staff").user
    boss = MembershipFactory(clinic=clinic, role="manager").user
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    elsewhere = MembershipFactory(clinic=other_clinic, role="manager").user

    assert policy.user_has_permission(desk, "view")
    assert not policy.user_has_permission(desk, "change")
    assert policy.user_has_permission(boss, "change")
    assert not policy.user_has_permission(therapist, "view")
    assert set(policy.users_with_any_permission(["change"])) == {boss, elsewhere}
    service_here = Service(clinic=clinic)
    assert not policy.user_has_permission_for_instance(elsewhere, "change", service_here)
    assert policy.user_has_permission_for_instance(boss, "delete", service_here)
