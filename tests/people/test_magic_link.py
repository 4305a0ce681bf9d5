"""The sign-in code email also carries a one-tap link that signs in on any device
(the phone's mail app opens links in another browser): once, for ten minutes, at that
clinic only; opening it asks first, so a mail scanner's fetch does not use it up. The
email's HTML part is in the clinic's branded layout with a button."""

import re

import pytest
from django.utils import timezone

from people.models import ClientAccount
from tests.fixtures.clinics import host_client
from tests.fixtures.people import last_email_to, signed_in_user_id

pytestmark = pytest.mark.django_db


def ask_for_code(clinic, email):
    browser = host_client(clinic)
    browser.post("/accounts/login/code/", {"email": email})
    message = last_email_to(email)
    html = message.alternatives[0][0]
    link = re.search(r"https?://[^/\s]+(/accounts/login/link/[^/\s]+/)", message.body).group(1)
    return message, html, link


def test_the_link_signs_in_from_another_browser_once(clinic, verified_user):
    message, html, link = ask_for_code(clinic, verified_user.email)
    # The HTML part: the clinic's layout, the code, and a button to the same link.
    assert "Glow Aesthetics" in html and "Sign in to Glow Aesthetics</a>" in html
    assert link in html

    phone = host_client(clinic)  # another browser: no pending code in its session
    page = phone.get(link)
    assert page.status_code == 200 and verified_user.email in page.content.decode()
    assert signed_in_user_id(phone) is None  # opening it is not signing in
    response = phone.post(link)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(phone) == str(verified_user.pk)
    assert ClientAccount.objects.filter(user=verified_user, clinic=clinic).exists()

    # Used: the same link now refuses, in a third browser too.
    again = host_client(clinic)
    assert again.post(link).status_code == 410
    assert signed_in_user_id(again) is None


def test_the_link_expires_and_belongs_to_its_clinic(clinic, other_clinic, verified_user, settings):
    _message, _html, link = ask_for_code(clinic, verified_user.email)
    elsewhere = host_client(other_clinic)
    assert elsewhere.post(link).status_code == 410
    assert signed_in_user_id(elsewhere) is None

    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 0
    late = host_client(clinic)
    response = late.get(link)
    assert response.status_code == 410
    assert "This sign-in link has expired" in response.content.decode()
    assert late.post(link).status_code == 410 and signed_in_user_id(late) is None


def test_a_forged_link_signs_nobody_in(clinic, verified_user):
    verified_user.last_login = timezone.now()
    verified_user.save(update_fields=["last_login"])
    browser = host_client(clinic)
    assert browser.post("/accounts/login/link/not-a-token/").status_code == 410
    assert signed_in_user_id(browser) is None


def test_confirmation_and_reset_emails_have_branded_buttons(clinic, verified_user):
    from tests.factories.clients import PASSWORD
    from tests.fixtures.people import SIGNUP_DETAILS

    host_client(clinic).post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    html = last_email_to("new@example.com").alternatives[0][0]
    assert "Welcome to Glow Aesthetics" in html and "Confirm my email address</a>" in html
    host_client(clinic).post("/accounts/password/reset/", {"email": verified_user.email})
    html = last_email_to(verified_user.email).alternatives[0][0]
    assert "Choose a new password</a>" in html
