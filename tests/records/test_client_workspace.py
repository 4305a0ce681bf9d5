"""The staff client workspace: finding a client, the list's filters, the account view's
header, inline edits, archive and deactivation, notes, communication preferences and
the audit entries each leaves — each limited to the admin clinic, and to a therapist's
own clients for therapists."""

import datetime
import pathlib
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking_api.models import Booking, BookingStatus
from booking_api.services import booking_create
from branding.errors import NotAllowedError
from notifications.models import Preferences
from people.models import AuditEntry, ClientAccount, ClientNote
from people.selectors import client_ids_with_notes, clinic_clients
from people.services import note_create
from records.models import Message, MessageThread
from tests.factories.booking import ServiceFactory, StaffFactory, main_location
from tests.factories.clients import ClientAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENTS = "/admin/clinic/clients/"
JSON = {"HTTP_ACCEPT": "application/json"}


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def person(clinic, first, last, email, phone="", **extra):
    user = UserFactory(first_name=first, last_name=last, email=email)
    return ClientAccountFactory(clinic=clinic, user=user, phone=phone, **extra)


def add_booking(clinic, client, *, days, status=BookingStatus.COMPLETED, staff=None, price=4500):
    service = ServiceFactory(clinic=clinic, price=price, name=f"Facial {days}")
    staff = staff or StaffFactory(clinic=clinic, display_name="Tess")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    end = start + datetime.timedelta(minutes=30)
    return Booking.objects.create(
        clinic=clinic,
        client=client,
        service=service,
        staff=staff,
        location=main_location(clinic),
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        status=status,
        price=price,
        currency=clinic.currency,
        source="staff",
    )


def shown_names(response):
    return [account.name for account in response.context["page"].object_list]


@pytest.fixture
def zoe(clinic):
    return person(clinic, "Zoë", "Ångström", "zoe.a@example.com", "+447700900123")


@pytest.fixture
def bob(clinic):
    return person(clinic, "Bob", "Smith", "bob@example.com", "+447700900456")


@pytest.fixture
def theirs(other_clinic):
    return person(other_clinic, "Zoe", "Other", "zoe.other@example.com", "+447700900123")


def audit_actions(account):
    return list(
        AuditEntry.objects.filter(client=account).order_by("pk").values_list("action", "changes")
    )


# --- Finding a client ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["zoe", "ZOE", "Zoë", "angstrom", "ÅNGSTRÖM", "zo ang", "zoe.a@ex", "Zoe Angstrom"],
)
def test_search_by_name_or_email_ignores_case_and_accents(clinic, zoe, bob, theirs, query):
    assert list(clinic_clients(clinic, search=query)) == [zoe]


@pytest.mark.parametrize(
    "query",
    [
        "+44 7700 900123",
        "07700 900123",
        "07700900123",
        "(07700) 900-123",
        "0044 7700 900123",
        "7700900123",
        "900123",
        "+447700900123",
    ],
)
def test_search_by_phone_in_any_common_format(clinic, zoe, bob, theirs, query):
    assert list(clinic_clients(clinic, search=query)) == [zoe]


def test_search_finds_cyrillic_names_by_their_latin_spelling(clinic):
    ivan = person(clinic, "Иван", "Петров", "ivan@example.bg")
    assert list(clinic_clients(clinic, search="petrov")) == [ivan]
    assert list(clinic_clients(clinic, search="Петров")) == [ivan]


def test_search_follows_a_name_change_made_anywhere(clinic, zoe):
    zoe.user.last_name = "Brontë"
    zoe.user.save()
    assert list(clinic_clients(clinic, search="bronte")) == [zoe]
    assert list(clinic_clients(clinic, search="angstrom")) == []


