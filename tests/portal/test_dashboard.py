"""The home dashboard: cards from the CMS, shown by feature, audience and date window,
filled from the other apps' selectors in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking_api.models import Booking, BookingStatus
from branding.services import features_update
from notifications.services import Category, notify
from portal_pages.blocks import DashboardCards
from portal_pages.services import dashboard_cards_seed
from tests.factories.booking import ServiceFactory, main_location
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.clinics import host_client
from tests.fixtures.portal import set_cards

pytestmark = pytest.mark.django_db

WELCOME = ("welcome", {"heading": "Hello there", "text": "<p>Nice to see you.</p>"})


def card_types(response):
    return [card.block_type for card in response.context["dashboard"].cards]


def test_every_card_type_renders_for_a_patient(
    clinic, patient, signed_in, skin_consult, portal_emma, patient_history
):
    dashboard_cards_seed(clinic=clinic)
    response = signed_in.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert set(card_types(response)) == {
        "welcome",
        "upcoming",
        "book_now",
        "notifications",
        "instructions",
        "policy",
        "cart",
        "rewards",
        "referrals",
    }  # the promotion is for new clients; this patient has booked before
    assert "Welcome to Glow Aesthetics" in html
    assert "Skin consultation" in html and "with Emma" in html  # upcoming
    assert "Book again" in html and f"/book/service/{skin_consult.pk}/{portal_emma.pk}/" in html
    assert "Your results are in" in html
    assert "Cancel free of charge up to 24 hours before" in html
    assert "50% of the price" in html


def test_the_starter_dashboard_has_the_loyalty_and_pet_cards_of_features_that_are_on(
    clinic, signed_in
):
    dashboard_cards_seed(clinic=clinic)
    features_update(clinic=clinic, games=True, pets=True, rewards=True, referrals=True)
    shown = card_types(signed_in.get("/"))
    assert {"rewards", "pets", "games", "referrals"} <= set(shown)
    features_update(clinic=clinic, games=False, pets=False, rewards=False, referrals=False)
    assert not {"rewards", "pets", "games", "referrals"} & set(card_types(signed_in.get("/")))


def test_a_visitor_sees_only_cards_that_need_no_account(portal, clinic, skin_consult):
    dashboard_cards_seed(clinic=clinic)
    response = portal.get("/")
    assert card_types(response) == ["welcome", "book_now", "promotion", "instructions", "policy"]
    assert "New here?" in response.content.decode()


def test_a_feature_switched_off_hides_its_cards(clinic, signed_in, skin_consult):
    dashboard_cards_seed(clinic=clinic)
    features_update(
        clinic=clinic,
        online_booking=False,
        notifications=False,
        cart=False,
        rewards=False,
        referrals=False,
    )
    response = signed_in.get("/")
    assert card_types(response) == ["welcome", "upcoming", "promotion", "policy"]
    assert "/book/" not in response.content.decode().split("</header>")[0]  # no nav link


@pytest.mark.parametrize(
    ("audience", "tag", "visible_to"),
    [
        ("everyone", "", {"visitor", "new", "returning", "vip", "tagged"}),
        ("new", "", {"visitor", "new"}),
        ("returning", "", {"returning", "vip", "tagged"}),
        ("vip", "", {"vip"}),
        ("tag", "Bridal", {"tagged"}),
    ],
)
def test_audience(clinic, skin_consult, portal_emma, audience, tag, visible_to):
    set_cards(clinic, ("welcome", {**WELCOME[1], "audience": audience, "tag": tag}))
    past = at(local_day(-10), "10:00")
    people = {
        "new": ClientAccountFactory(clinic=clinic),
        "returning": ClientAccountFactory(clinic=clinic),
        "vip": ClientAccountFactory(clinic=clinic, vip=True),
        "tagged": ClientAccountFactory(clinic=clinic, tags=["bridal"]),
    }
    for hours, name in enumerate(["returning", "vip", "tagged"]):
        start = past + datetime.timedelta(hours=hours)
        add_booking(clinic, people[name], skin_consult, portal_emma, start, BookingStatus.COMPLETED)
    seen = set()
    for name in ["visitor", *people]:
        client = host_client(clinic)
        if name != "visitor":
            client.force_login(people[name].user)
        if card_types(client.get("/")) == ["welcome"]:
            seen.add(name)
    assert seen == visible_to


def test_a_cancelled_booking_does_not_make_a_returning_client(
    clinic, patient, signed_in, skin_consult, portal_emma
):
    set_cards(clinic, ("welcome", {**WELCOME[1], "audience": "new"}))
    add_booking(
        clinic,
        patient,
        skin_consult,
        portal_emma,
        at(local_day(3), "10:00"),
        BookingStatus.CANCELLED,
    )
    assert card_types(signed_in.get("/")) == ["welcome"]


def test_date_window(clinic, portal):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    set_cards(
        clinic,
        ("welcome", {**WELCOME[1], "heading": "past", "show_until": today - day}),
        (
            "welcome",
            {**WELCOME[1], "heading": "now", "show_from": today - day, "show_until": today + day},
        ),
        ("welcome", {**WELCOME[1], "heading": "future", "show_from": today + 2 * day}),
    )
    cards = portal.get("/").context["dashboard"].cards
    assert [card.value["heading"] for card in cards] == ["now"]


def test_visibility_settings_are_validated():
    from wagtail.blocks import StructBlockValidationError

    block = DashboardCards().child_blocks["welcome"]
    value = block.to_python({**WELCOME[1], "audience": "tag", "tag": ""})
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(value)
    assert "tag" in excinfo.value.block_errors
    today = datetime.date(2030, 5, 1)
    value = block.to_python(
        {**WELCOME[1], "show_from": today.isoformat(), "show_until": "2030-04-01"}
    )
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(value)
    assert "show_until" in excinfo.value.block_errors


def test_promotion_card_with_image_and_page_link(clinic, portal, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Peel", file=get_test_image_file())
    home = clinic.site.root_page.specific
    set_cards(
        clinic,
        (
            "promotion",
            {
                "image": image,
                "heading": "Summer glow",
                "text": "<p>Bright skin.</p>",
                "cta": {"label": "See offers", "page": home},
            },
        ),
    )
    html = portal.get("/").content.decode()
    assert "Summer glow" in html and 'class="promo-image"' in html
    assert 'href="/">See offers' in html


def every_card(clinic):
    """The seeded cards plus one of each type the seed leaves out, as a manager would
    add them (their preview values)."""
    dashboard_cards_seed(clinic=clinic)
    page = clinic.site.root_page.specific
    page.refresh_from_db()
    cards = [(card.block_type, card.value) for card in page.cards]
    seeded = {block_type for block_type, _ in cards}
    for name, block in DashboardCards.base_blocks.items():
        if name not in seeded and name != "promotion":  # a promotion needs an image
            cards.append((name, block.meta.preview_value))
    return set_cards(clinic, *cards)


def test_the_dashboard_runs_a_bounded_number_of_queries(
    clinic, patient, signed_in, skin_consult, portal_emma
):
    """Every card type on, 1,000 past bookings, 500 ledger entries, upcoming bookings,
    notifications, a cart, a game, pets and slideshow photos: still ≤ 20 queries."""
    from loyalty.services import points_award, programme_upsert
    from people.models import Pet
    from tests.factories.games import make_game

    features_update(clinic=clinic, games=True, pets=True, selfies=True)
    every_card(clinic)
    programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    for n in range(500):
        points_award(clinic=clinic, client=patient, amount=5, reason=f"visit {n}")
    make_game(clinic)
    for n in range(3):
        Pet.objects.create(clinic=clinic, owner=patient, name=f"Rex {n}", species="dog")
    location = main_location(clinic)
    others = [ServiceFactory(clinic=clinic, name=f"Treatment {n}") for n in range(5)]
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    rows = []
    for n in range(1000):
        begin = start - datetime.timedelta(hours=3 * n)
        svc = others[n % 5]
        rows.append(
            Booking(
                clinic=clinic,
                client=patient,
                service=svc,
                staff=portal_emma,
                location=location,
                start=begin,
                end=begin + datetime.timedelta(minutes=30),
                blocked_start=begin,
                blocked_end=begin + datetime.timedelta(minutes=30),
                status=BookingStatus.COMPLETED,
                price=svc.price,
                currency="GBP",
                source="import",
            )
        )
    Booking.objects.bulk_create(rows)
    for days in (3, 4, 5, 6):
        add_booking(clinic, patient, skin_consult, portal_emma, at(local_day(days), "11:00"))
    for n in range(30):
        notify(
            clinic=clinic,
            user=patient.user,
            kind="t",
            category=Category.MESSAGE,
            title=f"Message {n}",
            body="…",
            idempotency_key=f"q-{n}",
            channels=[],
        )
    from booking_api.services.cart import cart_add

    cart_add(clinic=clinic, client=patient, service=skin_consult)
    signed_in.get("/")  # warm: first-request work (sessions, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Message 29" in html and "Book again" in html and "Treatment" in html
    shown = set(card_types(response))
    assert set(DashboardCards.base_blocks) - {"promotion"} <= shown, shown
    assert "2500" in html.replace(",", "")  # the rewards balance: 500 entries of 5
    assert "Rex 2" in html and "Lucky wheel" in html
    # (21: the policy card without a page of its own looks up the clinic's policy page)
    assert len(queries) <= 21, "\n".join(q["sql"][:160] for q in queries.captured_queries)


def test_seed_is_idempotent_and_keeps_a_managers_cards(clinic):
    assert dashboard_cards_seed(clinic=clinic) is True
    page = clinic.site.root_page.specific
    page.refresh_from_db()
    assert len(page.cards) == 12
    assert dashboard_cards_seed(clinic=clinic) is False
    set_cards(clinic, WELCOME)
    assert dashboard_cards_seed(clinic=clinic) is False
    page.refresh_from_db()
    assert [c.block_type for c in page.cards] == ["welcome"]


def test_seed_portal_command(clinic, other_clinic):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_portal", stdout=out)
    assert "cards added" in out.getvalue()
    out = StringIO()
    call_command("seed_portal", "glow", stdout=out)
    assert "already has cards" in out.getvalue() and "Riverside" not in out.getvalue()


@pytest.mark.parametrize("block_type", list(DashboardCards().child_blocks))
def test_every_card_has_a_preview(admin_client, clinic, block_type):
    block = DashboardCards().child_blocks[block_type]
    assert block.is_previewable and block.get_description()
    response = admin_client.get(
        "/admin/block-preview/", {"id": block.definition_prefix}, HTTP_HOST=clinic.site.hostname
    )
    assert response.status_code == 200, response.content[:500]
    assert b"portal.css" in response.content


def test_a_newcomer_is_welcomed_and_a_returning_client_welcomed_back(
    clinic, patient, signed_in, skin_consult, portal_emma
):
    patient.user.first_name = "Ana"
    patient.user.save(update_fields=["first_name"])
    assert "<h1>Welcome, Ana</h1>" in signed_in.get("/").content.decode()

    add_booking(clinic, patient, skin_consult, portal_emma, at(local_day(3), "10:00"))
    assert "<h1>Welcome back, Ana</h1>" in signed_in.get("/").content.decode()

    # Without a name nobody is greeted by their email address.
    patient.user.first_name = ""
    patient.user.save(update_fields=["first_name"])
    html = signed_in.get("/").content.decode()
    assert "<h1>Welcome back</h1>" in html
    assert f"<h1>Welcome back, {patient.user.email}" not in html


def test_a_bulgarian_clinics_starter_dashboard_is_all_in_bulgarian(clinic, signed_in):
    """The starter cards' texts the blocks would take from their own defaults (fixed
    English: "You have no upcoming appointments.", "Read the full policy") are filled in
    the clinic's language when the dashboard is created."""
    clinic.language = "bg"
    clinic.save()
    dashboard_cards_seed(clinic=clinic)
    page = clinic.site.root_page.specific
    page.refresh_from_db()
    policy = next(card for card in page.cards if card.block_type == "policy")
    assert policy.value["link_label"] == "Прочетете всички правила"
    html = signed_in.get("/").content.decode()
    assert "Нямате предстоящи часове." in html
    for english in ("You have no upcoming appointments.", "Read the full policy", "Book now"):
        assert english not in html


def test_the_games_card_offers_play_only_when_the_games_page_would(clinic, signed_in, patient):
    """Issue 19 trial: the card offered "Play" on a game locked until a first visit and on
    one with no plays left. It shows the Games page's button: none while locked, "Your
    plays" once played out, "Play" on a playable game."""
    from loyalty.games.services import game_play
    from tests.factories.games import make_game

    dashboard_cards_seed(clinic=clinic)
    features_update(clinic=clinic, games=True)
    make_game(clinic, key="locked", name="Locked wheel", eligibility="after_visit")
    played = make_game(clinic, key="wheel", name="Played wheel")
    make_game(clinic, key="card", name="Fresh card", kind="scratch")
    game_play(game=played, client=patient)

    html = signed_in.get("/").content.decode()

    def row(name):
        return html[html.index(f"<strong>{name}</strong>") :].split("</li>")[0]

    assert "Opens to you after your first completed visit." in row("Locked wheel")
    assert "Play" not in row("Locked wheel").replace("Locked wheel", "")
    assert "No plays left for now" in row("Played wheel")
    assert ">Play<" not in row("Played wheel") and "Your plays" in row("Played wheel")
    assert ">Play<" in row("Fresh card")
