"""The portal speaks the clinic's default language; a patient may switch."""

import pytest
from django.conf import settings

from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def test_a_bulgarian_clinic_shows_its_portal_in_bulgarian(clinic):
    clinic.language = "bg"
    clinic.save()
    body = host_client(clinic).get("/offline/").content.decode()
    assert '<html lang="bg">' in body
    assert "Нямате връзка с интернет" in body
    assert "Опитайте отново" in body


def test_a_browser_asking_for_english_gets_english_at_a_bulgarian_clinic(clinic):
    clinic.language = "bg"
    clinic.save()
    body = host_client(clinic).get("/offline/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "You are offline" in body.content.decode()


def test_english_by_default(clinic):
    body = host_client(clinic).get("/offline/").content.decode()
    assert '<html lang="en">' in body
    assert "You are offline" in body


def test_a_patient_switches_language(clinic):
    portal = host_client(clinic)
    response = portal.post("/i18n/setlang/", {"language": "bg", "next": "/offline/"})
    assert response.status_code == 302
    assert portal.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    assert "Нямате връзка с интернет" in portal.get("/offline/").content.decode()

    clinic.language = "bg"
    clinic.save()
    portal.post("/i18n/setlang/", {"language": "en", "next": "/offline/"})
    assert "You are offline" in portal.get("/offline/").content.decode()


def test_the_account_features_of_issue_19_speak_bulgarian(clinic, patient):
    """Unsubscribe from all, the new message form with a file, the save-card box."""
    from django.template.loader import render_to_string
    from django.utils import translation

    clinic.language = "bg"
    clinic.save()
    portal = host_client(clinic)
    portal.force_login(patient.user)
    profile = portal.get("/account/").content.decode()
    assert "Отписване от всичко" in profile and "Спира всички имейли" in profile
    new = portal.get("/messages/new/").content.decode()
    assert "Прикачете файл (по желание)" in new
    with translation.override("bg"):
        box = render_to_string("payments/portal/_save_card_box.html", {"offer_save_card": True})
    assert "Запазване на картата за следващия път" in box


def test_a_signed_in_patient_switching_language_is_written_to_in_it(clinic, patient, signed_in):
    """The footer's switcher is remembered at the clinic: messages follow it."""
    from notifications.language import language_for
    from notifications.models import Preferences

    visitor = host_client(clinic)
    visitor.post("/i18n/setlang/", {"language": "bg", "next": "/offline/"})
    assert not Preferences.objects.filter(language="bg").exists()  # nobody to remember

    response = signed_in.post("/i18n/setlang/", {"language": "bg", "next": "/offline/"})
    assert response.status_code == 302
    assert language_for(clinic, patient.user) == "bg"


def test_the_profile_offers_the_clinics_languages_for_messages(clinic, patient, signed_in):
    from notifications.language import language_for
    from notifications.models import Preferences
    from tests.fixtures.honesty import nothing_changes

    page = signed_in.get("/account/").content.decode()
    assert "Language for messages" in page
    assert "The clinic&#x27;s language (English)" in page and "български" in page

    response = signed_in.post("/account/", {"section": "language", "lang-language": "bg"})
    assert response.status_code == 302
    assert language_for(clinic, patient.user) == "bg"
    assert '<html lang="bg">' in signed_in.get("/account/").content.decode()  # the portal too

    with nothing_changes(Preferences.objects.all()):
        refused = signed_in.post("/account/", {"section": "language", "lang-language": "xx"})
    assert refused.status_code == 200
    assert language_for(clinic, patient.user) == "bg"

    signed_in.post("/account/", {"section": "language", "lang-language": ""})
    assert language_for(clinic, patient.user) == "en"


def test_signing_in_on_a_new_browser_the_portal_speaks_the_language_they_chose(clinic, patient):
    from notifications.language import language_choose
    from tests.factories.clients import PASSWORD
    from tests.fixtures.people import confirm_email

    confirm_email(patient.user)
    language_choose(clinic=clinic, user=patient.user, language="bg")
    phone = host_client(clinic)
    response = phone.post("/accounts/login/", {"login": patient.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert phone.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    page = phone.get(response["Location"], follow=True).content.decode()
    assert '<html lang="bg">' in page
    # The "signed in" message is in it too (it was English on the Bulgarian page).
    assert "Successfully signed in" not in page and "Успешно влязохте като" in page
    assert '<html lang="bg">' in phone.get("/account/").content.decode()

    # A browser that chose its own language keeps it.
    laptop = host_client(clinic)
    laptop.post("/i18n/setlang/", {"language": "en", "next": "/offline/"})
    laptop.post("/accounts/login/", {"login": patient.user.email, "password": PASSWORD})
    assert laptop.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
