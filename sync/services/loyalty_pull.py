"""Loyalty transactions pulled from the practice system (where the clinic's programme
says points come from there): each is posted to the client's ledger once, keyed by its
id there, so pulling a page twice changes nothing. A transaction for a client the
practice system has not sent, or one that would take the balance below zero, is
listed for staff and the rest of the page goes on."""

from django.utils.translation import gettext as _

from loyalty.selectors import programme_for
from loyalty.services import practice_points_post
from sync.connectors.base import RecordError
from sync.models import ClientLink


def practice_points_pulled(clinic) -> bool:
    """Whether the clinic's points come from its practice system."""
    programme = programme_for(clinic)
    return bool(programme.active and programme.points_from_practice)


def loyalty_prefetch(context, records):
    """The page's clients, by the practice system's id, in one query."""
    ids = {record.client_id for record in records}
    links = ClientLink.objects.filter(clinic=context.clinic, external_id__in=ids).select_related(
        "client__user"
    )
    context.cache["loyalty_clients"] = {link.external_id: link.client for link in links}


def loyalty_apply(context, record):
    client = context.cache.get("loyalty_clients", {}).get(record.client_id)
    if client is None:
        raise RecordError(
            _("client_id: the practice system has not sent client %(id)s.")
            % {"id": record.client_id},
            external_id=record.external_id,
        )
    _entry, created = practice_points_post(
        clinic=context.clinic,
        client=client,
        amount=record.points,
        reason=record.reason[:200],
        key=record.external_id,
    )
    return "created" if created else "unchanged"
