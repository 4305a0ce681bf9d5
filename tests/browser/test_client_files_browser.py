"""Staff at a med-spa keep before/after photos on the client's Files tab: uploaded with
the consent ticked, shown as thumbnails, enlarged in a lightbox, and two picked for a
side-by-side comparison."""

import pytest
from playwright.sync_api import expect

from records.models import ClientFile
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.records import image_bytes
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _upload(page, name, color, stage):
    page.get_by_label("File", exact=True).set_input_files(
        {
            "name": name,
            "mimeType": "image/jpeg",
            "buffer": image_bytes(size=(800, 600), color=color),
        }
    )
    page.get_by_label("Clinical photo").check()
    page.get_by_label("Before or after").select_option(stage)
    page.get_by_label("Treatment area").fill("Forehead")
    page.get_by_label("The client consented to photos on paper").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text(f"{name} was uploaded.")).to_be_visible()


def test_staff_upload_before_and_after_and_compare_them_side_by_side(
    live_server, clinic, desktop, shot, axe
):
    client = ClientAccountFactory(
        clinic=clinic, user=UserFactory(first_name="Maya", last_name="Lind")
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user
    desktop.goto(clinic_url(live_server, clinic, "/admin/login/"))
    desktop.get_by_label("Email").fill(staff.email)
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    desktop.goto(clinic_url(live_server, clinic, f"/admin/clinic/clients/{client.pk}/#tab-files"))

    # The photo's fields appear only for a clinical photo.
    expect(desktop.get_by_label("Treatment area")).to_be_hidden()
    _upload(desktop, "before.jpg", (200, 60, 60), "before")
    _upload(desktop, "after.jpg", (60, 160, 60), "after")
    before, after = ClientFile.objects.order_by("pk")
    assert (before.stage, after.stage) == ("before", "after")

    gallery = desktop.locator("[data-clinical-photos]")
    for item in (before, after):
        thumb = gallery.locator(f'[data-clinical-photo="{item.pk}"] img')
        expect(thumb).to_have_js_property("complete", True)
        assert thumb.evaluate("img => img.naturalWidth") > 0
    axe(desktop)

    # The lightbox shows the full photo and closes again.
    gallery.locator(f'[data-clinical-photo="{before.pk}"] [data-lightbox-open]').click()
    lightbox = desktop.locator("[data-lightbox]")
    expect(lightbox).to_be_visible()
    expect(lightbox.locator("[data-lightbox-caption]")).to_contain_text("Before · Forehead")
    lightbox.get_by_role("button", name="Close").click()
    expect(lightbox).to_be_hidden()

    compare = desktop.locator("[data-compare]")
    expect(compare).to_be_hidden()
    gallery.locator(f'[data-clinical-photo="{before.pk}"]').get_by_label("Compare").check()
    expect(compare).to_be_hidden()  # one photo is no comparison
    gallery.locator(f'[data-clinical-photo="{after.pk}"]').get_by_label("Compare").check()
    expect(compare).to_be_visible()
    figures = compare.locator("figure")
    expect(figures).to_have_count(2)
    expect(figures.nth(0)).to_contain_text("Before · Forehead")
    expect(figures.nth(1)).to_contain_text("After · Forehead")
    left, right = (figures.nth(i).locator("img") for i in (0, 1))
    for image in (left, right):
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") == 800
    # Side by side: the same row, the before on the left (both measured at one moment,
    # as the panel may still be scrolling into view).
    a, b = compare.locator("[data-compare-pair]").evaluate(
        "pair => [...pair.querySelectorAll('img')].map(i => i.getBoundingClientRect().toJSON())"
    )
    assert abs(a["top"] - b["top"]) < 2 and a["right"] <= b["left"]
    shot(desktop, "admin-client-files-compare")
    axe(desktop)

    compare.get_by_role("button", name="Clear comparison").click()
    expect(compare).to_be_hidden()
