"""A pet owner on a phone: adds a pet, flips its card from the keyboard to read the
notes, uploads a photo, reads and answers a message from the clinic."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from people.models import Pet, Photo
from records.message_services import thread_start
from records.models import Message
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.records import image_bytes
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_pet_owner_adds_a_pet_flips_its_card_uploads_a_photo_and_replies(
    live_server, other_clinic, phone, shot, axe
):
    vet = other_clinic
    features_update(clinic=vet, pets=True, selfies=True)
    user = UserFactory(email="emily@example.com", first_name="Emily")
    owner = ClientAccountFactory(clinic=vet, user=user)
    phone.goto(clinic_url(live_server, vet, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.goto(clinic_url(live_server, vet, "/pets/add/"))
    phone.get_by_label("Name").fill("Biscuit")
    phone.get_by_label("Species").select_option("dog")
    phone.get_by_label("Date of birth").fill("2019-04-12")
    phone.get_by_label("Notes for the clinic").fill("Loves cheese. Nervous of the scales.")
    phone.get_by_label("Photo", exact=True).set_input_files(
        {"name": "biscuit.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}
    )
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Biscuit was added.")).to_be_visible()
    pet = Pet.objects.get(owner=owner)
    assert pet.photo_id

    # The card's front shows the pet: its name and its photo, loaded and inside the card
    # (this check passed while the card was broken: it now asserts what a patient sees).
    front = phone.locator(f'.pet-card[data-pet="{pet.pk}"] .pet-face.front')
    expect(front.get_by_role("heading", name="Biscuit")).to_be_visible()
    expect(front.get_by_role("heading", name="Biscuit")).to_be_in_viewport()
    photo = front.get_by_role("img", name="Biscuit")
    expect(photo).to_be_visible()
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0
    card_box, photo_box = front.bounding_box(), photo.bounding_box()
    assert photo_box["width"] >= 64 and photo_box["height"] >= 64, photo_box
    assert card_box["x"] <= photo_box["x"] and (
        photo_box["x"] + photo_box["width"] <= card_box["x"] + card_box["width"] + 1
    ), (card_box, photo_box)
    # The front grows with its content: nothing scrolls or is cut off on a phone.
    assert front.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    expect(phone.get_by_text("Born", exact=False).first).to_be_in_viewport()

    # The notes are on the back: hidden until the card is flipped with the keyboard.
    notes = phone.get_by_text("Loves cheese. Nervous of the scales.")
    expect(notes).to_be_hidden()
    toggle = phone.locator(f"#flip-pet-{pet.pk}")
    toggle.focus()
    phone.keyboard.press("Space")
    expect(notes).to_be_visible()
    shot(phone, "pets-flipped")
    axe(phone)

    phone.goto(clinic_url(live_server, vet, "/photos/"))
    phone.get_by_label("Photo", exact=True).set_input_files(
        {"name": "biscuit.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}
    )
    phone.get_by_label("Who is in the photo?").select_option(str(pet.pk))
    phone.get_by_role("button", name="Upload").click()
    expect(phone.get_by_text("Your photo was uploaded.")).to_be_visible()
    photo = Photo.objects.filter(client=owner).exclude(pk=pet.photo_id).get()
    assert photo.pet_id == pet.pk
    expect(phone.locator(f'[data-photo="{photo.pk}"] img')).to_have_js_property("complete", True)
    assert phone.locator(f'[data-photo="{photo.pk}"] img').evaluate("img => img.naturalWidth") > 0
    axe(phone)

    staff = MembershipFactory(clinic=vet, role="staff").user
    thread = thread_start(
        clinic=vet, client=owner, author=staff, subject="Biscuit's results", body="All clear!"
    )
    phone.goto(clinic_url(live_server, vet, "/messages/"))
    expect(phone.locator(f'[data-thread="{thread.pk}"] .unread-badge')).to_have_text("1")
    axe(phone)
    phone.get_by_role("link", name="Biscuit's results").click()
    phone.get_by_label("Your reply").fill("Thank you!")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Your reply was sent.")).to_be_visible()
    assert Message.objects.filter(thread=thread, sender="client", body="Thank you!").exists()
    shot(phone, "messages-thread")
    axe(phone)
