"""Issue 18 #10: every staff read of client data is in the audit log — a client's photo,
the client list's search and live search, the calendar's client look-up, calendar views
(one entry per view, naming the days), the reward request queue, game plays and the
feedback list — each one entry per request, with the actor, the clinic, the action and
the client's real address behind the load balancer (never a forged X-Forwarded-For
entry, never the balancer's). A patient's reads of their own data are not audited."""

import pytest
from django.test import Client
from django.urls import reverse

from booking_api.services import booking_create
from loyalty.games.services import game_play
from loyalty.rewards.services import reward_request_create
from loyalty.services import points_award
from people.models import AuditEntry, Photo
from records.models import Feedback
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.games import make_game
from tests.factories.loyalty import RewardFactory
from tests.factories.records import upload
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.1"
REAL = "203.0.113.9"  # what our one trusted proxy saw and appended
FORGED = "6.6.6.6"  # what the client put in the header itself
AGENT = "Mozilla/5.0 (audit reads)"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def behind_the_balancer(user, clinic):
    client = Client(
        HTTP_HOST=clinic.site.hostname,
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {REAL}",
        HTTP_USER_AGENT=AGENT,
    )
    client.force_login(user)
    return client


def the_one_new_entry(before, *, actor, clinic, action, client=None):
    """The request wrote exactly one entry, by ``actor`` at ``clinic``, from the real
    client address."""
    new = list(AuditEntry.objects.exclude(pk__in=before))
    assert len(new) == 1, [entry.summary for entry in new]
    [entry] = new
    assert (entry.actor, entry.clinic, entry.action, entry.client) == (
        actor,
        clinic,
        action,
        client,
    )
    assert entry.ip_address == REAL
    assert entry.user_agent == AGENT
    return entry


def existing():
    return list(AuditEntry.objects.values_list("pk", flat=True))


@pytest.fixture
def ada(clinic):
    return ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com"),
        phone="+447700900123",
    )


# --- Photos ------------------------------------------------------------------------------


def test_a_staff_view_of_a_clients_photo_is_audited(vet, owner, vet_portal, vet_staff):
    vet_portal.post("/photos/", {"image": upload()})
    photo = Photo.objects.get()
    url = reverse("client_records:photo_file", kwargs={"client_pk": owner.pk, "photo_id": photo.pk})
    before = existing()

    response = behind_the_balancer(vet_staff, vet).get(url)

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=vet_staff, clinic=vet, action="view", client=owner)
    assert f"photo #{photo.pk}" in entry.summary


def test_the_owner_looking_at_their_own_photo_is_not_audited(vet, vet_portal):
    vet_portal.post("/photos/", {"image": upload()})
    photo = Photo.objects.get()
    before = existing()

    response = vet_portal.get(reverse("portal:photo_file", kwargs={"photo_id": photo.pk}))

    assert response.status_code == 200
    assert existing() == before


def test_another_clinics_staff_asking_for_the_photo_writes_nothing(
    vet, owner, vet_portal, glow_on, manager
):
    vet_portal.post("/photos/", {"image": upload()})
    photo = Photo.objects.get()
    url = reverse("client_records:photo_file", kwargs={"client_pk": owner.pk, "photo_id": photo.pk})
    before = existing()

    assert behind_the_balancer(manager, glow_on).get(url).status_code == 404
    assert existing() == before


# --- The client list: search and live search ---------------------------------------------


def test_a_client_list_search_is_one_search_entry_naming_the_query(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get("/admin/clinic/clients/?q=lovelace")

    assert response.status_code == 200 and "Ada Lovelace" in response.content.decode()
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="search")
    assert "'lovelace'" in entry.summary and "1 clients matched" in entry.summary


def test_the_live_search_is_one_search_entry_per_request(clinic, staff_user, ada):
    browser = behind_the_balancer(staff_user, clinic)
    before = existing()

    response = browser.get("/admin/clinic/clients/?q=ada&partial=1")

    assert response.status_code == 200 and "Ada Lovelace" in response.content.decode()
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="search")
    assert "live search" in entry.summary and "'ada'" in entry.summary


# --- The calendar: its client look-up and its views ---------------------------------------