def test_live_search_answers_with_just_the_results(clinic, staff_user, zoe, bob, theirs):
    response = signed_in(staff_user, clinic).get(CLIENTS, {"q": "zoe", "partial": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zoë Ångström" in html and "Bob" not in html and "Other" not in html
    assert "<html" not in html  # a fragment, swapped into the page by client_search.js


def test_the_list_page_loads_the_search_script_from_our_static_files(clinic, staff_user):
    html = signed_in(staff_user, clinic).get(CLIENTS).content.decode()
    assert "/static/records/admin/client_search.js" in html
    assert "data-client-search" in html


# --- List filters ---------------------------------------------------------------------


def test_list_filters_by_tag_vip_and_archived(clinic, staff_user, zoe, bob):
    zoe.tags = ["Blonde", "Sensitive skin"]
    zoe.save()
    bob.vip = True
    bob.save()
    gone = person(clinic, "Gone", "Away", "gone@example.com", archived_at=timezone.now())
    client = signed_in(staff_user, clinic)

    assert shown_names(client.get(CLIENTS, {"tag": "Sensitive skin"})) == ["Zoë Ångström"]
    assert shown_names(client.get(CLIENTS, {"vip": "yes"})) == ["Bob Smith"]
    assert shown_names(client.get(CLIENTS, {"vip": "no"})) == ["Zoë Ångström"]
    # Archived clients are hidden from the list and its search, and shown on request.
    assert gone.name not in shown_names(client.get(CLIENTS))
    assert shown_names(client.get(CLIENTS, {"q": "gone"})) == []
    assert shown_names(client.get(CLIENTS, {"archived": "on"})) == ["Gone Away"]


def test_list_filters_by_last_visit_range(clinic, staff_user, zoe, bob):
    add_booking(clinic, zoe, days=-40)
    add_booking(clinic, zoe, days=-5)  # Zoë's last visit
    add_booking(clinic, bob, days=-40)
    add_booking(clinic, bob, days=-3, status=BookingStatus.CANCELLED)  # not a visit
    today = timezone.localdate()
    client = signed_in(staff_user, clinic)

    recent = client.get(CLIENTS, {"visited_from": (today - datetime.timedelta(days=10))})
    assert shown_names(recent) == ["Zoë Ångström"]
    older = client.get(
        CLIENTS,
        {
            "visited_from": today - datetime.timedelta(days=60),
            "visited_to": today - datetime.timedelta(days=20),
        },
    )
    assert shown_names(older) == ["Bob Smith"]


def test_a_backwards_visit_range_is_named(clinic, staff_user, zoe):
    response = signed_in(staff_user, clinic).get(
        CLIENTS, {"visited_from": "2026-05-01", "visited_to": "2026-04-01"}
    )
    assert list(response.context["form"].errors) == ["visited_to"]
    assert 'data-field-error="visited_to"' in response.content.decode()


def test_list_pages_through_the_clients(clinic, staff_user, monkeypatch):
    from records.workspace.client_list import ClientIndexView

    monkeypatch.setattr(ClientIndexView, "per_page", 2)
    for n in range(5):
        person(clinic, f"Client{n}", "Same", f"c{n}@example.com")
    client = signed_in(staff_user, clinic)

    first, last = client.get(CLIENTS), client.get(CLIENTS, {"page": 3})
    assert shown_names(first) == ["Client0 Same", "Client1 Same"]
    assert shown_names(last) == ["Client4 Same"]
    assert "Page 1 of 3" in first.content.decode()


def test_notes_icon_beside_clients_with_notes(clinic, staff_user, zoe, bob, theirs):
    note_create(clinic=clinic, account=zoe, author=staff_user, body="Prefers mornings")

    html = signed_in(staff_user, clinic).get(CLIENTS).content.decode()

    row = html[html.index(f'data-client-row="{zoe.pk}"') :].split("</tr>")[0]
    other_row = html[html.index(f'data-client-row="{bob.pk}"') :].split("</tr>")[0]
    assert "data-has-notes" in row and "data-has-notes" not in other_row
    # Another clinic's id never reports this clinic's notes, and vice versa.
    assert client_ids_with_notes(clinic, [zoe.pk, bob.pk, theirs.pk]) == {zoe.pk}


# --- The account view: header, tabs, access --------------------------------------------


def test_header_shows_visits_spending_appointments_and_pinned_notes(clinic, staff_user, zoe):
    first = add_booking(clinic, zoe, days=-30, price=4500)
    last = add_booking(clinic, zoe, days=-2, price=5500)
    # "Total spent" is what was paid (£45.00 and £30.00 of £55.00), not the prices.
    from django.utils import timezone

    from payments.models import Payment

    for booking, paid in ((first, 4500), (last, 3000)):
        Payment.objects.create(
            clinic=clinic,
            booking=booking,
            kind="full",
            amount=paid,
            amount_captured=paid,
            currency="GBP",
            status="succeeded",
            succeeded_at=timezone.now(),
            idempotency_key=f"spent-{booking.pk}",
        )
    add_booking(clinic, zoe, days=-10, status=BookingStatus.NO_SHOW, price=9900)
    upcoming = add_booking(clinic, zoe, days=3, status=BookingStatus.BOOKED)
    note_create(
        clinic=clinic, account=zoe, author=staff_user, body="Allergic to latex", pinned=True
    )
    note_create(clinic=clinic, account=zoe, author=staff_user, body="Likes tea")

    response = signed_in(staff_user, clinic).get(f"{CLIENTS}{zoe.pk}/")

    html = response.content.decode()
    summary = response.context["summary"]
    assert summary.visits == 2
    assert summary.last == last and summary.next == upcoming
    header = html[html.index("data-client-header") : html.index('class="w-tabs"')]
    assert "£75.00" in header and "£100.00" not in header
    assert last.service.name in header and upcoming.service.name in header and "Tess" in header
    assert "Allergic to latex" in header and "Likes tea" not in header
    for key in ("overview", "appointments", "notes", "preferences", "audit"):
        assert f'data-account-tab="{key}"' in html


def test_book_appointment_button_opens_the_calendar_for_this_client(clinic, staff_user, zoe):
    response = signed_in(staff_user, clinic).get(f"{CLIENTS}{zoe.pk}/")
    # The staff calendar is always installed (booking_api): its URL must reverse.
    assert response.context["book_url"] == reverse("booking_calendar:new") + f"?client={zoe.pk}"
    assert "data-book-appointment" in response.content.decode()


def test_appointments_tab_lists_upcoming_then_past_with_status_staff_and_amount(
    clinic, staff_user, zoe
):
    past = add_booking(clinic, zoe, days=-3, price=4500)
    cancelled = add_booking(clinic, zoe, days=-1, status=BookingStatus.CANCELLED)
    soon = add_booking(clinic, zoe, days=2, status=BookingStatus.CONFIRMED)

    response = signed_in(staff_user, clinic).get(f"{CLIENTS}{zoe.pk}/?tab=appointments")

    tabs = {tab.key: context for tab, context in response.context["tabs"]}
    assert tabs["appointments"]["upcoming"] == [soon]
    assert tabs["appointments"]["past"] == [cancelled, past]
    html = response.content.decode()
    panel = html[html.index('data-account-tab="appointments"') :]
    assert "Confirmed" in panel and "Cancelled" in panel and "Tess" in panel and "45.00" in panel
    # "Cancel" opens the page that asks first (reason, refund, fee), not a missing anchor.
    assert f'href="/admin/payments/bookings/{soon.pk}/cancel/"' in panel
    assert "#cancel" not in panel


def test_appointments_tab_filters_by_pet(clinic, staff_user, zoe):
    from people.models import Pet

    rex = Pet.objects.create(clinic=clinic, owner=zoe, name="Rex")
    tom = Pet.objects.create(clinic=clinic, owner=zoe, name="Tom")
    for_rex = add_booking(clinic, zoe, days=-3)
    for_rex.pet = rex
    for_rex.save()
    for_tom = add_booking(clinic, zoe, days=-2)
    for_tom.pet = tom
    for_tom.save()

    response = signed_in(staff_user, clinic).get(
        f"{CLIENTS}{zoe.pk}/", {"tab": "appointments", "pet": rex.pk}
    )

    tabs = {tab.key: context for tab, context in response.context["tabs"]}
    assert tabs["appointments"]["past"] == [for_rex]
    assert [name for _, name in tabs["appointments"]["pets"]] == ["Rex", "Tom"]


def test_another_clinics_client_is_not_found_by_any_door(clinic, staff_user, theirs):
    client = signed_in(staff_user, clinic)
    base = f"{CLIENTS}{theirs.pk}/"
    assert client.get(base).status_code == 404
    assert (
        client.post(f"{base}field/", {"field": "phone", "value": "07700900999"}).status_code == 404
    )
    assert client.post(f"{base}status/", {"action": "archive"}).status_code == 404
    assert client.post(f"{base}notes/", {"body": "x"}).status_code == 404
    assert client.post(f"{base}preferences/", {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.phone == "+447700900123" and theirs.archived_at is None
    assert not ClientNote.objects.exists()
    assert not AuditEntry.objects.filter(client=theirs).exists()


def test_a_note_of_another_client_cannot_be_pinned_through_this_one(clinic, staff_user, zoe, bob):
    note = note_create(clinic=clinic, account=bob, author=staff_user, body="Bob's")
    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/notes/{note.pk}/pin/", {"pinned": "1"}
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert not note.pinned


def test_therapists_see_only_their_own_clients_read_only(clinic, therapist_user, zoe, bob):
    mine = StaffFactory(clinic=clinic, user=therapist_user, display_name="Thea")
    add_booking(clinic, zoe, days=-3, staff=mine)
    client = signed_in(therapist_user, clinic)

    response = client.get(f"{CLIENTS}{zoe.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-inline-edit" not in html and 'value="archive"' not in html
    assert 'data-account-tab="preferences"' not in html
    assert client.get(f"{CLIENTS}{bob.pk}/").status_code == 404
    # Contact details, standing and preferences are the front desk's.
    assert client.post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": "phone", "value": "07700900999"}
    ).status_code in (302, 403)
    assert client.post(f"{CLIENTS}{zoe.pk}/status/", {"action": "archive"}).status_code in (
        302,
        403,
    )
    assert client.post(f"{CLIENTS}{zoe.pk}/preferences/", {}).status_code in (302, 403)
    # Notes are for everyone who treats the client.
    assert (
        client.post(f"{CLIENTS}{zoe.pk}/notes/", {"body": "Reacts to retinol"}).status_code == 302
    )
    zoe.refresh_from_db()
    assert zoe.phone == "+447700900123" and zoe.archived_at is None
    assert ClientNote.objects.get().author == therapist_user


def test_a_therapist_is_offered_no_link_that_refuses_them(clinic, therapist_user, zoe):
    """Every admin link on the client page a therapist opens leads somewhere they may go:
    no "New message" (or thread) link that ends on the dashboard's permission refusal."""
    mine = StaffFactory(clinic=clinic, user=therapist_user, display_name="Thea")
    add_booking(clinic, zoe, days=-3, staff=mine)
    thread = MessageThread.objects.create(
        clinic=clinic, client=zoe, kind="chat", subject="Aftercare"
    )
    Message.objects.create(thread=thread, sender="client", body="Is redness normal?")
    client = signed_in(therapist_user, clinic)
    html = client.get(f"{CLIENTS}{zoe.pk}/").content.decode()
    keys = re.findall(r'data-account-tab="([\w-]+)"', html)
    # every tab's panel, as the page fetches it when the tab is opened
    html += "".join(
        client.get(f"{CLIENTS}{zoe.pk}/", {"tab": key, "partial": "1"}).content.decode()
        for key in keys
    )
    page = BeautifulSoup(html, "html.parser")
    links = {
        a["href"].split("#")[0]
        for a in page.select("main a[href^='/admin/']")
        if a["href"].split("#")[0]
    }
    assert links, "the page has admin links to check"
    dead = {}
    for href in sorted(links):
        response = client.get(href)
        if response.status_code != 200:
            dead[href] = (response.status_code, response.get("Location"))
    assert not dead, dead
    assert "Is redness normal?" in str(page)  # the therapist still reads the messages


# --- Inline edits ---------------------------------------------------------------------


def test_inline_edit_saves_a_phone_in_e164_and_audits_before_and_after(clinic, staff_user, zoe):
    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": "phone", "value": "07700 900999"}, **JSON
    )

    assert response.status_code == 200
    assert response.json() == {"field": "phone", "value": "+447700900999"}
    zoe.refresh_from_db()
    assert zoe.phone == "+447700900999"
    assert list(clinic_clients(clinic, search="07700 900999")) == [zoe]
    entry = AuditEntry.objects.get(client=zoe, action="change")
    assert entry.changes == {"phone": ["+447700900123", "+447700900999"]}
    assert entry.actor == staff_user


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("phone", "12", "phone number"),
        ("email", "not-an-email", "email address"),
        ("first_name", "   ", "first name is required"),
        ("date_of_birth", "31/02/1990", "date"),
        ("date_of_birth", "2999-01-01", "not a possible"),
    ],
)
def test_inline_edit_refuses_bad_values_naming_the_field(
    clinic, staff_user, zoe, field, value, words
):
    before = (zoe.phone, zoe.user.email, zoe.user.first_name, zoe.date_of_birth)

    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": field, "value": value}, **JSON
    )

    assert response.status_code == 400
    body = response.json()  # the admin's one JSON error shape (the API's)
    assert body["field"] == field and body["code"] and body["errors"] == {field: [body["detail"]]}
    assert words in body["detail"].lower()
    zoe.refresh_from_db()
    zoe.user.refresh_from_db()
    assert (zoe.phone, zoe.user.email, zoe.user.first_name, zoe.date_of_birth) == before
    assert not AuditEntry.objects.filter(client=zoe, action="change").exists()


