import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories.branding import ClinicFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Glow Aesthetics", slug="glow", domain="glow.localhost")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(
        name="Riverside Vets",
        slug="riverside",
        domain="riverside.localhost",
        timezone="America/New_York",
        currency="USD",
    )


def host_client(clinic, cls=Client):
    """A test client whose requests arrive at the clinic's own domain."""
    return cls(HTTP_HOST=clinic.site.hostname)


@pytest.fixture
def portal(clinic):
    return host_client(clinic)


@pytest.fixture
def api(clinic):
    return host_client(clinic, APIClient)


@pytest.fixture
def patient(clinic):
    return ClientAccountFactory(clinic=clinic)


@pytest.fixture
def manager(clinic):
    return MembershipFactory(clinic=clinic, role="manager").user


@pytest.fixture
def staff_user(clinic):
    return MembershipFactory(clinic=clinic, role="staff").user


@pytest.fixture
def user(db):
    return UserFactory()
