"""Issue 18 #7: booking without signing in. The wizard answers alike whether or not the
email has an account; guest holds are limited per client address and per email; the
time is held only briefly until the booking's address confirms it from the emailed link
(or, as the clinic chooses, until the visitor pays), and a hold nobody confirms is
freed."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from booking_api.availability import find_slots
from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.services import holds_release_unverified
from branding.models import GuestVerification, PaymentMode
from branding.services import policy_update
from people.models import ClientAccount, User
from people.services import email_is_verified
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.fixtures.booking import at, local_day
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.people import signed_in_user_id

pytestmark = pytest.mark.django_db


_capture = []


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks):
    """Requests here run what they queue after commit (emails, side effects), as in
    production."""
    _capture.append(django_capture_on_commit_callbacks)
    yield
    _capture.pop()


def post(browser, path, data):
    with _capture[-1](execute=True):
        return browser.post(path, data)


def guest_post(browser, service, start, email, name="Nina Newcomer", phone="07700 900999"):
    return post(
        browser,
        "/book/confirm/",
        {
            "service": service.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "name": name,
            "email": email,
            "phone": phone,
            "notes": "",
        },
    )


def token_of(link):
    return parse_qs(urlsplit(link).query)["token"][0]


def confirm(browser, link):
    return post(browser, "/book/verify/", {"token": token_of(link)})


def visitor(clinic, address=None):
    extra = {"HTTP_HOST": clinic.site.hostname}
    if address:
        extra["HTTP_X_FORWARDED_FOR"] = address
    return Client(**extra)


def offered(clinic, service, start):
    slots = find_slots(clinic=clinic, service=service, date_from=start.date(), date_to=start.date())
    return any(slot.start == start for slot in slots)


def verify_link(email):
    sent = [m for m in mail.outbox if email in m.to and "Confirm your booking" in m.subject]
    assert sent, f"no confirmation link went to {email}: {[m.subject for m in mail.outbox]}"
    return re.search(r"https?://[^/\s]+(/book/verify/\?token=\S+)", sent[-1].body).group(1)


def page_text(response):
    """The page without its per-request CSRF token and CSP nonce."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", text)


def held_for(booking):
    """The hold's length in whole minutes."""
    return round((booking.hold_expires_at - booking.created_at).total_seconds() / 60)


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


# --- one answer ------------------------------------------------------------------------


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
    clinic, skin_consult, portal_emma
):
    known = UserFactory(email="known@example.com", first_name="Kim", last_name="Known")
    account = ClientAccountFactory(clinic=clinic, user=known, phone="+447700900111")
    start = at(local_day(3), "10:00")

    browser = visitor(clinic)
    for_known = guest_post(browser, skin_consult, start, "known@example.com")
    known_page = browser.get("/book/check-email/")
    # The hold under the known address is released when nobody confirms it…
    with _capture[-1](execute=True):
        holds_release_unverified(now=later(16))
    other = visitor(clinic)
    for_new = guest_post(other, skin_consult, start, "new@example.com")
    new_page = other.get("/book/check-email/")

    assert (for_known.status_code, for_known["Location"]) == (302, "/book/check-email/")
    assert (for_new.status_code, for_new["Location"]) == (302, "/book/check-email/")
    assert for_known.content == for_new.content
    assert known_page.status_code == new_page.status_code == 200
    assert page_text(known_page).replace("known@", "new@") == page_text(new_page)
    assert "already an account" not in known_page.content.decode()
    # Nobody is signed in by typing an address, and both addresses got the same email.
    assert signed_in_user_id(browser) is None and signed_in_user_id(other) is None
    assert verify_link("known@example.com") and verify_link("new@example.com")
    # Nothing the visitor typed was written to the existing person's account.
    known.refresh_from_db()
    account.refresh_from_db()
    assert (known.first_name, known.last_name, account.phone) == ("Kim", "Known", "+447700900111")


