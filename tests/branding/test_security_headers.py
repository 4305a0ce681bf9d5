"""Browser security headers on each door: a Content-Security-Policy without
'unsafe-inline' on the portal and the API (the portal's one inline <style>, the clinic's
colours, carries the request's nonce; no inline script anywhere), frames refused,
a referrer policy and a permissions policy. The Wagtail admin is left out of the CSP
(its own markup is inline) but refuses framing like every door."""

import re

import pytest

from tests.fixtures.clinics import admin_client_for, host_client

pytestmark = pytest.mark.django_db

PORTAL_PAGES = (
    "/",
    "/book/services/",
    "/bookings/",
    "/medical-history/",
    "/documents/",
    "/account/",
)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def assert_strict(response):
    csp = policy(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    return csp


def nonce_of(csp) -> str:
    (nonce,) = [s for s in csp["script-src"] if s.startswith("'nonce-")]
    assert nonce in csp["style-src"]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def assert_nothing_inline_without_the_nonce(html, nonce):
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag  # no inline script at all
    for tag in re.findall(r"<style\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\sstyle=\"", html), "a style attribute would need 'unsafe-inline'"
    assert not re.search(r"\son[a-z]+=\"", html), "an inline event handler"


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_the_portal_sends_a_strict_policy_and_its_pages_keep_to_it(
    clinic, signed_in, open_policy, path
):
    response = signed_in.get(path)
    assert response.status_code == 200, path
    csp = assert_strict(response)
    nonce = nonce_of(csp)
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html  # the clinic's colours
    assert_nothing_inline_without_the_nonce(html, nonce)


def test_each_answer_has_its_own_nonce(clinic):
    first = policy(host_client(clinic).get("/"))["script-src"]
    second = policy(host_client(clinic).get("/"))["script-src"]
    assert first != second


def test_the_api_sends_a_strict_policy(clinic, patient_api):
    for path in ("/api/v1/policy", "/api/v1/bookings", "/api/v1/nothing-here"):
        assert_strict(patient_api.get(path))


def test_the_api_docs_keep_to_the_policy(clinic):
    response = host_client(clinic).get("/api/docs/")
    assert response.status_code == 200
    nonce = nonce_of(assert_strict(response))
    assert_nothing_inline_without_the_nonce(response.content.decode(), nonce)
    script = host_client(clinic).get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_an_unknown_clinic_page_keeps_to_the_policy(db):
    from django.test import Client

    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    nonce = nonce_of(assert_strict(response))
    assert_nothing_inline_without_the_nonce(response.content.decode(), nonce)


def test_the_admin_refuses_framing_and_keeps_its_own_markup(clinic, manager):
    response = admin_client_for(manager, clinic).get("/admin/")
    assert response.status_code == 200
    assert not response.has_header("Content-Security-Policy")
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
