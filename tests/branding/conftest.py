import pytest
from django.test import Client

from tests.factories.clients import MembershipFactory, UserFactory


def admin_client_for(user, clinic=None):
    """A test client signed in as ``user``, opening the admin on ``clinic``'s domain
    (or on the bare platform host)."""
    client = Client(HTTP_HOST=clinic.site.hostname) if clinic else Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_manager(other_clinic):
    return MembershipFactory(clinic=other_clinic, role="manager").user


@pytest.fixture
def therapist(clinic):
    return MembershipFactory(clinic=clinic, role="therapist").user


@pytest.fixture
def superuser(db):
    user = UserFactory(email="root@example.com")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


@pytest.fixture
def manager_admin(manager, clinic):
    return admin_client_for(manager, clinic)