def test_a_bad_phone_is_refused_alike_for_a_known_and_a_new_email(
    clinic, skin_consult, portal_emma
):
    UserFactory(email="known@example.com")
    start = at(local_day(3), "10:00")
    answers = []
    with nothing_changes(Booking, User):
        for email in ("known@example.com", "new@example.com"):
            response = guest_post(visitor(clinic), skin_consult, start, email, phone="12")
            answers.append((response.status_code, dict(response.context["form"].errors)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "phone" in answers[0][1]


def test_an_account_that_may_not_book_online_gets_the_same_answer_and_its_owner_is_told(
    clinic, skin_consult, portal_emma
):
    blocked = ClientAccountFactory(clinic=clinic, online_booking_blocked=True)
    start = at(local_day(3), "10:00")
    response = guest_post(visitor(clinic), skin_consult, start, blocked.user.email)
    assert (response.status_code, response["Location"]) == (302, "/book/check-email/")
    assert not Booking.objects.exists()
    told = [m for m in mail.outbox if blocked.user.email in m.to]
    assert told and "could not hold" in told[-1].subject


# --- rate limits -------------------------------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1])
def test_guest_holds_are_limited_per_client_address_whatever_x_forwarded_for_says(
    clinic, skin_consult, portal_emma, settings, proxies
):
    settings.TRUSTED_PROXY_COUNT = proxies
    real = "198.51.100.7"
    day = local_day(3)
    times = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    for n, hhmm in enumerate(times[:5]):
        forged = f"10.0.{n}.1"
        browser = visitor(clinic, f"{forged}, {real}" if proxies else forged)
        response = guest_post(browser, skin_consult, at(day, hhmm), f"guest{n}@example.com")
        assert response.status_code == 302, hhmm
    assert Booking.objects.count() == 5

    browser = visitor(clinic, f"10.9.9.9, {real}" if proxies else "10.9.9.9")
    with nothing_changes(Booking, User):
        refused = guest_post(browser, skin_consult, at(day, times[5]), "guest9@example.com")
    assert refused.status_code == 429
    assert "several times in a short while" in refused.content.decode()
    assert offered(clinic, skin_consult, at(day, times[5]))


def test_another_client_behind_the_same_proxy_may_still_book(
    clinic, skin_consult, portal_emma, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    day = local_day(3)
    for n, hhmm in enumerate(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]):
        guest_post(visitor(clinic, "198.51.100.7"), skin_consult, at(day, hhmm), f"g{n}@x.com")
    response = guest_post(
        visitor(clinic, "203.0.113.5"), skin_consult, at(day, "12:00"), "neighbour@example.com"
    )
    assert response.status_code == 302


def test_guest_holds_are_limited_per_email(clinic, skin_consult, portal_emma, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    day = local_day(3)
    for n, hhmm in enumerate(["09:00", "09:30", "10:00"]):
        browser = visitor(clinic, f"203.0.113.{n + 1}")
        assert (
            guest_post(browser, skin_consult, at(day, hhmm), "same@example.com").status_code == 302
        )
    with nothing_changes(Booking):
        refused = guest_post(
            visitor(clinic, "203.0.113.50"), skin_consult, at(day, "10:30"), "same@example.com"
        )
    assert refused.status_code == 429


# --- the hold and its confirmation --------------------------------------------------------


def test_an_unconfirmed_hold_expires_and_frees_the_slot(clinic, skin_consult, portal_emma):
    start = at(local_day(3), "10:00")
    browser = visitor(clinic)
    guest_post(browser, skin_consult, start, "nina@example.com")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.UNVERIFIED
    assert booking.hold_expires_at - timezone.now() <= datetime.timedelta(minutes=15)
    assert not offered(clinic, skin_consult, start)  # held meanwhile
    # Nobody is told it is booked before the address confirms it.
    assert not [m for m in mail.outbox if "Booking confirmed" in m.subject]

    assert holds_release_unverified(now=later(10)) == {}  # still within its time
    assert holds_release_unverified(now=later(16)) == {booking.pk: "released"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert offered(clinic, skin_consult, start)
    assert not [m for m in mail.outbox if "cancelled" in m.subject.lower()]

    # The link, opened too late, says so and confirms nothing.
    link = verify_link("nina@example.com")
    page = confirm(browser, link)
    assert page.status_code == 409 and "run out" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_hold_past_its_time_cannot_be_confirmed_even_before_the_job_runs(
    clinic, skin_consult, portal_emma
):
    start = at(local_day(3), "10:00")
    guest_post(visitor(clinic), skin_consult, start, "nina@example.com")
    Booking.objects.update(hold_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    link = verify_link("nina@example.com")
    response = visitor(clinic).post("/book/verify/", {"token": token_of(link)})
    assert response.status_code == 409
    assert Booking.objects.get().status == BookingStatus.UNVERIFIED


def test_a_guest_who_confirms_keeps_the_slot(clinic, skin_consult, portal_emma):
    start = at(local_day(3), "10:00")
    guest_post(visitor(clinic), skin_consult, start, "nina@example.com")
    link = verify_link("nina@example.com")

    # Opened in the mail app's browser: opening only asks (mail scanners open links).
    phone = visitor(clinic)
    page = phone.get(link)
    assert page.status_code == 200 and "Confirm booking" in page.content.decode()
    assert Booking.objects.get().status == BookingStatus.UNVERIFIED
    response = confirm(phone, link)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.BOOKED and booking.hold_expires_at is None
    assert response["Location"] == f"/book/done/{booking.reference}/"
    # A new client, who has just shown the address is theirs: confirmed and signed in.
    assert email_is_verified(booking.client.user)
    assert signed_in_user_id(phone) == str(booking.client.user_id)
    assert "Booking confirmed" in " ".join(m.subject for m in mail.outbox)
    assert phone.get(response["Location"]).status_code == 200

    assert holds_release_unverified(now=later(16)) == {}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert not offered(clinic, skin_consult, start)
    # The link again changes nothing.
    again = confirm(phone, link)
    assert again.status_code == 302
    assert Booking.objects.get().status == BookingStatus.BOOKED


def test_an_account_holder_confirms_from_their_inbox_but_is_not_signed_in_by_it(
    clinic, skin_consult, portal_emma
):
    known = ClientAccountFactory(clinic=clinic)
    start = at(local_day(3), "10:00")
    guest_post(visitor(clinic), skin_consult, start, known.user.email)
    booking = Booking.objects.get()
    assert booking.client == known and booking.status == BookingStatus.UNVERIFIED

    inbox = visitor(clinic)
    link = verify_link(known.user.email)
    response = confirm(inbox, link)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    # They have a password: the link does not sign them in, but shows them the booking.
    assert signed_in_user_id(inbox) is None
    assert inbox.get(response["Location"]).status_code == 200
    assert visitor(clinic).get(response["Location"]).status_code == 302  # a stranger


def test_the_visitor_cannot_see_a_held_booking_of_someone_elses_account(
    clinic, skin_consult, portal_emma
):
    known = ClientAccountFactory(clinic=clinic)
    browser = visitor(clinic)
    guest_post(browser, skin_consult, at(local_day(3), "10:00"), known.user.email)
    booking = Booking.objects.get()
    for url in (f"/book/done/{booking.reference}/", f"/book/pay/{booking.reference}/"):
        assert browser.get(url).status_code == 302  # asked to sign in
    assert browser.get("/bookings/").status_code == 302


def test_a_link_works_only_at_its_own_clinic(clinic, other_clinic, skin_consult, portal_emma):
    guest_post(visitor(clinic), skin_consult, at(local_day(3), "10:00"), "nina@example.com")
    link = verify_link("nina@example.com")
    elsewhere = visitor(other_clinic).post("/book/verify/", {"token": token_of(link)})
    assert elsewhere.status_code == 404
    assert Booking.objects.get().status == BookingStatus.UNVERIFIED


def test_the_hold_time_is_the_clinics_choice(clinic, skin_consult, portal_emma):
    policy_update(clinic=clinic, guest_hold_minutes=5)
    guest_post(visitor(clinic), skin_consult, at(local_day(3), "10:00"), "nina@example.com")
    booking = Booking.objects.get()
    assert held_for(booking) == 5
    assert "5 minutes" in mail.outbox[-1].body


# --- a card instead, where the clinic takes payment at booking -------------------------------


@pytest.mark.usefixtures("stripe_at_localstripe")
@pytest.mark.parametrize("known", [False, True], ids=["new email", "known email"])
def test_where_the_clinic_chose_a_card_paying_confirms_the_guest(
    clinic, skin_consult, portal_emma, known
):
    policy_update(
        clinic=clinic,
        payment_mode=PaymentMode.FULL,
        guest_verification=GuestVerification.CARD,
        payment_hold_minutes=10,
    )
    email = ClientAccountFactory(clinic=clinic).user.email if known else "nina@example.com"
    browser = visitor(clinic)
    response = guest_post(browser, skin_consult, at(local_day(3), "10:00"), email)
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert held_for(booking) == 10
    assert response["Location"] == f"/book/pay/{booking.reference}/"
    assert not [m for m in mail.outbox if "Confirm your booking" in m.subject]

    paid = post(browser, response["Location"], {"card": "success"})
    assert paid.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert signed_in_user_id(browser) is None  # paying shows no address is theirs
    assert browser.get(paid["Location"]).status_code == 200


def test_a_card_choice_without_payment_at_booking_falls_back_to_the_email_link(
    clinic, skin_consult, portal_emma
):
    policy_update(clinic=clinic, guest_verification=GuestVerification.CARD)
    response = guest_post(visitor(clinic), skin_consult, at(local_day(3), "10:00"), "n@x.com")
    assert response["Location"] == "/book/check-email/"
    assert Booking.objects.get().status == BookingStatus.UNVERIFIED


def test_new_guests_are_no_longer_signed_in_by_typing_an_address(clinic, skin_consult, portal_emma):
    browser = visitor(clinic)
    guest_post(browser, skin_consult, at(local_day(3), "10:00"), "nina@example.com")
    assert signed_in_user_id(browser) is None
    user = User.objects.get(email="nina@example.com")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    assert ClientAccount.objects.filter(user=user, clinic=clinic).exists()


def test_the_emailed_link_signs_in_once(clinic, skin_consult, portal_emma):
    """The link signs in the new guest who confirms with it, once: posted again (a
    forwarded email, a shared screen) it signs nobody else in."""
    guest_post(visitor(clinic), skin_consult, at(local_day(3), "10:00"), "nina@example.com")
    link = verify_link("nina@example.com")
    first = visitor(clinic)
    confirm(first, link)
    assert signed_in_user_id(first) == str(Booking.objects.get().client.user_id)

    someone_else = visitor(clinic)
    again = confirm(someone_else, link)
    assert again.status_code == 302
    assert signed_in_user_id(someone_else) is None