def test_inline_edit_refuses_an_email_someone_else_has(clinic, staff_user, zoe, bob):
    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": "email", "value": "BOB@example.com"}, **JSON
    )
    assert response.status_code == 400 and response.json()["field"] == "email"


def test_a_login_shared_with_another_clinic_keeps_its_email(clinic, other_clinic, staff_user, zoe):
    ClientAccountFactory(clinic=other_clinic, user=zoe.user)

    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": "email", "value": "new@example.com"}, **JSON
    )

    assert response.status_code == 400 and response.json()["field"] == "email"
    zoe.user.refresh_from_db()
    assert zoe.user.email == "zoe.a@example.com"


def test_inline_edit_of_name_email_tags_and_vip(clinic, staff_user, zoe):
    client = signed_in(staff_user, clinic)
    url = f"{CLIENTS}{zoe.pk}/field/"

    assert (
        client.post(url, {"field": "email", "value": " Zoe@New.example "}, **JSON).json()["value"]
        == "zoe@new.example"
    )
    assert client.post(url, {"field": "last_name", "value": "Brontë"}, **JSON).status_code == 200
    tags = client.post(url, {"field": "tags", "value": "Blonde, sensitive skin, blonde, "}, **JSON)
    assert tags.json()["value"] == "Blonde, sensitive skin"
    assert client.post(url, {"field": "vip", "value": "1"}).status_code == 302  # plain form

    zoe.refresh_from_db()
    assert (zoe.user.email, zoe.user.last_name, zoe.tags, zoe.vip) == (
        "zoe@new.example",
        "Brontë",
        ["Blonde", "sensitive skin"],
        True,
    )
    assert list(clinic_clients(clinic, search="bronte new.example")) == [zoe]
    changed = {next(iter(c)) for a, c in audit_actions(zoe) if a == "change"}
    assert changed == {"email", "last_name", "tags", "vip"}


