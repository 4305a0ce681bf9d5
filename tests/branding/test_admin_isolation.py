"""A clinic's people see and change only their own clinic in the Wagtail admin: pages,
settings, images and documents. Every test signs in and calls real admin URLs."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from branding.models import BrandingSettings
from branding.services import clinic_collection
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)


def settings_url(model_name, clinic):
    return f"/admin/settings/branding/{model_name}/{clinic.site_id}/"


def branding_form(**overrides):
    data = {"primary_color": "#2f5d8a", "accent_color": "#f2c14e", "font": "system"}
    data.update(app_name="", logo="", favicon="")
    data.update(overrides)
    return data


def page_form(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "cards": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def assert_refused(response):
    assert response.status_code in REFUSED, response.status_code
    if response.status_code == 302:
        assert response["Location"] != response.request["PATH_INFO"]


# --- Signing in ---------------------------------------------------------------------


def test_manager_signs_in_through_the_admin_login_form(clinic, manager):
    client = Client(HTTP_HOST=clinic.site.hostname)
    assert client.get("/admin/").status_code == 302  # not signed in yet

    response = client.post("/admin/login/", {"username": manager.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_person_with_no_clinic_cannot_open_the_admin(clinic, user):
    response = admin_client_for(user, clinic).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Pages --------------------------------------------------------------------------


def test_manager_cannot_open_or_edit_another_clinics_home_page(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)
    other_home = other_clinic.site.root_page

    assert_refused(client.get(f"/admin/pages/{other_home.pk}/edit/"))
    explorer = client.get(f"/admin/pages/{other_home.pk}/", follow=True)
    assert b"Riverside" not in explorer.content

    response = client.post(
        f"/admin/pages/{other_home.pk}/edit/", page_form("Hacked", other_home.slug)
    )
    assert_refused(response)
    assert Page.objects.get(pk=other_home.pk).title == "Riverside Vets"


def test_manager_publishes_their_own_home_page(clinic, manager):
    client = admin_client_for(manager, clinic)
    home = clinic.site.root_page

    response = client.post(f"/admin/pages/{home.pk}/edit/", page_form("Glow & Co", home.slug))

    assert response.status_code == 302
    home.refresh_from_db()
    assert home.title == "Glow & Co"
    assert home.live and not home.has_unpublished_changes


def test_page_explorer_lists_own_pages_and_no_other_clinic(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)

    response = client.get("/admin/pages/", follow=True)

    assert response.status_code == 200
    assert b"Glow Aesthetics" in response.content
    # Not the pages, and not the "Site" filter's list of every clinic either.
    assert b"Riverside" not in response.content


def test_explorer_menu_api_lists_only_own_pages(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)

    response = client.get("/admin/api/main/pages/?child_of=root&for_explorer=1")

    titles = [item["title"] for item in response.json()["items"]]
    assert titles == ["Glow Aesthetics"]
    other_home = other_clinic.site.root_page_id
    assert client.get(f"/admin/api/main/pages/{other_home}/").status_code == 404


def test_page_chooser_offers_only_own_pages(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)

    browse = client.get("/admin/choose-page/")
    search = client.get("/admin/choose-page/search/", {"q": "Vets"})
    into_other = client.get(f"/admin/choose-page/{other_clinic.site.root_page_id}/")

    assert browse.status_code == 200
    assert "Glow Aesthetics" in browse.json()["html"]
    assert "Riverside" not in browse.json()["html"]
    assert "Riverside" not in search.content.decode()
    assert_refused(into_other)


def test_superuser_page_chooser_still_offers_every_clinic(clinic, other_clinic, superuser):
    browse = admin_client_for(superuser).get("/admin/choose-page/")
    assert "Glow Aesthetics" in browse.json()["html"]
    assert "Riverside Vets" in browse.json()["html"]


# --- Settings -----------------------------------------------------------------------


def test_manager_cannot_open_or_change_another_clinics_settings(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)

    for model_name in ("brandingsettings", "featuresettings", "bookingpolicysettings"):
        assert_refused(client.get(settings_url(model_name, other_clinic)))
    response = client.post(
        settings_url("brandingsettings", other_clinic), branding_form(primary_color="#000000")
    )

    assert_refused(response)
    saved = BrandingSettings.objects.filter(site=other_clinic.site).first()
    assert saved is None or saved.primary_color != "#000000"


def test_manager_saves_own_branding_through_the_admin_form(clinic, other_clinic, manager):
    client = admin_client_for(manager, clinic)
    url = settings_url("brandingsettings", clinic)

    page = client.get(url)
    response = client.post(url, branding_form(primary_color="#123456", app_name="Glow"))

    assert page.status_code == 200
    # One editable site: no site switcher, and no other clinic's name anywhere.
    assert b"Riverside" not in page.content
    assert response.status_code == 302
    saved = BrandingSettings.objects.get(site=clinic.site)
    assert (saved.primary_color, saved.app_name) == ("#123456", "Glow")


def test_settings_menu_link_opens_own_site_even_on_another_clinics_domain(
    clinic, other_clinic, manager
):
    client = admin_client_for(manager, other_clinic)

    response = client.get("/admin/settings/branding/brandingsettings/")

    assert response.status_code == 302
    assert response["Location"] == settings_url("brandingsettings", clinic)


# --- Images and documents -----------------------------------------------------------


@pytest.fixture
def other_clinic_media(other_clinic):
    collection = clinic_collection(other_clinic)
    image = Image.objects.create(
        title="Riverside logo", file=get_test_image_file(), collection=collection
    )
    document = Document.objects.create(
        title="Riverside price list",
        file=ContentFile(b"prices", name="prices.txt"),
        collection=collection,
    )
    return image, document


def test_manager_sees_no_other_clinics_images_or_documents(
    clinic, other_clinic, manager, other_clinic_media
):
    image, document = other_clinic_media
    client = admin_client_for(manager, clinic)

    for url in ("/admin/images/", "/admin/documents/", "/admin/images/chooser/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Riverside" not in response.content, url
    assert_refused(client.get(f"/admin/images/{image.pk}/"))
    assert_refused(client.get(f"/admin/documents/edit/{document.pk}/"))
    assert_refused(client.post(f"/admin/images/{image.pk}/delete/"))
    assert Image.objects.filter(pk=image.pk).exists()


def test_manager_uploads_images_into_own_clinics_collection(clinic, manager):
    client = admin_client_for(manager, clinic)

    response = client.post(
        "/admin/images/add/",
        {
            "title": "Glow logo",
            "file": SimpleUploadedFile("logo.png", get_test_image_file().file.getvalue()),
            "collection": clinic_collection(clinic).pk,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Image.objects.get(title="Glow logo").collection == clinic_collection(clinic)


# --- Staff and therapists -----------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["staff_user", "therapist_user"])
def test_staff_and_therapists_open_the_admin_but_cannot_edit_pages_or_settings(
    request, clinic, role_fixture
):
    client = admin_client_for(request.getfixturevalue(role_fixture), clinic)
    home = clinic.site.root_page

    assert client.get("/admin/").status_code == 200
    assert_refused(client.get(f"/admin/pages/{home.pk}/edit/"))
    assert_refused(client.post(f"/admin/pages/{home.pk}/edit/", page_form("Oops", home.slug)))
    assert_refused(client.get(settings_url("brandingsettings", clinic)))
    assert_refused(
        client.post(settings_url("brandingsettings", clinic), branding_form(app_name="Oops"))
    )
    assert Page.objects.get(pk=home.pk).title == "Glow Aesthetics"
    assert not BrandingSettings.objects.filter(site=clinic.site, app_name="Oops").exists()
