"""The patient's own pages: profile (contact details, communication preferences, sign-in
links), notification centre and cart. Switched-off features answer 404 and lose their
links; nobody reaches another person's notifications or cart items."""

import pytest

from booking_api.models import CartItem
from branding.services import features_update
from notifications.models import Notification, Preferences
from notifications.services import Category, notify
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _note(clinic, user, key, title="Your booking is confirmed", url=""):
    return notify(
        clinic=clinic,
        user=user,
        kind="test",
        category=Category.MESSAGE,
        title=title,
        body="See you soon.",
        idempotency_key=key,
        url=url,
    )


# --- Profile ------------------------------------------------------------------------------


def test_profile_needs_signing_in(portal):
    response = portal.get("/account/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_patient_updates_contact_details(clinic, patient, signed_in):
    page = signed_in.get("/account/")
    assert page.status_code == 200
    assert patient.user.email in page.content.decode()
    for link in ("/accounts/password/change/", "/accounts/email/", "/account/cards/"):
        assert link in page.content.decode()

    response = signed_in.post(
        "/account/",
        {
            "section": "contact",
            "contact-first_name": "Ana",
            "contact-last_name": "Petrova",
            "contact-phone": "07700 900123",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert (patient.user.first_name, patient.user.last_name) == ("Ana", "Petrova")
    assert patient.phone == "+447700900123"


def test_a_bad_phone_is_named_and_nothing_is_saved(clinic, patient, signed_in):
    before = patient.user.first_name
    response = signed_in.post(
        "/account/",
        {
            "section": "contact",
            "contact-first_name": "Changed",
            "contact-last_name": "",
            "contact-phone": "not a number",
        },
    )
    assert response.status_code == 200
    assert response.context["contact_form"].errors["phone"]
    patient.user.refresh_from_db()
    assert patient.user.first_name == before


def test_the_patient_sets_communication_preferences(clinic, patient, signed_in):
    response = signed_in.post(
        "/account/",
        {"section": "preferences", "prefs-booking_email": "on", "prefs-marketing_email": "on"},
    )
    assert response.status_code == 302
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert prefs.booking_email and prefs.marketing_email
    assert not prefs.reminder_email and not prefs.reminder_sms and not prefs.push
    # The switches show what was saved.
    page = signed_in.get("/account/").content.decode()
    assert 'name="prefs-marketing_email" id="id_prefs-marketing_email" checked' in page


def test_preferences_are_per_clinic(clinic, other_clinic, patient, signed_in):
    signed_in.post("/account/", {"section": "preferences"})
    assert not Preferences.objects.get(clinic=clinic, user=patient.user).booking_email
    assert not Preferences.objects.filter(clinic=other_clinic, user=patient.user).exists()


# --- Notification centre ----------------------------------------------------------------


def test_notification_centre_lists_and_marks_read(clinic, patient, signed_in):
    first = _note(clinic, patient.user, "n1", title="Booking confirmed")
    second = _note(clinic, patient.user, "n2", title="Reminder: tomorrow", url="/bookings/")
    page = signed_in.get("/notifications/")
    assert page.status_code == 200
    assert "Booking confirmed" in page.content.decode()
    assert "Reminder: tomorrow" in page.content.decode()

    response = signed_in.post("/notifications/read/", {"id": second.pk, "next": second.url})
    assert response["Location"] == "/bookings/"
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.read_at and not first.read_at

    signed_in.post("/notifications/read/")
    first.refresh_from_db()
    assert first.read_at


def test_another_persons_notification_is_out_of_reach(clinic, patient, signed_in):
    stranger = ClientAccountFactory(clinic=clinic)
    theirs = _note(clinic, stranger.user, "theirs", title="Private to someone else")
    assert "Private to someone else" not in signed_in.get("/notifications/").content.decode()
    signed_in.post("/notifications/read/", {"id": theirs.pk})
    signed_in.post("/notifications/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_open_redirect_is_refused(clinic, patient, signed_in):
    note = _note(clinic, patient.user, "n3")
    response = signed_in.post("/notifications/read/", {"id": note.pk, "next": "//evil.test/"})
    assert response["Location"] == "/notifications/"


def test_notification_centre_off_answers_404_and_hides_the_link(clinic, patient, signed_in):
    assert 'href="/notifications/"' in signed_in.get("/account/").content.decode()
    features_update(clinic=clinic, notifications=False)
    assert signed_in.get("/notifications/").status_code == 404
    assert signed_in.post("/notifications/read/").status_code == 404
    assert 'href="/notifications/"' not in signed_in.get("/account/").content.decode()


def test_another_clinics_notifications_stay_there(clinic, other_clinic, patient):
    _note(other_clinic, patient.user, "elsewhere", title="From the vets")
    ClientAccountFactory(clinic=other_clinic, user=patient.user)
    here = host_client(clinic)
    here.force_login(patient.user)
    assert "From the vets" not in here.get("/notifications/").content.decode()
    assert Notification.objects.filter(clinic=other_clinic).count() == 1


# --- Cart -------------------------------------------------------------------------------


def test_cart_lists_books_and_removes(clinic, patient, signed_in, skin_consult, portal_emma):
    item = CartItem.objects.create(client=patient, service=skin_consult, staff=portal_emma)
    page = signed_in.get("/cart/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Skin consultation" in body
    assert f"/book/service/{skin_consult.pk}/{portal_emma.pk}/" in body

    response = signed_in.post(f"/cart/{item.pk}/remove/")
    assert response.status_code == 302
    assert not CartItem.objects.filter(pk=item.pk).exists()


def test_another_clients_cart_item_is_not_found(clinic, patient, signed_in, skin_consult):
    stranger = ClientAccountFactory(clinic=clinic)
    theirs = CartItem.objects.create(client=stranger, service=skin_consult)
    assert "Skin consultation" not in signed_in.get("/cart/").content.decode()
    assert signed_in.post(f"/cart/{theirs.pk}/remove/").status_code == 404
    assert CartItem.objects.filter(pk=theirs.pk).exists()


def test_cart_off_answers_404_and_hides_the_link(clinic, patient, signed_in):
    assert 'href="/cart/"' in signed_in.get("/account/").content.decode()
    features_update(clinic=clinic, cart=False)
    assert signed_in.get("/cart/").status_code == 404
    assert 'href="/cart/"' not in signed_in.get("/account/").content.decode()


# --- Booking preferences -------------------------------------------------------------------


def test_the_patient_sets_booking_preferences(
    clinic, patient, signed_in, skin_consult, portal_emma
):
    from booking_api.models import BookingPreferences

    response = signed_in.post(
        "/account/",
        {
            "section": "booking",
            "booking-staff": portal_emma.pk,
            "booking-services": [skin_consult.pk],
        },
    )
    assert response.status_code == 302
    prefs = BookingPreferences.objects.get(client=patient)
    assert prefs.staff == portal_emma
    assert list(prefs.services.all()) == [skin_consult]
    page = signed_in.get("/account/").content.decode()
    assert f'<option value="{portal_emma.pk}" selected>Emma</option>' in page


def test_another_clinics_staff_cannot_be_preferred(clinic, other_clinic, patient, signed_in):
    from booking_api.models import BookingPreferences
    from tests.factories.booking import StaffFactory

    theirs = StaffFactory(clinic=other_clinic, key="vet", display_name="Dr Vet")
    response = signed_in.post("/account/", {"section": "booking", "booking-staff": theirs.pk})
    assert response.status_code == 200
    assert response.context["booking_form"].errors["staff"]
    assert not BookingPreferences.objects.filter(client=patient).exists()


def test_unsubscribe_from_all_keeps_the_choices_and_switching_back_restores_them(
    clinic, patient, signed_in
):
    signed_in.post(
        "/account/",
        {"section": "preferences", "prefs-booking_email": "on", "prefs-marketing_email": "on"},
    )
    # The page sends every switch: all-off ticked with the others as they show.
    signed_in.post(
        "/account/",
        {
            "section": "preferences",
            "prefs-unsubscribed_all": "on",
            "prefs-booking_email": "on",
            "prefs-marketing_email": "on",
        },
    )
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert prefs.unsubscribed_all and prefs.booking_email and prefs.marketing_email
    assert not prefs.wants("booking_email") and not prefs.wants("marketing_email")
    page = signed_in.get("/account/").content.decode()
    assert 'name="prefs-unsubscribed_all" id="id_prefs-unsubscribed_all" checked' in page
    assert "Switch this off to get back the choices below" in page
    signed_in.post(
        "/account/",
        {"section": "preferences", "prefs-booking_email": "on", "prefs-marketing_email": "on"},
    )
    prefs.refresh_from_db()
    assert not prefs.unsubscribed_all
    assert prefs.wants("booking_email") and prefs.wants("marketing_email")
    assert not prefs.wants("reminder_email")


def test_while_unsubscribed_from_all_the_per_type_switches_are_disabled_and_kept(
    clinic, patient, signed_in
):
    """The rule: while "unsubscribe from all" is on, the per-type switches are frozen —
    shown disabled, and a post changing them (or, as a browser sends a disabled switch,
    leaving them out) changes nothing; only the post that switches it off sets them."""
    from bs4 import BeautifulSoup

    signed_in.post(
        "/account/",
        {"section": "preferences", "prefs-booking_email": "on", "prefs-marketing_email": "on"},
    )
    signed_in.post("/account/", {"section": "preferences", "prefs-unsubscribed_all": "on"})
    prefs = Preferences.objects.get(clinic=clinic, user=patient.user)
    assert prefs.unsubscribed_all and prefs.booking_email and prefs.marketing_email
    page = BeautifulSoup(signed_in.get("/account/").content, "html.parser")
    assert page.select_one("[data-per-type-switches]").has_attr("disabled")

    # A hand-made post ticking other switches while staying unsubscribed: nothing moves.
    signed_in.post(
        "/account/",
        {"section": "preferences", "prefs-unsubscribed_all": "on", "prefs-marketing_sms": "on"},
    )
    prefs.refresh_from_db()
    assert prefs.unsubscribed_all and not prefs.marketing_sms
    assert prefs.booking_email and prefs.marketing_email

    signed_in.post("/account/", {"section": "preferences", "prefs-booking_email": "on"})
    prefs.refresh_from_db()
    assert not prefs.unsubscribed_all and prefs.booking_email and not prefs.marketing_email
    page = BeautifulSoup(signed_in.get("/account/").content, "html.parser")
    assert not page.select_one("[data-per-type-switches]").has_attr("disabled")


def test_the_service_keeps_per_type_switches_while_unsubscribed_from_all(clinic, patient):
    from notifications.services import preferences_update

    preferences_update(clinic=clinic, user=patient.user, unsubscribed_all=True)
    prefs = preferences_update(
        clinic=clinic, user=patient.user, reminder_email=False, marketing_sms=True
    )
    assert prefs.reminder_email and not prefs.marketing_sms  # as they were
    prefs = preferences_update(
        clinic=clinic, user=patient.user, unsubscribed_all=False, reminder_email=False
    )
    assert not prefs.unsubscribed_all and not prefs.reminder_email