def test_unknown_fields_cannot_be_set(clinic, staff_user, zoe):
    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/field/", {"field": "online_booking_blocked", "value": "1"}, **JSON
    )
    assert response.status_code == 400 and response.json()["field"] == "online_booking_blocked"


# --- Archive and deactivate -------------------------------------------------------------


def test_archive_hides_the_client_keeps_the_data_and_is_undone(clinic, staff_user, zoe):
    booking = add_booking(clinic, zoe, days=-3)
    client = signed_in(staff_user, clinic)

    response = client.post(f"{CLIENTS}{zoe.pk}/status/", {"action": "archive"}, follow=True)

    assert "hidden from lists" in response.content.decode()
    zoe.refresh_from_db()
    assert zoe.archived_at is not None
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert zoe.name not in shown_names(client.get(CLIENTS))
    assert client.get(f"{CLIENTS}{zoe.pk}/").status_code == 200  # still reachable by staff

    client.post(f"{CLIENTS}{zoe.pk}/status/", {"action": "unarchive"})
    zoe.refresh_from_db()
    assert zoe.archived_at is None
    assert [c for a, c in audit_actions(zoe) if "archived_at" in c][0]["archived_at"][0] is None
    assert len([1 for a, c in audit_actions(zoe) if "archived_at" in c]) == 2


