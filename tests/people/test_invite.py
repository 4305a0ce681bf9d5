"""Staff create a client's profile; the client gets an email with a link to choose a
password, and then signs in to the clinic's portal."""

import pytest

from people.models import ClientAccount
from people.services import client_invite
from tests.fixtures.clinics import host_client
from tests.fixtures.people import last_email_to, link_in, signed_in_user_id

pytestmark = pytest.mark.django_db

CHOSEN = "my-own-secret-2024"


def invite(clinic, django_capture_on_commit_callbacks, email="jo.client@example.com"):
    # The email goes out from a background job queued after the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        return client_invite(
            clinic=clinic,
            email=email,
            first_name="Jo",
            last_name="Client",
            phone="07700 900456",
            base_url="http://glow.localhost/",
        )


def choose_password_from_invitation(clinic, email="jo.client@example.com"):
    message = last_email_to(email)
    host, path = link_in(message, r"/accounts/password/reset/key/\S+/")
    assert host == "glow.localhost"
    browser = host_client(clinic)
    response = browser.get(path)
    assert response.status_code == 302
    form_url = response["Location"]
    page = browser.get(form_url).content.decode()
    assert "Glow Aesthetics" in page and '<label for="id_password1">' in page
    response = browser.post(form_url, {"password1": CHOSEN, "password2": CHOSEN})
    assert response.status_code == 302
    return browser


def test_invitation_email_names_the_clinic_and_carries_a_set_password_link(
    clinic, django_capture_on_commit_callbacks
):
    account = invite(clinic, django_capture_on_commit_callbacks)
    assert account.invited_at is not None
    message = last_email_to("jo.client@example.com")
    assert message.subject.endswith("Glow Aesthetics has created your account")
    assert "Hello Jo" in message.body
    link_in(message, r"/accounts/password/reset/key/\S+/")


def test_invited_client_chooses_a_password_then_signs_in(
    clinic, django_capture_on_commit_callbacks
):
    account = invite(clinic, django_capture_on_commit_callbacks)
    browser = choose_password_from_invitation(clinic)

    # Following the invitation link proved the address, so no second confirmation.
    browser.post("/accounts/login/", {"login": "jo.client@example.com", "password": CHOSEN})
    assert signed_in_user_id(browser) == str(account.user.pk)
    assert list(ClientAccount.objects.filter(user=account.user)) == [account]


def test_the_invitation_link_ends_signed_in_at_the_clinic(
    clinic, django_capture_on_commit_callbacks
):
    account = invite(clinic, django_capture_on_commit_callbacks)
    browser = choose_password_from_invitation(clinic)
    # No second step: choosing the password signed them in, on the clinic's portal.
    assert signed_in_user_id(browser) == str(account.user.pk)
    assert "Welcome, Jo" in browser.get("/").content.decode()


def test_the_invitation_link_works_once(clinic, django_capture_on_commit_callbacks):
    invite(clinic, django_capture_on_commit_callbacks)
    _host, path = link_in(
        last_email_to("jo.client@example.com"), r"/accounts/password/reset/key/\S+/"
    )
    browser = host_client(clinic)
    form_url = browser.get(path)["Location"]
    browser.post(form_url, {"password1": CHOSEN, "password2": CHOSEN})

    again = host_client(clinic).get(path)
    assert again.status_code == 200
    assert "Bad Token" in again.content.decode()
