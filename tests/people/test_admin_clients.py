"""The clinic workspace in the admin: locations, clients and team, each limited to the
clinic the person works at."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from branding.models import Location
from people.models import AuditEntry, ClientAccount, ClinicMembership
from people.selectors import admin_clinic_for_user
from tests.factories.branding import LocationFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCATIONS = "/admin/clinic/locations/"
CLIENTS = "/admin/clinic/clients/"
INVITE = "/admin/clinic/clients/invite/"
TEAM = "/admin/clinic/team/"


def signed_in(user, clinic=None):
    client = Client(HTTP_HOST=clinic.site.hostname) if clinic else Client()
    client.force_login(user)
    return client


def location_form(name="Soho", key="soho", is_main="", hours=(), closures=(), **extra):
    data = {"name": name, "key": key, "address": "1 Dean St", "phone": "", **extra}
    if is_main:
        data["is_main"] = "on"
    for prefix, rows in (("hours", hours), ("closures", closures)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


# --- Which clinic the admin works on ------------------------------------------------


def test_admin_clinic_is_the_host_clinic_when_a_member_there(clinic, other_clinic, manager):
    MembershipFactory(clinic=other_clinic, user=manager, role="staff")
    assert admin_clinic_for_user(manager, host_clinic=other_clinic) == other_clinic
    assert admin_clinic_for_user(manager, host_clinic=clinic) == clinic


def test_admin_clinic_falls_back_to_the_first_membership(clinic, other_clinic, manager):
    assert admin_clinic_for_user(manager, host_clinic=other_clinic) == clinic
    assert admin_clinic_for_user(manager) == clinic
    assert admin_clinic_for_user(UserFactory()) is None


def test_only_superusers_may_switch_clinic(clinic, other_clinic, manager):
    assert admin_clinic_for_user(manager, chosen_clinic_id=other_clinic.pk) == clinic
    root = UserFactory(is_superuser=True)
    assert admin_clinic_for_user(root, chosen_clinic_id=other_clinic.pk) == other_clinic


# --- Locations ----------------------------------------------------------------------


def test_manager_lists_only_own_clinics_locations(clinic, other_clinic, manager):
    LocationFactory(clinic=clinic, name="Glow Soho")
    LocationFactory(clinic=other_clinic, name="Riverside Quay")

    response = signed_in(manager, clinic).get(LOCATIONS)

    assert response.status_code == 200
    assert b"Glow Soho" in response.content
    assert b"Riverside Quay" not in response.content


def test_manager_creates_a_location_with_hours_and_closures(clinic, other_clinic, manager):
    # Opened on the other clinic's domain: still creates for the manager's own clinic.
    response = signed_in(manager, other_clinic).post(
        LOCATIONS + "new/",
        location_form(
            is_main="on",
            hours=[{"weekday": 0, "start": "09:00", "end": "17:30"}],
            closures=[{"date": "2030-12-25", "reason": "Christmas"}],
        ),
    )

    assert response.status_code == 302
    location = Location.objects.get(key="soho")
    assert location.clinic == clinic and location.is_main
    assert [(h.weekday, h.start, h.end) for h in location.opening_hours.all()] == [
        (0, datetime.time(9), datetime.time(17, 30))
    ]
    assert [c.date for c in location.closures.all()] == [datetime.date(2030, 12, 25)]


def test_location_form_names_the_field_at_fault(clinic, manager):
    LocationFactory(clinic=clinic, key="soho", is_main=True, name="Old main")
    client = signed_in(manager, clinic)

    response = client.post(
        LOCATIONS + "new/",
        location_form(
            key="soho", is_main="on", hours=[{"weekday": 1, "start": "18:00", "end": "09:00"}]
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"key", "is_main"}
    assert form.hours_formset.errors[0] == {"end": ["Closing time must be after opening time."]}
    assert b"Old main is already the main location" in response.content
    assert Location.objects.filter(clinic=clinic).count() == 1


def test_manager_edits_own_location_and_replaces_hours(clinic, manager):
    location = LocationFactory(
        clinic=clinic, key="soho", opening_hours={0: [(datetime.time(9), datetime.time(17))]}
    )
    hours = location.opening_hours.get()
    data = location_form(name="Soho Square", key="soho")
    data.update(
        {
            "hours-TOTAL_FORMS": 1,
            "hours-INITIAL_FORMS": 1,
            "hours-0-id": hours.pk,
            "hours-0-location": location.pk,
            "hours-0-weekday": 0,
            "hours-0-start": "09:00",
            "hours-0-end": "17:00",
            "hours-0-DELETE": "on",
        }
    )

    response = signed_in(manager, clinic).post(f"{LOCATIONS}edit/{location.pk}/", data)

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.name == "Soho Square"
    assert not location.opening_hours.exists()


def test_another_clinics_location_is_not_found_by_id(clinic, other_clinic, manager):
    theirs = LocationFactory(clinic=other_clinic, name="Riverside Quay")
    client = signed_in(manager, clinic)

    assert client.get(f"{LOCATIONS}edit/{theirs.pk}/").status_code == 404
    post = client.post(f"{LOCATIONS}edit/{theirs.pk}/", location_form(name="Mine", key="x"))
    assert post.status_code == 404
    assert client.post(f"{LOCATIONS}delete/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Riverside Quay"


def test_staff_cannot_manage_locations(clinic, staff_user):
    location = LocationFactory(clinic=clinic)
    client = signed_in(staff_user, clinic)

    assert client.get(LOCATIONS).status_code in (302, 403)
    assert client.post(LOCATIONS + "new/", location_form()).status_code in (302, 403)
    assert client.get(f"{LOCATIONS}edit/{location.pk}/").status_code in (302, 403, 404)
    assert not Location.objects.filter(key="soho").exists()


def test_superuser_sees_every_clinics_locations(clinic, other_clinic):
    LocationFactory(clinic=clinic, name="Glow Soho")
    LocationFactory(clinic=other_clinic, name="Riverside Quay")
    root = UserFactory(is_superuser=True)

    response = signed_in(root).get(LOCATIONS)

    assert b"Glow Soho" in response.content and b"Riverside Quay" in response.content


# --- Clients ------------------------------------------------------------------------


@pytest.fixture
def clients_of_both(clinic, other_clinic):
    ours = ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com"),
        phone="+447700900111",
    )
    ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.com"),
        phone="+447700900222",
    )
    theirs = ClientAccountFactory(
        clinic=other_clinic,
        user=UserFactory(first_name="Rosalind", last_name="Franklin", email="ros@example.com"),
    )
    return ours, theirs


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_clinic_people_list_only_their_clinics_clients(clinic, clients_of_both, role):
    person = MembershipFactory(clinic=clinic, role=role).user

    response = signed_in(person, clinic).get(CLIENTS)

    assert response.status_code == 200
    assert b"Ada Lovelace" in response.content
    assert b"Grace Hopper" in response.content
    assert b"Rosalind" not in response.content


@pytest.mark.parametrize(
    "query,expected",
    [
        ("lovelace", ["Ada Lovelace"]),
        ("grace@example", ["Grace Hopper"]),
        ("07700 900111", ["Ada Lovelace"]),
        ("900222", ["Grace Hopper"]),
        ("Rosalind", []),
    ],
)
def test_client_search_by_name_email_or_phone(clinic, staff_user, clients_of_both, query, expected):
    response = signed_in(staff_user, clinic).get(CLIENTS, {"q": query})

    shown = [a.name for a in response.context["page"].object_list]
    assert shown == expected


def test_another_clinics_client_is_not_found_by_id(clinic, staff_user, clients_of_both):
    ours, theirs = clients_of_both
    client = signed_in(staff_user, clinic)

    assert client.get(f"{CLIENTS}{ours.pk}/").status_code == 200
    response = client.get(f"{CLIENTS}{theirs.pk}/")
    assert response.status_code == 404
    assert b"Rosalind" not in response.content


def test_staff_invites_a_client(clinic, staff_user, django_capture_on_commit_callbacks):
    client = signed_in(staff_user, clinic)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INVITE,
            {
                "first_name": "Mary",
                "last_name": "Shelley",
                "email": "mary@example.com",
                "phone": "07700 900333",
                "invite": "on",  # only when asked (walk-ins get no email)
            },
            follow=True,
        )

    assert response.status_code == 200
    assert b"Invitation sent to mary@example.com" in response.content
    account = ClientAccount.objects.get(clinic=clinic, user__email="mary@example.com")
    assert account.phone == "+447700900333" and account.invited_at is not None
    assert [m.to for m in mail.outbox] == [["mary@example.com"]]
    assert "glow.localhost" in mail.outbox[0].body


def test_invite_names_the_field_at_fault(clinic, staff_user):
    response = signed_in(staff_user, clinic).post(
        INVITE, {"first_name": "Mary", "email": "mary@example.com", "phone": "12"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert not ClientAccount.objects.filter(user__email="mary@example.com").exists()
    assert mail.outbox == []


def test_therapists_and_other_clinics_cannot_use_the_client_list(
    clinic, other_clinic, therapist_user, other_manager, clients_of_both
):
    assert signed_in(therapist_user, clinic).get(CLIENTS).status_code in (302, 403)
    # Another clinic's manager, even on this clinic's domain, sees only their own clients.
    response = signed_in(other_manager, clinic).get(CLIENTS)
    assert b"Rosalind Franklin" in response.content
    assert b"Ada" not in response.content


# --- Team ---------------------------------------------------------------------------


def test_manager_sees_own_team_and_adds_a_staff_member(clinic, other_clinic, manager, staff_user):
    MembershipFactory(
        clinic=other_clinic, role="staff", user=UserFactory(email="river.staff@example.com")
    )
    client = signed_in(manager, clinic)

    page = client.get(TEAM)
    response = client.post(
        TEAM, {"email": "new.hire@example.com", "role": "therapist"}, follow=True
    )

    assert staff_user.email.encode() in page.content
    assert b"river.staff@example.com" not in page.content
    assert b"new.hire@example.com is now Therapist at Glow Aesthetics" in response.content
    membership = ClinicMembership.objects.get(user__email="new.hire@example.com")
    assert (membership.clinic, membership.role) == (clinic, "therapist")
    assert membership.user.groups.filter(name="glow: therapist").exists()


def test_staff_cannot_open_or_change_the_team(clinic, staff_user):
    client = signed_in(staff_user, clinic)

    assert client.get(TEAM).status_code in (302, 403)
    assert client.post(TEAM, {"email": "x@example.com", "role": "manager"}).status_code in (
        302,
        403,
    )
    assert not ClinicMembership.objects.filter(user__email="x@example.com").exists()


def test_menu_shows_each_role_its_workspace(clinic, manager, staff_user, therapist_user):
    def menu(user):
        return signed_in(user, clinic).get("/admin/").content

    assert all(
        link in menu(manager) for link in (b"/admin/clinic/locations/", b"/admin/clinic/team/")
    )
    assert b"/admin/clinic/clients/" in menu(staff_user)
    assert b"/admin/clinic/team/" not in menu(staff_user)
    # Therapists: their inbox and follow-ups, not the client list, the team or locations.
    therapist = menu(therapist_user)
    assert b"/admin/clinic/inbox/" in therapist
    assert not any(
        link in therapist
        for link in (b"/admin/clinic/clients/", b"/admin/clinic/team/", b"/admin/clinic/locations/")
    )


def test_a_walk_in_is_added_without_an_email_and_booked_straight_away(
    clinic, staff_user, django_capture_on_commit_callbacks
):
    client = signed_in(staff_user, clinic)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INVITE,
            {
                "first_name": "Walter",
                "last_name": "Walkin",
                "email": "walter@example.com",
                "phone": "07700 900555",
                "then": "book",
            },
        )
    account = ClientAccount.objects.get(clinic=clinic, user__email="walter@example.com")
    assert account.invited_at is None and mail.outbox == []
    assert response.status_code == 302
    assert response.url == f"/admin/bookings/calendar/new/?client={account.pk}"
    page = client.get(response.url).content.decode()
    assert "Walter Walkin" in page
    entry = AuditEntry.objects.get(client=account, action="create")
    assert "Added walter@example.com (new client)" in entry.summary