def test_a_deactivated_client_cannot_book_online_until_reactivated(clinic, staff_user, zoe):
    signed_in(staff_user, clinic).post(f"{CLIENTS}{zoe.pk}/status/", {"action": "deactivate"})
    zoe.refresh_from_db()
    assert zoe.deactivated_at is not None
    service = ServiceFactory(clinic=clinic)
    staff = StaffFactory(clinic=clinic, services=[service])
    start = timezone.now() + datetime.timedelta(days=30)

    with pytest.raises(NotAllowedError, match="not active"):
        booking_create(
            clinic=clinic, client=zoe, service=service, staff=staff, start=start, source="portal"
        )

    signed_in(staff_user, clinic).post(f"{CLIENTS}{zoe.pk}/status/", {"action": "reactivate"})
    zoe.refresh_from_db()
    assert zoe.deactivated_at is None


# --- Notes --------------------------------------------------------------------------------


def test_staff_add_a_pinned_note_which_leads_the_account_view(clinic, staff_user, zoe):
    client = signed_in(staff_user, clinic)
    client.post(f"{CLIENTS}{zoe.pk}/notes/", {"body": "First note"})
    client.post(f"{CLIENTS}{zoe.pk}/notes/", {"body": "Allergic to latex", "pinned": "on"})

    html = client.get(f"{CLIENTS}{zoe.pk}/?tab=notes").content.decode()

    assert html.index("Allergic to latex") < html.index("First note")
    assert "data-pinned-notes" in html
    entries = [c for a, c in audit_actions(zoe) if a == "note"]
    assert [e["note"][1] for e in entries] == ["First note", "Allergic to latex"]


