"""The clinic's content for apps: the dashboard answers exactly the portal's cards (same
order, feature, audience and date rules) typed per card; pages come rendered, the policy
with its numbers; every answer has an ETag that makes a repeat a 304; and a clinic's
host never answers another clinic's content."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator

from booking_api.models import BookingStatus
from branding.selectors import clinic_policy
from branding.services import branding_update, features_update, policy_update
from notifications.services import Category, notify
from people.models import ClientAccount
from portal_pages.blocks import DashboardCards
from portal_pages.models import ContentPage
from portal_pages.policy import policy_numbers
from portal_pages.services import dashboard_cards_seed, policy_page_seed
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.clinics import host_client
from tests.fixtures.portal import set_cards

pytestmark = pytest.mark.django_db

WELCOME = ("welcome", {"heading": "Hello there", "text": "<p>Nice to see you.</p>"})


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema (``anyOf`` with null)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def schema_validator(openapi):
    """A validator for a component of the OpenAPI schema, references resolved in it."""
    components = _json_schema(openapi["components"])

    def validator(name):
        return Draft202012Validator(
            {"components": components, "$ref": f"#/components/schemas/{name}"}
        )

    return validator


def portal_cards(browser):
    """What the portal's home page shows: (type, card id) in order."""
    response = browser.get("/")
    assert response.status_code == 200
    return [(card.block_type, card.id) for card in response.context["dashboard"].cards]


def api_cards(client):
    response = client.get("/api/v1/dashboard")
    assert response.status_code == 200, response.content[:300]
    return [(card["type"], card["id"]) for card in response.json()["cards"]]


def every_card(clinic):
    """The seeded cards plus one of each other type (their preview values)."""
    dashboard_cards_seed(clinic=clinic)
    page = clinic.site.root_page.specific
    page.refresh_from_db()
    cards = [(card.block_type, card.value) for card in page.cards]
    seeded = {block_type for block_type, _ in cards}
    for name, block in DashboardCards.base_blocks.items():
        if name not in seeded and name != "promotion":
            cards.append((name, block.meta.preview_value))
    return set_cards(clinic, *cards)


# --- The dashboard: the portal's cards ----------------------------------------------------


def test_the_api_answers_the_portals_cards_in_the_managers_order(
    clinic, patient, signed_in, patient_api, portal, api, patient_history
):
    features_update(clinic=clinic, games=True, pets=True, selfies=True)
    every_card(clinic)
    for_patient = api_cards(patient_api)
    assert for_patient == portal_cards(signed_in)
    assert {"upcoming", "notifications", "cart", "rewards", "pets"} <= {t for t, _ in for_patient}
    # A visitor: the cards that need no account, new-client audience.
    for_visitor = api_cards(api)
    assert for_visitor == portal_cards(portal)
    assert "upcoming" not in {t for t, _ in for_visitor}
    assert len(for_visitor) < len(for_patient)


def test_a_feature_switched_off_hides_its_cards_in_both(
    clinic, signed_in, patient_api, skin_consult
):
    dashboard_cards_seed(clinic=clinic)
    features_update(clinic=clinic, online_booking=False, notifications=False, cart=False)
    types = [t for t, _ in api_cards(patient_api)]
    assert types == ["welcome", "upcoming", "promotion", "rewards", "referrals", "policy"]
    assert api_cards(patient_api) == portal_cards(signed_in)


@pytest.mark.parametrize(
    ("audience", "tag", "visible_to"),
    [
        ("new", "", {"visitor", "new"}),
        ("returning", "", {"returning", "vip", "tagged"}),
        ("vip", "", {"vip"}),
        ("tag", "Bridal", {"tagged"}),
    ],
)
def test_audience_is_the_portals(clinic, skin_consult, portal_emma, audience, tag, visible_to):
    from rest_framework.test import APIClient

    set_cards(clinic, ("welcome", {**WELCOME[1], "audience": audience, "tag": tag}))
    people = {
        "new": ClientAccountFactory(clinic=clinic),
        "returning": ClientAccountFactory(clinic=clinic),
        "vip": ClientAccountFactory(clinic=clinic, vip=True),
        "tagged": ClientAccountFactory(clinic=clinic, tags=["bridal"]),
    }
    past = at(local_day(-10), "10:00")
    for hours, name in enumerate(["returning", "vip", "tagged"]):
        start = past + datetime.timedelta(hours=hours)
        add_booking(clinic, people[name], skin_consult, portal_emma, start, BookingStatus.COMPLETED)
    seen = set()
    for name in ["visitor", *people]:
        app, browser = host_client(clinic, APIClient), host_client(clinic)
        if name != "visitor":
            app.force_authenticate(people[name].user)
            browser.force_login(people[name].user)
        cards = api_cards(app)
        assert cards == portal_cards(browser), name
        if cards:
            seen.add(name)
    assert seen == visible_to


