"""A new clinic's domain is accepted without editing ALLOWED_HOSTS or restarting: the
hosts are the configured ones plus the clinics' sites (``branding.hosts.ClinicHosts``,
what production uses), read once and cached, dropped when a site changes."""

import pytest
from django.test import Client

from branding.hosts import ClinicHosts, clinic_hostnames_forget
from branding.services import clinic_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_hosts(settings):
    clinic_hostnames_forget()
    settings.ALLOWED_HOSTS = ClinicHosts(["platform.example.com"])
    yield
    clinic_hostnames_forget()


def status(host, path="/healthz"):
    return Client(HTTP_HOST=host).get(path).status_code


def test_a_clinics_domain_and_the_platforms_are_accepted_others_refused(clinic, clinic_hosts):
    assert status(clinic.site.hostname, "/") == 200
    assert status("platform.example.com") == 200
    assert status("evil.example.net") == 400


def test_a_new_clinic_is_accepted_at_once(clinic, clinic_hosts):
    assert status("new-clinic.example.org") == 400
    clinic_upsert(
        slug="newclinic", name="New Clinic", domain="new-clinic.example.org", admin_groups=False
    )
    assert status("new-clinic.example.org", "/") == 200


def test_a_moved_clinic_is_refused_on_its_old_domain(clinic, clinic_hosts):
    old = clinic.site.hostname
    assert status(old, "/") == 200
    clinic_upsert(slug=clinic.slug, name=clinic.name, domain="moved.example.org")
    assert status(old) == 400
    assert status("moved.example.org", "/") == 200


def test_the_hosts_are_read_once_not_per_request(clinic, clinic_hosts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert status(clinic.site.hostname, "/healthz") == 200
    with CaptureQueriesContext(connection) as second:
        assert status(clinic.site.hostname, "/healthz") == 200
    # /healthz looks up no clinic: the hosts query is the only one naming the clinics.
    assert sum("branding_clinic" in q["sql"] for q in first.captured_queries) == 1
    assert sum("branding_clinic" in q["sql"] for q in second.captured_queries) == 0
