"""Account → Cards → "Add a card" against localstripe: a test card saves a card on the
client's Customer and lists it, back where the patient came from (?next=, same-site
paths only); a declined card shows an error box naming it and saves nothing."""

import pytest

from payments.models import SavedCard
from portal_pages.card_views import safe_next

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


def test_a_patient_adds_a_test_card_and_returns_to_the_packages(signed_in, patient):
    cards = signed_in.get("/account/cards/").content.decode()
    assert 'href="/account/cards/add/"' in cards and "Add a card" in cards
    page = signed_in.get("/account/cards/add/?next=/packages/").content.decode()
    assert "4242 4242 4242 4242" in page and "Nothing is charged now" in page

    saved = signed_in.post("/account/cards/add/?next=/packages/", {"card": "success"})
    assert saved.status_code == 302 and saved["Location"] == "/packages/"
    card = SavedCard.objects.get()
    assert (card.client, card.last4) == (patient, "4242")
    assert "•••• 4242" in signed_in.get("/account/cards/").content.decode()


def test_a_declined_card_names_the_card_and_saves_nothing(signed_in):
    declined = signed_in.post("/account/cards/add/", {"card": "decline_generic"})
    page = declined.content.decode()
    assert declined.status_code == 402 and "Card not saved" in page
    assert "ending 0002 was declined" in page
    assert not SavedCard.objects.exists()


def test_next_elsewhere_is_ignored_and_unknown_cards_are_404(signed_in):
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert safe_next(bad) == ""
    saved = signed_in.post("/account/cards/add/?next=https://evil.example/", {"card": "success"})
    assert saved["Location"] == "/account/cards/"
    assert signed_in.post("/account/cards/add/", {"card": "pm_card_visa"}).status_code == 404
    assert SavedCard.objects.count() == 1


def test_a_card_asking_for_3d_secure_is_saved_after_the_bank_step_and_only_by_its_owner(
    signed_in, patient, clinic
):
    """The 3-D Secure test card shows the bank's test step (not "Card not saved");
    another patient completing that step is a 404 and saves nothing; the owner
    completing it saves the card."""
    import re

    from tests.factories.clients import ClientAccountFactory
    from tests.fixtures.clinics import host_client

    asked = signed_in.post("/account/cards/add/?next=/packages/", {"card": "authentication"})
    page = asked.content.decode()
    assert "Complete authentication" in page and "Your bank asks you to confirm" in page
    setup_intent = re.search(r'name="setup_intent" value="(seti_\w+)"', page).group(1)
    assert not SavedCard.objects.exists()

    other = host_client(clinic)
    other.force_login(ClientAccountFactory(clinic=clinic).user)
    step = {"authenticate": "complete", "setup_intent": setup_intent, "next": "/packages/"}
    assert other.post("/account/cards/add/", step).status_code == 404
    assert not SavedCard.objects.exists()

    done = signed_in.post("/account/cards/add/", step)
    assert done.status_code == 302 and done["Location"] == "/packages/"
    assert (SavedCard.objects.get().client, SavedCard.objects.get().last4) == (patient, "3155")