def test_an_empty_note_is_refused(clinic, staff_user, zoe):
    response = signed_in(staff_user, clinic).post(
        f"{CLIENTS}{zoe.pk}/notes/", {"body": "  "}, **JSON
    )
    assert response.status_code == 400 and response.json()["field"] == "body"
    assert not ClientNote.objects.exists()


def test_pinning_and_unpinning_is_audited(clinic, staff_user, zoe):
    note = note_create(clinic=clinic, account=zoe, author=staff_user, body="Runs late")
    client = signed_in(staff_user, clinic)

    client.post(f"{CLIENTS}{zoe.pk}/notes/{note.pk}/pin/", {"pinned": "1"})
    note.refresh_from_db()
    assert note.pinned
    client.post(f"{CLIENTS}{zoe.pk}/notes/{note.pk}/pin/", {"pinned": "0"})
    note.refresh_from_db()
    assert not note.pinned
    assert [c.get("pinned") for a, c in audit_actions(zoe) if a == "note"][1:] == [
        [False, True],
        [True, False],
    ]


def test_notes_never_reach_the_client(clinic, staff_user, zoe):
    from rest_framework.test import APIClient

    secret = "Difficult client, insists on discounts"
    note_create(clinic=clinic, account=zoe, author=staff_user, body=secret, pinned=True)
    add_booking(clinic, zoe, days=2, status=BookingStatus.BOOKED)
    portal = Client(HTTP_HOST=clinic.site.hostname)
    portal.force_login(zoe.user)
    api = APIClient(HTTP_HOST=clinic.site.hostname)
    api.force_authenticate(zoe.user)

    pages = ["/", "/bookings/", "/bookings/history/", "/account/", "/notifications/"]
    endpoints = ["/api/v1/me", "/api/v1/bookings", "/api/v1/notifications", "/api/v1/messages"]
    for url in pages:
        assert secret not in portal.get(url, follow=True).content.decode(), url
    for url in endpoints:
        assert secret not in api.get(url).content.decode(), url


