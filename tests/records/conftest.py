import pytest

from branding.services import features_update
from tests.conftest import host_client
from tests.factories.clients import ClientAccountFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture
def vet(other_clinic):
    """Riverside Vets with pets and photos switched on."""
    features_update(clinic=other_clinic, pets=True, selfies=True)
    return other_clinic


@pytest.fixture
def glow_on(clinic):
    """Glow, the other clinic, also with pets and photos on (so only tenancy stops
    access, not a switched-off feature)."""
    features_update(clinic=clinic, pets=True, selfies=True)
    return clinic


@pytest.fixture
def owner(vet):
    return ClientAccountFactory(clinic=vet)


@pytest.fixture
def vet_portal(vet, owner):
    client = host_client(vet)
    client.force_login(owner.user)
    return client


@pytest.fixture
def vet_staff(vet):
    return MembershipFactory(clinic=vet, role="staff").user


@pytest.fixture
def vet_admin(vet, vet_staff):
    client = host_client(vet)
    client.force_login(vet_staff)
    return client
