"""A patient completes and signs a consent form: once drawing the signature with a
pointer, once from the keyboard alone (the typed name is then the signature)."""

import pytest
from playwright.sync_api import expect

from records.models import SignedForm
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_patient_signs_with_a_drawn_signature_and_by_keyboard(
    live_server, clinic, browser, shot, axe
):
    consent = FormTemplateFactory(clinic=clinic, title="Laser consent")
    user = UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, clinic, user)

    page.goto(clinic_url(live_server, clinic, "/documents/"))
    page.get_by_role("link", name="Complete and sign").click()
    page.get_by_label("Skin type").fill("Combination")
    page.get_by_label("No", exact=True).check()
    canvas = page.locator("[data-signature-pad] canvas")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()  # mouse coordinates are the viewport's
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.7 - step % 3 * 0.15)
        )
    page.mouse.up()
    axe(page)
    shot(page, "forms-sign")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Laser consent is signed.")).to_be_visible()
    signed = SignedForm.objects.get()
    assert signed.client == patient and signed.signature_method == "drawn"
    assert bytes(signed.signature_png)[:4] == b"\x89PNG"
    assert signed.typed_name == "Ada Lovelace"
    axe(page)

    # Keyboard only: tab through, answer, sign with the typed name.
    page.goto(clinic_url(live_server, clinic, f"/documents/forms/{consent.pk}/sign/"))
    page.get_by_label("Skin type").focus()
    page.keyboard.type("Dry")
    page.get_by_label("Yes", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Type your full name to sign").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Laser consent is signed.")).to_be_visible()
    latest = SignedForm.objects.order_by("-pk").first()
    assert latest.signature_method == "typed" and latest.answers
    context.close()
