"""Every absolute link into a portal goes through branding.links: the clinic's own domain,
with the deployment's scheme and port."""

import pytest

from branding.links import portal_origin, portal_reverse, portal_url

pytestmark = pytest.mark.django_db


def test_production_links_are_https_on_the_clinic_domain(clinic):
    assert portal_url(clinic) == f"https://{clinic.domain}/"
    assert portal_url(clinic, "/bookings/ABC123/") == f"https://{clinic.domain}/bookings/ABC123/"


def test_a_named_route_with_a_query(clinic):
    reference = "0b7f1c9e-2f4a-4c1e-9d3b-6a5e8f7d2c10"
    url = portal_reverse(clinic, "portal:book_pay", reference=reference, query="?returned=1")
    assert url == f"https://{clinic.domain}/book/pay/{reference}/?returned=1"


def test_the_demo_serves_http_on_its_port(settings):
    settings.PORTAL_URL_SCHEME = "http"
    settings.PORTAL_URL_PORT = "8000"
    assert portal_origin("glow.localhost") == "http://glow.localhost:8000"


def test_a_default_port_is_not_written(settings):
    settings.PORTAL_URL_PORT = "443"
    assert portal_origin("glow.example.com") == "https://glow.example.com"