def test_date_window_is_the_portals(clinic, api, portal):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    set_cards(
        clinic,
        ("welcome", {**WELCOME[1], "heading": "past", "show_until": today - day}),
        ("welcome", {**WELCOME[1], "heading": "now", "show_from": today - day}),
        ("welcome", {**WELCOME[1], "heading": "future", "show_from": today + 2 * day}),
    )
    cards = api.get("/api/v1/dashboard").json()["cards"]
    assert [card["heading"] for card in cards] == ["now"]
    assert api_cards(api) == portal_cards(portal)


def test_each_card_carries_what_the_portal_card_shows(
    clinic, patient, patient_api, patient_history, skin_consult
):
    dashboard_cards_seed(clinic=clinic)
    cards = {card["type"]: card for card in patient_api.get("/api/v1/dashboard").json()["cards"]}
    assert cards["welcome"]["heading"] == "Welcome to Glow Aesthetics"
    assert cards["welcome"]["text"].startswith("<p>Book, move or cancel")
    upcoming = cards["upcoming"]
    assert [b["reference"] for b in upcoming["bookings"]] == [str(patient_history.reference)]
    assert upcoming["bookings"][0]["service"]["name"] == "Skin consultation"
    assert upcoming["upcoming_count"] == 1 and upcoming["can_cancel"] is True
    book_now = cards["book_now"]
    assert book_now["button_label"] == "Book now"
    assert book_now["book_again"][0]["service"] == {
        "id": skin_consult.pk,
        "name": skin_consult.name,
    }
    assert cards["notifications"]["unread"] == 1
    assert cards["notifications"]["notifications"][0]["title"] == "Your results are in"
    policy = cards["policy"]["policy"]
    assert policy["cancellation_window_hours"] == 24
    assert policy["late_cancel_fee"] == {
        "kind": "percent",
        "value": 50,
        "display": "50% of the price",
    }
    assert cards["cart"] == {**cards["cart"], "items": [], "more": False}


def test_an_unset_heading_is_the_default_the_portal_shows(clinic, patient_api):
    set_cards(clinic, ("notifications", {"heading": "", "max_items": 3}))
    (card,) = patient_api.get("/api/v1/dashboard").json()["cards"]
    assert card["heading"] == "Notifications"


def test_the_dashboard_matches_its_schema_card_by_card(
    clinic, patient, patient_api, patient_history, schema_validator
):
    features_update(clinic=clinic, games=True, pets=True, selfies=True)
    every_card(clinic)
    data = patient_api.get("/api/v1/dashboard").json()
    assert len(data["cards"]) >= 12
    schema_validator("Dashboard").validate(data)
    for card in data["cards"]:
        schema_validator("DashboardCard").validate(card)


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v1/clinic", "/api/v1/clinic"),
        ("/api/v1/dashboard", "/api/v1/dashboard"),
        ("/api/v1/content", "/api/v1/content"),
        ("/api/v1/pages", "/api/v1/pages"),
        ("/api/v1/pages/{policy}", "/api/v1/pages/{page_id}"),
        ("/api/v1/pages/{aftercare}", "/api/v1/pages/{page_id}"),
        ("/api/v1/policy", "/api/v1/policy"),
    ],
)
def test_every_content_answer_matches_its_documented_schema(
    clinic, patient, patient_api, patient_history, pages, openapi, path, template
):
    every_card(clinic)
    policy_update(clinic=clinic, booking_instructions="<p>Arrive early.</p>")
    url = path.format(**{name: page.pk for name, page in pages.items()})
    response = patient_api.get(url)
    assert response.status_code == 200, response.content[:300]
    documented = openapi["paths"][template]["get"]["responses"]["200"]
    schema = _json_schema(documented["content"]["application/json"]["schema"])
    components = _json_schema(openapi["components"])
    Draft202012Validator({**schema, "components": components}).validate(response.json())


