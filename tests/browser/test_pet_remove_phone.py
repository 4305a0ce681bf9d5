"""A pet owner on a 390 px phone takes a pet out of their app: the card's link asks
first, "Keep" changes nothing, and after "Remove" the pet is gone from the page (the
clinic keeps no memorial page by default)."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from people.models import Pet
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_owner_removes_a_pet_from_the_app_on_a_phone(
    live_server, other_clinic, phone, shot, axe
):
    vet = other_clinic
    features_update(clinic=vet, pets=True)
    user = UserFactory(email="emily@example.com", first_name="Emily")
    owner = ClientAccountFactory(clinic=vet, user=user)
    biscuit = PetFactory(clinic=vet, owner=owner, name="Biscuit")
    PetFactory(clinic=vet, owner=owner, name="Pepper")
    phone.goto(clinic_url(live_server, vet, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.goto(clinic_url(live_server, vet, "/pets/"))
    link = phone.get_by_role("link", name="Remove Biscuit from my app")
    link.scroll_into_view_if_needed()
    expect(link).to_be_in_viewport()
    axe(phone)
    link.click()
    expect(phone.get_by_role("heading", name="Remove Biscuit from your app?")).to_be_visible()
    remove = phone.get_by_role("button", name="Remove Biscuit")
    keep = phone.get_by_role("link", name="Keep")
    expect(remove).to_be_in_viewport()
    expect(keep).to_be_in_viewport()
    # Nothing sticks out sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "pet-remove-confirm")
    axe(phone)

    keep.click()
    expect(phone.get_by_role("heading", name="My pets")).to_be_visible()
    assert Pet.objects.get(pk=biscuit.pk).active

    phone.get_by_role("link", name="Remove Biscuit from my app").click()
    phone.get_by_role("button", name="Remove Biscuit").click()
    expect(phone.get_by_text("Biscuit was removed from your app.")).to_be_visible()
    expect(phone.locator(f'[data-pet="{biscuit.pk}"]')).to_have_count(0)
    expect(phone.get_by_role("heading", name="Pepper")).to_be_visible()
    expect(phone.get_by_text("No longer with us")).to_have_count(0)
    assert not Pet.objects.get(pk=biscuit.pk).active
    axe(phone)
