"""Staff can choose Bulgarian for the admin (Account → Language), as the portal offers
it (found trying the demo: Wagtail's own list lacked it)."""

import pytest

from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db


def test_account_language_offers_english_and_bulgarian(clinic, staff_user):
    page = admin_client_for(staff_user, clinic).get("/admin/account/").content.decode()
    assert '<option value="bg">' in page
    assert 'value="en"' in page