def test_every_card_type_is_in_the_schemas_union(openapi):
    card = openapi["components"]["schemas"]["DashboardCard"]
    assert card["discriminator"]["propertyName"] == "type"
    assert set(card["discriminator"]["mapping"]) == set(DashboardCards.base_blocks)


def test_the_api_dashboard_runs_a_bounded_number_of_queries(
    clinic, patient, patient_api, patient_history
):
    features_update(clinic=clinic, games=True, pets=True, selfies=True)
    every_card(clinic)
    patient_api.get("/api/v1/dashboard")
    with CaptureQueriesContext(connection) as queries:
        assert patient_api.get("/api/v1/dashboard").status_code == 200
    assert len(queries) <= 24, "\n".join(q["sql"][:160] for q in queries.captured_queries)


# --- Welcome text and booking instructions ------------------------------------------------

INSTRUCTIONS = (
    "<p>Please:</p><ul><li>Arrive <b>ten minutes</b> early.</li>"
    "<li>Bring your medicines list.</li></ul>"
)


def test_content_gives_the_welcome_and_the_booking_instructions(clinic, api):
    set_cards(clinic, ("welcome", {**WELCOME[1], "audience": "vip"}), WELCOME)
    policy_update(clinic=clinic, booking_instructions=INSTRUCTIONS)
    data = api.get("/api/v1/content").json()
    # The visitor does not see the VIP welcome: the first one they do see.
    assert data["welcome"]["heading"] == "Hello there"
    assert data["welcome"]["text"] == "<p>Nice to see you.</p>"
    assert data["booking_instructions"] == INSTRUCTIONS
    assert data["booking_instructions_text"] == (
        "Please:\n\n• Arrive ten minutes early.\n• Bring your medicines list."
    )


def test_content_without_a_welcome_or_instructions(clinic, api):
    set_cards(clinic)
    assert api.get("/api/v1/content").json() == {
        "welcome": None,
        "booking_instructions": "",
        "booking_instructions_text": "",
    }


def test_an_instructions_card_without_text_shows_the_clinics(clinic, api, portal):
    set_cards(clinic, ("instructions", {"heading": "Before you come", "text": ""}))
    assert api_cards(api) == portal_cards(portal) == []  # nothing to say: no card
    policy_update(clinic=clinic, booking_instructions=INSTRUCTIONS)
    (card,) = api.get("/api/v1/dashboard").json()["cards"]
    assert card["text"] == INSTRUCTIONS
    assert "ten minutes" in portal.get("/").content.decode()


# --- Pages and the policy -----------------------------------------------------------------


@pytest.fixture
def pages(clinic):
    home = clinic.site.root_page
    policy_update(
        clinic=clinic,
        cancellation_window_hours=48,
        late_cancel_fee_kind="fixed",
        late_cancel_fee_value=2500,
    )
    policy, _ = policy_page_seed(clinic=clinic)
    about = ContentPage(title="About us", slug="about", body="<p>We are <b>friendly</b>.</p>")
    home.add_child(instance=about)
    about.save_revision().publish()
    aftercare = ContentPage(
        title="Aftercare",
        slug="aftercare",
        body=f'<p>See <a linktype="page" id="{about.pk}">about us</a> and our '
        f'<a linktype="page" id="{policy.pk}">policy</a>.</p>',
    )
    about.add_child(instance=aftercare)
    aftercare.save_revision().publish()
    draft = ContentPage(title="Secret draft", slug="draft", body="<p>x</p>", live=False)
    home.add_child(instance=draft)
    return {"policy": policy, "about": about, "aftercare": aftercare, "draft": draft}


