"""The admin's clinic menus, as each role sees them: names, labels, order, icons and
links. Pinned so that how the menus are built can change without anyone noticing."""

import pytest
from django.test import Client, RequestFactory
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

from tests.factories.clients import MembershipFactory

pytestmark = pytest.mark.django_db

OURS = ("clinic", "bookings", "rewards", "games")


def menu_tree(user, clinic, menus=OURS):
    signed_in = Client(HTTP_HOST=clinic.site.hostname)
    signed_in.force_login(user)
    assert signed_in.get("/admin/").status_code == 200  # loads the admin's URLs and hooks
    request = RequestFactory(HTTP_HOST=clinic.site.hostname).get("/admin/")
    request.user, request.session, request.clinic = user, {}, clinic

    def walk(items):
        tree = []
        for item in sorted(items, key=lambda i: i.order):
            entry = [item.name, str(item.label), item.order, item.icon_name]
            if isinstance(item, SubmenuMenuItem):
                entry.append(walk(item.menu.menu_items_for_request(request)))
            else:
                entry.append(item.url)
            tree.append(entry)
        return tree

    return [
        entry for entry in walk(admin_menu.menu_items_for_request(request)) if entry[0] in menus
    ]


def entries(user, clinic, menu):
    """The names in one menu, as ``user`` sees it at ``clinic``."""
    tree = menu_tree(user, clinic, menus=(menu,))
    return [item[0] for item in tree[0][4]] if tree else []


CLINIC_FOR_MANAGER = [
    "clinic",
    "Clinic",
    150,
    "home",
    [
        ["clinic-clients", "Clients", 100, "group", "/admin/clinic/clients/"],
        ["clinic-inbox", "Inbox", 110, "mail", "/admin/clinic/inbox/"],
        ["clinic-follow-ups", "Follow-ups", 120, "date", "/admin/clinic/treatments/follow-ups/"],
        ["clinic-locations", "Locations", 200, "site", "/admin/clinic/locations/"],
        ["clinic-forms", "Forms", 250, "doc-full", "/admin/clinic/forms/"],
        ["clinic-feedback", "Feedback", 260, "comment", "/admin/clinic/feedback/"],
        ["clinic-privacy", "Privacy requests", 265, "lock", "/admin/clinic/privacy/"],
        ["clinic-sync", "Practice sync", 270, "resubmit", "/admin/clinic/sync/"],
        ["clinic-team", "Team", 300, "user", "/admin/clinic/team/"],
        ["clinic-audit", "Audit log", 900, "history", "/admin/clinic/audit/"],
    ],
]
BOOKINGS_FOR_MANAGER = [
    "bookings",
    "Bookings",
    160,
    "date",
    [
        ["booking-calendar", "Calendar", 50, "date", "/admin/bookings/calendar/"],
        ["booking-services", "Services", 100, "list-ul", "/admin/bookings/services/"],
        [
            "booking-categories",
            "Service categories",
            200,
            "folder-open-inverse",
            "/admin/bookings/categories/",
        ],
        ["booking-staff", "Staff", 300, "user", "/admin/bookings/staff/"],
    ],
]
REWARDS_FOR_MANAGER = [
    "rewards",
    "Rewards",
    170,
    "pick",
    [
        ["loyalty-requests", "Reward requests", 100, "pick", "/admin/loyalty/requests/"],
        ["loyalty-rewards", "Rewards catalogue", 200, "tag", "/admin/loyalty/rewards/"],
        ["loyalty-tiers", "Tiers", 300, "order", "/admin/loyalty/tiers/"],
        ["loyalty-programme", "Loyalty programme", 400, "cog", "/admin/loyalty/programme/"],
    ],
]
GAMES_FOR_MANAGER = [
    "games",
    "Games",
    180,
    "pick",
    [
        ["loyalty-games", "Games", 100, "pick", "/admin/loyalty/games/"],
        ["loyalty-game-plays", "Game plays", 200, "list-ul", "/admin/loyalty/game-plays/"],
    ],
]


def only(entry, *names):
    """The menu ``entry`` with only the sub-items called ``names``."""
    return [*entry[:4], [item for item in entry[4] if item[0] in names]]


def test_managers_see_every_clinic_menu(clinic, manager):
    assert menu_tree(manager, clinic) == [
        CLINIC_FOR_MANAGER,
        BOOKINGS_FOR_MANAGER,
        REWARDS_FOR_MANAGER,
        GAMES_FOR_MANAGER,
    ]


def test_front_desk_sees_the_daily_screens_only(clinic, staff_user):
    assert menu_tree(staff_user, clinic) == [
        only(
            CLINIC_FOR_MANAGER,
            "clinic-clients",
            "clinic-inbox",
            "clinic-follow-ups",
            "clinic-feedback",
            "clinic-privacy",
        ),
        only(BOOKINGS_FOR_MANAGER, "booking-calendar", "booking-services", "booking-staff"),
        only(REWARDS_FOR_MANAGER, "loyalty-requests"),
        only(GAMES_FOR_MANAGER, "loyalty-game-plays"),
    ]


def test_therapists_see_the_calendar_their_inbox_and_follow_ups_only(clinic):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    assert menu_tree(therapist, clinic) == [
        only(CLINIC_FOR_MANAGER, "clinic-inbox", "clinic-follow-ups"),
        only(BOOKINGS_FOR_MANAGER, "booking-calendar"),
    ]


def test_a_manager_elsewhere_sees_this_clinics_menus_by_their_role_here(
    clinic, other_clinic, staff_user
):
    # Staff here and manager at another clinic: on this clinic's domain, the menus are
    # the front desk's (roles are read at the admin clinic, not anywhere).
    MembershipFactory(clinic=other_clinic, user=staff_user, role="manager")
    assert menu_tree(staff_user, clinic)[0] == only(
        CLINIC_FOR_MANAGER,
        "clinic-clients",
        "clinic-inbox",
        "clinic-follow-ups",
        "clinic-feedback",
        "clinic-privacy",
    )


def test_the_desk_sees_practice_sync_only_once_a_practice_system_is_connected(
    vet, practice_connection
):
    """Found on the demo: Glow, with no practice system, offered its desk an empty
    Practice sync page. Managers always see it: it is where one is connected."""
    desk = MembershipFactory(clinic=vet, role="staff").user
    assert "clinic-sync" in entries(desk, vet, "clinic")
    practice_connection.delete()
    assert "clinic-sync" not in entries(desk, vet, "clinic")
    assert "clinic-sync" in entries(
        MembershipFactory(clinic=vet, role="manager").user, vet, "clinic"
    )


def test_pets_health_due_dates_are_offered_only_where_pets_are_on(clinic, vet, manager):
    assert "automations-pet-health" not in entries(manager, clinic, "automations")
    vet_manager = MembershipFactory(clinic=vet, role="manager").user
    assert "automations-pet-health" in entries(vet_manager, vet, "automations")
