"""What every admin page pays before its own work, in queries (issue 12, "Speed"): the
person's membership at the domain's clinic brings their role and their Wagtail profile
in one query, and their model permissions (own and through groups) are read in one
query instead of Django's two — with the same answers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.users.models import UserProfile

from people.admin_toolkit.workspace import request_admin_clinic, request_admin_role
from people.selectors import admin_clinic_and_role_for_user, user_permission_names
from tests.factories.clients import MembershipFactory
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db

CLIENTS = "/admin/clinic/clients/"


def admin_queries(user, clinic, url=CLIENTS):
    desk = admin_client_for(user, clinic)
    desk.get(url)  # warm the per-process caches (content types, settings)
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries]


def reading(table, sqls):
    return [sql for sql in sqls if f'FROM "{table}"' in sql or f'JOIN "{table}"' in sql]


def test_the_membership_role_and_profile_come_in_one_query(clinic, staff_user):
    UserProfile.objects.create(user=staff_user, preferred_language="bg")
    sqls = admin_queries(staff_user, clinic)
    assert len(reading("clients_clinicmembership", sqls)) == 1, reading(
        "clients_clinicmembership", sqls
    )
    assert not [sql for sql in sqls if sql.startswith('SELECT "wagtailusers_userprofile"')]


def test_the_profile_read_with_the_membership_is_the_persons(clinic, staff_user, rf):
    UserProfile.objects.create(user=staff_user, preferred_language="bg")
    user = type(staff_user).objects.get(pk=staff_user.pk)
    clinic_found, role = admin_clinic_and_role_for_user(user, host_clinic=clinic)
    assert (clinic_found, role) == (clinic, "staff")
    with CaptureQueriesContext(connection) as queries:
        assert user.wagtail_userprofile.preferred_language == "bg"
    assert len(queries) == 0


def test_a_person_without_a_profile_reads_as_none_without_a_query(clinic, staff_user):
    user = type(staff_user).objects.get(pk=staff_user.pk)
    admin_clinic_and_role_for_user(user, host_clinic=clinic)
    with CaptureQueriesContext(connection) as queries:
        assert not hasattr(user, "wagtail_userprofile")
    assert len(queries) == 0


def test_the_role_found_with_the_clinic_is_not_asked_again(clinic, staff_user, rf):
    request = rf.get(CLIENTS)
    request.user, request.clinic, request.session = staff_user, clinic, {}
    with CaptureQueriesContext(connection) as queries:
        assert request_admin_clinic(request) == clinic
        assert request_admin_role(request) == "staff"
    assert len(queries) == 1


def test_no_membership_at_the_domain_falls_back_to_the_first_one(
    clinic, other_clinic, staff_user, rf
):
    assert admin_clinic_and_role_for_user(staff_user, host_clinic=other_clinic) == (clinic, None)
    request = rf.get(CLIENTS)
    request.user, request.clinic, request.session = staff_user, other_clinic, {}
    assert request_admin_clinic(request) == clinic
    assert request_admin_role(request) == "staff"


def test_an_inactive_person_has_no_admin_clinic(clinic, staff_user):
    staff_user.is_active = False
    staff_user.save()
    assert admin_clinic_and_role_for_user(staff_user, host_clinic=clinic) == (None, None)


@pytest.fixture
def permitted(clinic):
    """A staff member with one permission of their own and one through a group."""
    user = MembershipFactory(clinic=clinic, role="staff").user
    user.user_permissions.add(Permission.objects.get(codename="view_clinic"))
    group = Group.objects.create(name="Bench desk")
    group.permissions.add(Permission.objects.get(codename="change_clinic"))
    user.groups.add(group)
    return user


def test_permissions_are_read_in_one_query_with_djangos_answers(clinic, permitted):
    fresh = type(permitted).objects.get(pk=permitted.pk)  # Django's own reads
    direct, grouped = user_permission_names(permitted)
    assert direct == fresh.get_user_permissions() == {"branding.view_clinic"}
    assert grouped == fresh.get_group_permissions()
    assert "branding.change_clinic" in grouped
    sqls = admin_queries(permitted, clinic)
    # Django's backend reads "app_label.codename" pairs (Wagtail's policies read theirs)
    model_permissions = [sql for sql in sqls if '"content_type__app_label"' in sql]
    assert len(model_permissions) == 1, model_permissions


def test_the_admin_answers_permissions_as_before(clinic, permitted, rf):
    from people.middleware import AdminPermissionsMiddleware

    expected = type(permitted).objects.get(pk=permitted.pk).get_all_permissions()
    request = rf.get(CLIENTS)
    request.user = type(permitted).objects.get(pk=permitted.pk)
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            seen["perms"] = (
                request.user.has_perm("branding.view_clinic"),
                request.user.has_perm("branding.change_clinic"),
                request.user.has_perm("branding.delete_clinic"),
                request.user.get_all_permissions(),
            )
        seen["queries"] = len(queries)

    AdminPermissionsMiddleware(view)(request)
    assert seen["perms"] == (True, True, False, expected)
    assert seen["queries"] == 0