def test_pages_lists_the_published_pages(api, pages):
    data = api.get("/api/v1/pages").json()
    assert data["count"] == 3
    listed = {page["title"]: page for page in data["results"]}
    assert set(listed) == {"Cancellation policy", "About us", "Aftercare"}
    assert listed["Cancellation policy"]["type"] == "policy"
    assert listed["About us"]["type"] == "content"
    assert listed["About us"]["parent"] is None
    assert listed["Aftercare"]["parent"] == pages["about"].pk
    assert listed["Aftercare"]["url"] == "http://glow.localhost/about/aftercare/"


def test_a_page_comes_with_its_rich_text_rendered(api, pages):
    data = api.get(f"/api/v1/pages/{pages['aftercare'].pk}").json()
    assert data["title"] == "Aftercare" and data["type"] == "content"
    assert 'href="http://glow.localhost/about/"' in data["body"]
    assert 'href="http://glow.localhost/cancellation-policy/"' in data["body"]
    assert "linktype" not in data["body"]
    assert data["policy"] is None and data["show_summary"] is None


def test_the_policy_page_has_its_placeholders_filled_and_the_clinics_numbers(clinic, api, pages):
    data = api.get(f"/api/v1/pages/{pages['policy'].pk}").json()
    assert data["type"] == "policy" and data["show_summary"] is True
    assert "up to 48 hours before your appointment. After that: £25.00." in data["body"]
    assert "{free_cancellation_hours}" not in data["body"]
    policy = clinic_policy(clinic)
    numbers = data["policy"]
    assert numbers["cancellation_window_hours"] == policy.cancellation_window_hours == 48
    assert numbers["late_cancel_fee"] == {"kind": "fixed", "value": 2500, "display": "£25.00"}
    assert numbers["reschedule_limit"] == policy.reschedule_limit
    assert numbers["min_notice_minutes"] == policy.min_notice_minutes
    assert numbers["words"] == policy_numbers(clinic)
    assert api.get("/api/v1/policy").json() == {**numbers, "page": pages["policy"].pk}


