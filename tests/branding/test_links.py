"""Every absolute link into a portal goes through branding.links: the clinic's own domain,
with the deployment's scheme and port."""

import pytest

from branding.links import portal_origin, portal_reverse, portal_url

pytestmark = pytest.mark.django_db


def test_production_links_are_https_on_the_clinic_domain(clinic):
    assert portal_url(clinic) == f"https://{clinic.domain}/"
    assert portal_url(clinic, "/bookings/ABC123/") == f"https://{clinic.domain}/bookings/ABC123/"


def test_a_named_route_with_a_query(clinic):
    url = portal_reverse(clinic, "portal:book_pay", reference="ABC123", query="?returned=1")
    assert url.startswith(f"https://{clinic.domain}/") and url.endswith("?returned=1")
    assert "ABC123" in url


def test_the_demo_serves_http_on_its_port(settings):
    settings.PORTAL_URL_SCHEME = "http"
    settings.PORTAL_URL_PORT = "8000"
    assert portal_origin("glow.localhost") == "http://glow.localhost:8000"


def test_a_default_port_is_not_written(settings):
    settings.PORTAL_URL_PORT = "443"
    assert portal_origin("glow.example.com") == "https://glow.example.com"
