"""Each clinic's portal installs as its own app: manifest, icons, service worker and
offline page, all from the clinic at the request's host."""

import io

import pytest
from PIL import Image
from wagtail.images.tests.utils import get_test_image_file

from branding.selectors import clinic_branding
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_the_manifest_is_the_clinics_own(clinic, other_clinic):
    branding = clinic_branding(clinic)
    branding.app_name = "Glow"
    branding.primary_color = "#7a2e5c"
    branding.save()

    response = host_client(clinic).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Glow Aesthetics"
    assert manifest["short_name"] == "Glow"
    assert manifest["theme_color"] == "#7a2e5c"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]

    other = host_client(other_clinic).get("/manifest.webmanifest").json()
    assert other["name"] == "Riverside Vets"


def test_the_home_page_links_the_manifest(clinic):
    body = host_client(clinic).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert "/static/portal/pwa.js" in body


@pytest.mark.parametrize("size", [192, 512])
def test_icons_are_square_pngs_from_the_logo(clinic, size):
    from wagtail.images.models import Image as WagtailImage

    branding = clinic_branding(clinic)
    branding.logo = WagtailImage.objects.create(
        title="Logo", file=get_test_image_file(size=(640, 200), colour="red")
    )
    branding.save()
    response = host_client(clinic).get(f"/pwa/icon-{size}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    icon = Image.open(io.BytesIO(response.content))
    assert icon.size == (size, size)
    # The wide logo is fitted, not cropped: red in the middle, white padding above it.
    assert icon.getpixel((size // 2, size // 2))[:3] == (255, 0, 0)
    assert icon.getpixel((size // 2, 2))[:3] == (255, 255, 255)


def test_without_a_logo_the_icon_is_the_brand_colour(clinic):
    branding = clinic_branding(clinic)
    branding.primary_color = "#123456"
    branding.save()
    icon = Image.open(io.BytesIO(host_client(clinic).get("/pwa/icon-192.png").content))
    assert icon.getpixel((2, 2))[:3] == (0x12, 0x34, 0x56)


def test_other_icon_sizes_are_not_found(clinic):
    assert host_client(clinic).get("/pwa/icon-100.png").status_code == 404


def test_the_service_worker_covers_the_whole_portal(clinic):
    response = host_client(clinic).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/offline/"' in body
    assert "portal-glow-v2" in body


def test_the_offline_page_renders_in_the_clinics_branding(clinic):
    response = host_client(clinic).get("/offline/")
    assert response.status_code == 200
    assert "You are offline" in response.content.decode()
    assert "Glow Aesthetics" in response.content.decode()


def test_an_unknown_host_gets_no_manifest(db):
    from django.test import Client

    assert Client(HTTP_HOST="nobody.localhost").get("/manifest.webmanifest").status_code == 404


def test_every_page_has_an_icon_and_favicon_ico_answers(clinic):
    from wagtail.images.models import Image as WagtailImage

    portal = host_client(clinic)
    # No favicon chosen: the app icon stands in, so browsers never ask for a missing one.
    assert '<link rel="icon" type="image/png" href="/pwa/icon-192.png">' in (
        portal.get("/").content.decode()
    )
    response = portal.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/pwa/icon-192.png")

    branding = clinic_branding(clinic)
    branding.favicon = WagtailImage.objects.create(
        title="Favicon", file=get_test_image_file(size=(64, 64), colour="blue")
    )
    branding.save()
    response = host_client(clinic).get("/favicon.ico")
    assert response["Location"] == branding.favicon.get_rendition("fill-64x64").url
