"""The portal's app shell: a header with the main links and icons (notifications with
the unread count, saved, account), a tab bar for phones, and a menu page with
everything of the patient's, each link following the clinic's features."""

import re

import pytest

from branding.services import features_update
from notifications.services import Category, notify

pytestmark = pytest.mark.django_db


def header(html):
    return html.split("</header>")[0]


def tab_bar(html):
    return re.search(r'<nav class="tab-bar".*?</nav>', html, re.S).group(0)


def test_the_header_shows_the_unread_count_on_the_bell(clinic, patient, signed_in):
    html = header(signed_in.get("/").content.decode())
    assert 'aria-label="Notifications"' in html and "icon-badge" not in html
    for key in ("a", "b"):
        notify(
            clinic=clinic,
            user=patient.user,
            kind="test",
            category=Category.MESSAGE,
            title="Hello",
            body="",
            idempotency_key=key,
        )
    html = header(signed_in.get("/").content.decode())
    assert 'aria-label="Notifications, 2 unread"' in html
    assert '<span class="badge icon-badge" aria-hidden="true">2</span>' in html


def test_the_tab_bar_marks_the_current_tab_and_follows_features(clinic, signed_in):
    bar = tab_bar(signed_in.get("/bookings/").content.decode())
    assert re.search(r'href="/bookings/" aria-current="page"', bar)
    assert re.findall(r"<span>([^<]+)</span>", bar) == [
        "Home",
        "Book",
        "Bookings",
        "Rewards",
        "More",
    ]
    features_update(clinic=clinic, pets=True, online_booking=False)
    bar = tab_bar(signed_in.get("/").content.decode())
    assert re.findall(r"<span>([^<]+)</span>", bar) == ["Home", "Bookings", "Pets", "More"]


def test_the_menu_lists_what_the_clinic_has_switched_on(clinic, signed_in):
    html = signed_in.get("/menu/").content.decode()
    for path in (
        "/bookings/",
        "/rewards/",
        "/referrals/",
        "/messages/",
        "/documents/",
        "/account/",
    ):
        assert f'href="{path}"' in html, path
    assert "/games/" not in html and "/pets/" not in html
    assert "Sign out" in html
    features_update(clinic=clinic, rewards=False, games=True)
    html = signed_in.get("/menu/").content.decode()
    assert 'href="/rewards/"' not in html and 'href="/games/"' in html


def test_visitors_get_sign_in_and_register_and_no_tab_bar(clinic, portal):
    html = portal.get("/").content.decode()
    assert 'href="/accounts/login/"' in header(html) and 'href="/accounts/signup/"' in header(html)
    assert 'class="tab-bar"' not in html
    assert portal.get("/menu/").status_code == 302