def test_no_client_facing_module_reads_internal_notes():
    """The portal and every REST API are the client's doors: none may touch ClientNote."""
    root = pathlib.Path(__file__).resolve().parents[2]
    doors = [*root.glob("*/api/*.py"), *root.glob("portal_pages/**/*.py")]
    readers = [str(path.relative_to(root)) for path in doors if "ClientNote" in path.read_text()]
    assert doors and readers == []


# --- Communication preferences -------------------------------------------------------------


def test_staff_change_the_clients_own_preferences_with_an_audit_entry(clinic, staff_user, zoe):
    # Everything ticked except SMS reminders and postcards.
    names = "surveys booking_email reminder_email message_email marketing_email marketing_sms push"
    ticked = dict.fromkeys(names.split(), "on")

    response = signed_in(staff_user, clinic).post(f"{CLIENTS}{zoe.pk}/preferences/", ticked)

    assert response.status_code == 302
    prefs = Preferences.objects.get(clinic=clinic, user=zoe.user)
    assert (prefs.reminder_sms, prefs.postcards, prefs.marketing_email) == (False, False, True)
    entry = AuditEntry.objects.get(client=zoe, action="change")
    assert entry.changes == {
        "marketing_email": [False, True],
        "marketing_sms": [False, True],
        "reminder_sms": [True, False],
    }


def test_the_preferences_tab_shows_what_the_client_chose(clinic, staff_user, zoe):
    Preferences.objects.create(clinic=clinic, user=zoe.user, surveys=False, postcards=True)

    html = signed_in(staff_user, clinic).get(f"{CLIENTS}{zoe.pk}/?tab=preferences").content.decode()

    panel = html[html.index('data-account-tab="preferences"') :].split("</section>")[0]
    assert 'name="surveys">' in panel  # not checked
    assert 'name="postcards" checked' in panel
    assert "Language for messages: English (the clinic's language)." in panel


def test_the_preferences_tab_shows_the_language_the_client_chose(clinic, staff_user, zoe):
    Preferences.objects.create(clinic=clinic, user=zoe.user, language="bg")

    html = signed_in(staff_user, clinic).get(f"{CLIENTS}{zoe.pk}/?tab=preferences").content.decode()

    panel = html[html.index('data-account-tab="preferences"') :].split("</section>")[0]
    assert "Language for messages: Bulgarian (the client's choice)." in panel


# --- Audit -------------------------------------------------------------------------------


def test_every_view_is_audited_once_with_the_viewer(clinic, staff_user, zoe):
    client = signed_in(staff_user, clinic)
    client.get(f"{CLIENTS}{zoe.pk}/")
    client.get(f"{CLIENTS}{zoe.pk}/")
    views = AuditEntry.objects.filter(client=zoe, action="view")
    assert views.count() == 2 and {e.actor for e in views} == {staff_user}
    assert ClientAccount.objects.get(pk=zoe.pk)  # nothing else about the client changed
