"""A client known by phone only (no email) goes to the practice system as the REST
contract says (docs/sync.md): the ``email`` key is left out — never ``"email": null`` —
and the record the practice system then sends back without an email applies cleanly."""

import pytest

from people.models import ClientAccount
from people.services import client_add_at_desk
from sync.models import ClientLink, SyncRecordError
from sync.services.runner import connection_run
from tests.factories.clients import ClientAccountFactory

pytestmark = pytest.mark.django_db


def test_a_phone_only_client_is_pushed_without_an_email_key(vet, practice, practice_connection):
    walk_in = client_add_at_desk(
        clinic=vet, first_name="Pat", last_name="Walker", phone="+18455550199"
    )
    with_email = ClientAccountFactory(clinic=vet, phone="+18455550198")
    connection_run(connection_id=practice_connection.pk)

    posted = {
        r["body"]["last_name"]: r["body"]
        for r in practice.requests
        if r["method"] == "POST" and r["path"] == "/clients"
    }
    assert posted["Walker"] == {"first_name": "Pat", "last_name": "Walker", "phone": "+18455550199"}
    assert posted[with_email.user.last_name]["email"] == with_email.user.email
    link = ClientLink.objects.get(client=walk_in)
    assert practice.data["clients"][link.external_id]["phone"] == "+18455550199"

    # The next run reads it back from the practice system, still without an email.
    connection_run(connection_id=practice_connection.pk)
    assert not SyncRecordError.objects.filter(external_id=link.external_id).exists()
    walk_in = ClientAccount.objects.select_related("user").get(pk=walk_in.pk)
    assert walk_in.user.email is None and walk_in.phone == "+18455550199"
