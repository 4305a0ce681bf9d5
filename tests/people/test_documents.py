"""Wagtail documents (issue 18 #5): a clinic's documents are served only to its own
staff, on its own domain, unless the clinic put them in its public collection; and never
straight from the media folder."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import clear_url_caches
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from branding.services import clinic_collection
from portal_pages.models import ContentPage
from tests.fixtures.clinics import admin_client_for, host_client

pytestmark = pytest.mark.django_db

SECRET = b"Glow staff rota and supplier prices"
LEAFLET = b"Aftercare leaflet for every visitor"


def document(collection, content, name):
    return Document.objects.create(
        title=name, file=ContentFile(content, name=name), collection=collection
    )


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_refused(response, content):
    assert response.status_code in (302, 403, 404), response.status_code
    assert content not in body(response)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.fixture
def staff_doc(clinic, manager):
    return document(clinic_collection(clinic), SECRET, "rota.txt")


@pytest.fixture
def public_doc(clinic, manager):
    from branding.services import clinic_public_collection

    return document(clinic_public_collection(clinic), LEAFLET, "aftercare.txt")


def test_anonymous_visitors_cannot_download_a_clinic_document(clinic, staff_doc):
    assert_refused(host_client(clinic).get(staff_doc.url), SECRET)


def test_a_patient_of_the_clinic_cannot_download_a_staff_document(signed_in, staff_doc):
    assert_refused(signed_in.get(staff_doc.url), SECRET)


def test_another_clinics_staff_cannot_download_it(clinic, other_manager, staff_doc):
    assert_refused(admin_client_for(other_manager, clinic).get(staff_doc.url), SECRET)


@pytest.mark.parametrize("role_fixture", ["manager", "staff_user", "therapist_user"])
def test_the_owning_clinics_staff_download_it(request, clinic, staff_doc, role_fixture):
    client = admin_client_for(request.getfixturevalue(role_fixture), clinic)

    response = client.get(staff_doc.url)

    assert response.status_code == 200
    assert body(response) == SECRET


def test_it_is_not_served_on_another_clinics_domain(clinic, other_clinic, manager, staff_doc):
    # Not even to its own manager: a clinic's documents live on its own domain.
    response = admin_client_for(manager, other_clinic).get(staff_doc.url)
    assert response.status_code == 404
    assert SECRET not in body(response)


def test_a_public_document_downloads_on_its_own_clinics_domain_only(
    clinic, other_clinic, public_doc
):
    response = host_client(clinic).get(public_doc.url)
    assert response.status_code == 200
    assert body(response) == LEAFLET

    elsewhere = host_client(other_clinic).get(public_doc.url)
    assert elsewhere.status_code == 404
    assert LEAFLET not in body(elsewhere)


def test_a_portal_page_linking_documents_works_for_its_audience(
    clinic, signed_in, staff_doc, public_doc
):
    page = ContentPage(
        title="Aftercare",
        slug="aftercare",
        body=(
            f'<p><a linktype="document" id="{public_doc.pk}">Leaflet</a> '
            f'<a linktype="document" id="{staff_doc.pk}">Rota</a></p>'
        ),
    )
    clinic.site.root_page.add_child(instance=page)
    visitor = host_client(clinic)

    html = visitor.get(page.url).content.decode()

    assert f'href="{public_doc.url}"' in html
    assert body(visitor.get(public_doc.url)) == LEAFLET
    assert body(signed_in.get(public_doc.url)) == LEAFLET
    # A staff document linked by mistake stays the staff's.
    assert_refused(visitor.get(staff_doc.url), SECRET)
    assert_refused(signed_in.get(staff_doc.url), SECRET)


def test_the_manager_chooses_public_in_the_upload_form(clinic, manager):
    from branding.services import clinic_public_collection

    client = admin_client_for(manager, clinic)
    public = clinic_public_collection(clinic)

    form = client.get("/admin/documents/add/")
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Leaflet",
            "file": ContentFile(LEAFLET, name="leaflet.txt"),
            "collection": public.pk,
        },
    )

    assert f'value="{public.pk}"' in form.content.decode()
    assert response.status_code == 302
    saved = Document.objects.get(title="Leaflet")
    assert saved.collection == public
    assert body(host_client(clinic).get(saved.url)) == LEAFLET


@pytest.fixture
def dev_urls(settings):
    """The URLs as the development server (DEBUG) builds them."""
    import cms.urls

    settings.DEBUG = True
    importlib.reload(cms.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(cms.urls)
    clear_url_caches()


def test_documents_are_not_served_straight_from_media(clinic, manager, staff_doc, dev_urls):
    image = Image.objects.create(
        title="Logo", file=get_test_image_file(), collection=clinic_collection(clinic)
    )
    visitor = Client(HTTP_HOST=clinic.site.hostname)

    direct = visitor.get(f"/media/{staff_doc.file.name}")
    picture = visitor.get(f"/media/{image.file.name}")

    assert staff_doc.file.name.startswith("documents/")
    assert direct.status_code == 404
    assert SECRET not in body(direct)
    # The development server still serves the other media (logos, pictures).
    assert picture.status_code == 200