def test_the_calendars_client_lookup_is_audited(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get(
        "/admin/bookings/calendar/clients/?q=ada"
    )

    assert [r["name"] for r in response.json()["results"]] == ["Ada Lovelace"]
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="search")
    assert "'ada'" in entry.summary and "1 shown" in entry.summary


def test_the_new_booking_pages_own_client_search_is_audited(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get("/admin/bookings/calendar/new/?q=ada")

    assert response.status_code == 200 and "Ada Lovelace" in response.content.decode()
    the_one_new_entry(before, actor=staff_user, clinic=clinic, action="search")


def test_showing_the_chosen_client_on_the_new_booking_page_is_audited(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get(
        f"/admin/bookings/calendar/new/?client={ada.pk}"
    )

    assert response.status_code == 200 and "ada@example.com" in response.content.decode()
    the_one_new_entry(before, actor=staff_user, clinic=clinic, action="view", client=ada)


def test_a_type_ahead_too_short_to_search_reads_and_writes_nothing(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get("/admin/bookings/calendar/clients/?q=a")

    assert response.json() == {"results": []}
    assert existing() == before


def test_a_calendar_view_is_one_entry_naming_its_days_not_one_per_booking(
    open_policy, staff_user, service, emma
):
    clinic = open_policy
    for hour in ("10:00", "11:00", "12:00"):
        booking_create(
            clinic=clinic,
            client=ClientAccountFactory(clinic=clinic),
            service=service,
            staff=emma,
            start=at(MONDAY, hour),
            source="staff",
        )
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get(
        f"/admin/bookings/calendar/?view=week&date={MONDAY.isoformat()}"
    )

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="view")
    sunday = MONDAY.toordinal() + 6
    assert MONDAY.isoformat() in entry.summary
    assert type(MONDAY).fromordinal(sunday).isoformat() in entry.summary
    assert "week" in entry.summary


def test_a_therapists_calendar_view_names_whose_diary_it_was(open_policy, service):
    from tests.factories.clients import MembershipFactory

    clinic = open_policy
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    StaffFactory(clinic=clinic, display_name="Theo", services=[service], user=therapist)
    before = existing()

    response = behind_the_balancer(therapist, clinic).get(
        f"/admin/bookings/calendar/?date={MONDAY.isoformat()}"
    )

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=therapist, clinic=clinic, action="view")
    assert "Theo" in entry.summary and MONDAY.isoformat() in entry.summary


# --- Loyalty: the reward queue and game plays ---------------------------------------------


def test_viewing_the_reward_request_queue_is_audited(clinic, staff_user, patient, programme):
    reward = RewardFactory(clinic=clinic, name="£5 off", cost=100, amount_off=500)
    points_award(clinic=clinic, client=patient, amount=250, reason="visits")
    reward_request_create(clinic=clinic, client=patient, reward_id=reward.pk)
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get("/admin/loyalty/requests/")

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="view")
    assert "reward request queue" in entry.summary and "1 pending" in entry.summary


def test_viewing_the_game_plays_is_audited(clinic, staff_user, patient):
    game_play(game=make_game(clinic), client=patient)
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get("/admin/loyalty/game-plays/")

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=staff_user, clinic=clinic, action="view")
    assert "game plays" in entry.summary


# --- The feedback list ---------------------------------------------------------------


def test_viewing_the_feedback_list_is_audited(clinic, manager, patient, service, emma):
    visit = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, "10:00"),
        source="staff",
    )
    Feedback.objects.create(clinic=clinic, client=patient, booking=visit, rating=2)
    before = existing()

    response = behind_the_balancer(manager, clinic).get("/admin/clinic/feedback/")

    assert response.status_code == 200
    entry = the_one_new_entry(before, actor=manager, clinic=clinic, action="view")
    assert "1 shown" in entry.summary


# --- The address -------------------------------------------------------------------------


def test_a_client_view_stores_the_clients_address_not_the_balancers(clinic, staff_user, ada):
    before = existing()

    response = behind_the_balancer(staff_user, clinic).get(f"/admin/clinic/clients/{ada.pk}/")

    assert response.status_code == 200
    the_one_new_entry(before, actor=staff_user, clinic=clinic, action="view", client=ada)
