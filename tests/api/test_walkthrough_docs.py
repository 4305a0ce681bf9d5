"""docs/api.md's "Build an app" walkthrough says what the server answers: checked against
the server, so the examples a mobile developer copies behave as written."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.clients import ClientAccountFactory
from tests.notifications.test_app_push import sign_in

pytestmark = pytest.mark.django_db

API_MD = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()


def walkthrough():
    return API_MD[API_MD.index("## Build an app") :]


def test_the_push_example_answers_what_the_docs_say_at_the_demo(clinic):
    """Issue: the docs promise `400 push_platform_invalid` at the demo (no push
    credentials), but their example token was not a well-formed one, so the demo answered
    `push_token_invalid`. The example, posted as written, answers what the docs say."""
    text = walkthrough()
    example = re.search(r"POST /api/v1/push/devices\n.*?\n\n(\{.*?\})\n```", text, re.S)
    body = json.loads(example.group(1))
    assert "`400\npush_platform_invalid`" in text or "`400 push_platform_invalid`" in text
    app = sign_in(clinic, ClientAccountFactory(clinic=clinic).user)
    answer = app.post("/api/v1/push/devices", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "push_platform_invalid")


def test_step_6_points_at_where_the_instructions_are():
    """The "Before your visit" text is the dashboard's instructions card (its own text, or
    the clinic's booking instructions); `GET /api/v1/content` carries only the clinic's
    booking instructions, "" where none are set (as at the demo)."""
    step = walkthrough()[walkthrough().index("**6. Book and pay.**") :][:1500]
    assert "instructions" in step and "GET /api/v1/dashboard" in step
    assert '""' in step


def test_the_walkthrough_says_how_to_pass_3d_secure_at_the_test_server_and_a_free_cancel():
    text = " ".join(walkthrough().split())
    assert "4000 0025 0000 3155" in text and "Complete authentication" in text
    assert "/book/pay/<booking's reference>/" in text
    step = text[text.index("**7. Move, cancel, redeem.**") :][:2500]
    assert '"status": "cancelled"' in step and "`refunded`" in step


def test_an_app_completes_3d_secure_at_the_test_server_on_the_portal_pay_page_as_documented(
    clinic, full_policy, emma, stripe_at_localstripe, django_capture_on_commit_callbacks
):
    """The step the docs give: the app's payment asks for authentication; the same
    person completes it on `/book/pay/<reference>/`; the API then reads `succeeded`."""
    from tests.fixtures.booking import MONDAY
    from tests.fixtures.clinics import host_client

    patient = ClientAccountFactory(clinic=clinic)
    app = sign_in(clinic, patient.user)
    slots = app.get(
        "/api/v1/availability", {"service": "consult", "from": MONDAY, "to": MONDAY}
    ).json()["slots"]
    body = {"service": "consult", "staff": "emma", "start": slots[0]["start"]}
    checkout = app.post("/api/v1/checkout", body, format="json").json()
    payment = checkout["payment"]["id"]
    asked = app.post(
        f"/api/v1/payments/{payment}/confirm", {"payment_method": "authentication"}, format="json"
    )
    assert asked.json()["status"] == "requires_action"
    reference = app.get(f"/api/v1/bookings/{checkout['booking']}").json()["reference"]

    browser = host_client(clinic)
    browser.force_login(patient.user)
    page = browser.get(f"/book/pay/{reference}/").content.decode()
    assert "Complete authentication" in page
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/book/pay/{reference}/", {"authenticate": "complete"})
        paid = app.get(f"/api/v1/payments/{payment}").json()
    assert paid["status"] == "succeeded"
