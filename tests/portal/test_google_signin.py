"""Google sign-in exists only where the deployment configured it: without a client id
no page offers it and its door answers 404, not a server error."""

import pytest

pytestmark = pytest.mark.django_db


def test_without_google_configured_its_door_is_404(portal):
    assert portal.get("/accounts/google/login/").status_code == 404
    assert portal.post("/accounts/google/login/").status_code == 404


def test_without_google_configured_no_page_offers_it(portal, signed_in):
    for client, path in (
        (portal, "/accounts/login/"),
        (portal, "/accounts/signup/"),
        (signed_in, "/account/"),
    ):
        body = client.get(path).content.decode()
        assert "google" not in body.lower(), path
