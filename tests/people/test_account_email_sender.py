"""Issue 18 #12: account emails (confirming an address, a password reset link, a sign-in
code, "no account with that address") come from the clinic the person is signing in to,
like every other email the clinic sends: ``"Glow Aesthetics" <no-reply@…>``, never the
platform's "Clinic Portal"."""

import pytest
from django.core import mail

from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client
from tests.fixtures.people import SIGNUP_DETAILS, last_email_to

pytestmark = pytest.mark.django_db

GLOW = "Glow Aesthetics <no-reply@localhost>"


def test_the_email_confirmation_comes_from_the_clinic(clinic, portal):
    portal.post(
        "/accounts/signup/",
        {
            "email": "new.patient@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )

    message = last_email_to("new.patient@example.com")
    assert "/accounts/confirm-email/" in message.body
    assert message.from_email == GLOW


def test_the_password_reset_link_comes_from_the_clinic(verified_patient, portal):
    email = verified_patient.user.email
    portal.post("/accounts/password/reset/", {"email": email})

    message = last_email_to(email)
    assert "/accounts/password/reset/key/" in message.body
    assert message.from_email == GLOW


def test_the_sign_in_code_comes_from_the_clinic(verified_user, portal):
    portal.post("/accounts/login/code/", {"email": verified_user.email})

    message = last_email_to(verified_user.email)
    assert message.from_email == GLOW


def test_the_unknown_account_notice_comes_from_the_clinic(clinic, portal):
    portal.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    message = last_email_to("nobody@example.com")
    assert message.from_email == GLOW


def test_each_clinic_sends_under_its_own_name(other_clinic, verified_patient):
    browser = host_client(other_clinic)
    browser.post("/accounts/password/reset/", {"email": verified_patient.user.email})

    assert last_email_to(verified_patient.user.email).from_email == (
        "Riverside Vets <no-reply@localhost>"
    )


def test_a_clinic_name_that_needs_quoting_makes_a_valid_sender(clinic, verified_patient, portal):
    clinic.name = "Smith, Jones & Co"
    clinic.save()
    portal.post("/accounts/password/reset/", {"email": verified_patient.user.email})

    message = last_email_to(verified_patient.user.email)
    assert message.from_email == '"Smith, Jones & Co" <no-reply@localhost>'
    assert len(mail.outbox) == 1
