"""A shared phone keeps none of a patient's pages: the service worker caches only the
app shell and the offline page, personal pages are sent ``private, no-store``, and
signing out clears what the device holds. Signed out and offline, the phone shows none
of the patient's pages."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from records.medical.services import medical_history_update
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "Allergic to penicillin (marker 7731)"
CACHED_PATHS = """async () => {
  const paths = [];
  for (const key of await caches.keys()) {
    const cache = await caches.open(key);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def settled_html(page):
    """The page's markup once the browser has stopped navigating (its own offline error
    page may still be replacing the last one on a busy machine)."""
    for _attempt in range(40):
        try:
            page.wait_for_load_state("load")
            return page.content()
        except PlaywrightError:
            page.wait_for_timeout(250)
    return page.content()


def test_signed_out_an_offline_phone_shows_none_of_the_patients_pages(live_server, clinic, phone):
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    medical_history_update(clinic=clinic, client=patient, author=user, allergies=SECRET)

    # The pages also keep to the Content-Security-Policy: Chromium reports any violation.
    violations = []
    phone.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(
        phone.get_by_role("heading", name=re.compile(r"Welcome( back)?, Olivia"))
    ).to_be_visible()
    phone.evaluate("async () => { await navigator.serviceWorker.ready; }")

    # Pages visited while the worker controls the portal.
    for path in ("/medical-history/", "/bookings/", "/account/", "/"):
        response = phone.goto(clinic_url(live_server, clinic, path))
        assert response.status == 200, path
        assert "no-store" in response.headers["cache-control"], path
        assert "private" in response.headers["cache-control"], path
    assert phone.evaluate("() => !!navigator.serviceWorker.controller")
    expect(phone.get_by_text(re.compile(r"Welcome( back)?, Olivia"))).to_be_visible()
    phone.goto(clinic_url(live_server, clinic, "/medical-history/"))
    expect(phone.get_by_text(SECRET)).to_be_visible()

    assert violations == []
    cached = phone.evaluate(CACHED_PATHS)
    assert "/offline/" in cached
    assert not {"/", "/medical-history/", "/bookings/", "/account/"} & set(cached), cached

    # Offline while still signed in: the worker has no copy of the page to show.
    phone.context.set_offline(True)
    phone.goto(clinic_url(live_server, clinic, "/medical-history/"))
    assert SECRET not in phone.content()
    expect(phone.get_by_text("You are offline")).to_be_visible()
    phone.context.set_offline(False)

    # Sign out (from the account menu): the answer tells the browser to clear the device.
    phone.goto(clinic_url(live_server, clinic, "/menu/"))
    with phone.expect_response(lambda r: "/accounts/logout" in r.url) as signed_out:
        phone.get_by_role("button", name="Sign out").click()
    assert signed_out.value.all_headers().get("clear-site-data") == '"cache", "storage"'
    phone.wait_for_load_state()

    phone.context.set_offline(True)
    for path in ("/medical-history/", "/bookings/", "/"):
        # With no worker left to answer, the browser shows its own offline error.
        with contextlib.suppress(PlaywrightError):
            phone.goto(clinic_url(live_server, clinic, path))
        html = settled_html(phone)
        assert SECRET not in html and "Olivia" not in html, path