def test_a_draft_a_restricted_or_another_clinics_page_is_404(clinic, other_clinic, api, pages):
    from wagtail.models import PageViewRestriction

    restricted = pages["about"]
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    assert api.get(f"/api/v1/pages/{pages['draft'].pk}").status_code == 404
    assert api.get(f"/api/v1/pages/{restricted.pk}").status_code == 404
    assert api.get("/api/v1/pages").json()["count"] == 1  # the policy page
    other = host_client(other_clinic, type(api))
    response = other.get(f"/api/v1/pages/{pages['policy'].pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert other.get("/api/v1/pages").json()["count"] == 0


def test_another_clinics_host_never_answers_this_clinics_content(
    clinic, other_clinic, patient, pages
):
    from rest_framework.test import APIClient

    set_cards(clinic, ("welcome", {"heading": "Glow only", "text": "<p>Glow secret</p>"}))
    set_cards(other_clinic, ("welcome", {"heading": "Riverside", "text": "<p>Woof</p>"}))
    policy_update(clinic=clinic, booking_instructions="<p>Glow instructions</p>")
    app = host_client(other_clinic, APIClient)
    app.force_authenticate(patient.user)  # a Glow patient, at Riverside's door
    seen = json.dumps(
        [
            app.get(path).json()
            for path in ("/api/v1/dashboard", "/api/v1/content", "/api/v1/pages", "/api/v1/policy")
        ]
    )
    assert "Riverside" in seen
    assert "Glow" not in seen and "glow.localhost" not in seen
    # Reading content never makes the Glow patient a Riverside client.
    assert not ClientAccount.objects.filter(clinic=other_clinic).exists()


# --- ETags ---------------------------------------------------------------------------------


def round_trip(client, path):
    """The first answer, and a repeat with its ETag: 304, no body, the same tag."""
    first = client.get(path)
    assert first.status_code == 200, first.content[:300]
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304, again.content[:300]
    assert again.content == b"" and again["ETag"] == etag
    assert "no-cache" in again["Cache-Control"]
    return first


@pytest.mark.parametrize(
    "path",
    ["/api/v1/dashboard", "/api/v1/content", "/api/v1/pages", "/api/v1/policy", "/api/v1/clinic"],
)
def test_etag_round_trip_gives_304(clinic, patient_api, patient_history, pages, path):
    dashboard_cards_seed(clinic=clinic)
    round_trip(patient_api, path)


def test_a_page_etag_changes_when_it_is_published_again(api, pages):
    path = f"/api/v1/pages/{pages['about'].pk}"
    first = round_trip(api, path)
    page = ContentPage.objects.get(pk=pages["about"].pk)
    page.body = "<p>We are <b>very</b> friendly.</p>"
    page.save_revision().publish()
    changed = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "very" in changed.json()["body"]
    assert changed["ETag"] != first["ETag"]


def test_the_policy_pages_etag_follows_the_policy(clinic, api, pages):
    path = f"/api/v1/pages/{pages['policy'].pk}"
    first = round_trip(api, path)
    policy_update(clinic=clinic, cancellation_window_hours=12)
    changed = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["policy"]["cancellation_window_hours"] == 12


def test_the_dashboard_etag_follows_the_persons_data(clinic, patient, patient_api, patient_history):
    dashboard_cards_seed(clinic=clinic)
    first = round_trip(patient_api, "/api/v1/dashboard")
    assert "private" in first["Cache-Control"]
    notify(
        clinic=clinic,
        user=patient.user,
        kind="test.hello",
        category=Category.MESSAGE,
        title="Another one",
        body="…",
        idempotency_key="t-2",
        channels=[],
    )
    changed = patient_api.get("/api/v1/dashboard", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "Another one" in changed.content.decode()


def test_the_boot_etag_follows_the_branding_and_is_cheap(clinic, api):
    first = round_trip(api, "/api/v1/clinic")
    assert "private" not in first["Cache-Control"]  # the same for everyone at this host
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/clinic", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert len(queries) <= 2  # the clinic (with its settings) and nothing built
    branding_update(clinic=clinic, primary_color="#123456")
    changed = api.get("/api/v1/clinic", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["primary_color"] == "#123456"
    assert changed.json()["on_primary_color"] == "#ffffff"


def test_an_etag_is_per_language(clinic, api, pages):
    path = f"/api/v1/pages/{pages['policy'].pk}"
    english = api.get(path)
    bulgarian = api.get(path, HTTP_ACCEPT_LANGUAGE="bg", HTTP_IF_NONE_MATCH=english["ETag"])
    assert bulgarian.status_code == 200 and bulgarian["ETag"] != english["ETag"]
    assert "Accept-Language" in bulgarian["Vary"]


# --- Branding assets ----------------------------------------------------------------------


def test_the_boot_call_gives_the_branding_assets(clinic, api):
    branding_update(clinic=clinic, primary_color="#f2c14e", font="serif")
    data = api.get("/api/v1/clinic").json()
    assert data["on_primary_color"] == "#1a1a1a"  # dark text on a light colour
    assert data["font"] == "serif" and data["font_family"].startswith("Georgia")
    assert [icon["size"] for icon in data["icons"]] == [192, 512]
    icon_url = data["icons"][0]["url"]
    assert icon_url == "http://glow.localhost/api/v1/clinic/icons/192.png"
    icon = api.get(icon_url.removeprefix("http://glow.localhost"))
    assert icon.status_code == 200 and icon["Content-Type"] == "image/png"
    assert icon.content.startswith(b"\x89PNG")
    again = api.get("/api/v1/clinic/icons/192.png", HTTP_IF_NONE_MATCH=icon["ETag"])
    assert again.status_code == 304
    assert api.get("/api/v1/clinic/icons/100.png").status_code == 404


def test_the_starter_policy_card_links_the_clinics_policy_page_in_both(
    clinic, patient, patient_api, signed_in
):
    """The starter dashboard's policy card has no page chosen: it links the clinic's own
    policy page (the API said ``"page": null`` and the portal showed no link)."""
    page, _created = policy_page_seed(clinic=clinic)
    dashboard_cards_seed(clinic=clinic)
    cards = {card["type"]: card for card in patient_api.get("/api/v1/dashboard").json()["cards"]}
    assert cards["policy"]["page"] == page.pk
    assert cards["policy"]["page_url"].endswith(page.url)
    html = signed_in.get("/").content.decode()
    assert 'href="/cancellation-policy/"' in html and "Read the full policy" in html
