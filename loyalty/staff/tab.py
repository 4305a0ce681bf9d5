"""The client account's Loyalty tab: balance, tier, ledger history with "oops", the
staff actions, vouchers and pending requests. All reads through loyalty selectors."""

from django.urls import reverse

from branding.selectors import feature_enabled
from loyalty.models import LedgerEntry
from loyalty.rewards.selectors import client_vouchers, pending_requests
from loyalty.selectors import history, programme_for
from loyalty.staff.views import AddPointsForm, AdjustForm, DeclineForm, GrantForm
from loyalty.tiers import balance_and_tier_status
from people.account_tabs import client_tab_url, per_request
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role

HISTORY_ROWS = 50


def is_shown(request, clinic, account):
    return feature_enabled(clinic, "rewards") and request_admin_role(request) in FRONT_DESK


def _read(request, key, compute):
    return per_request(request, ("loyalty", key), compute)


def _standing(request, clinic, account):
    """``(balance, tier status)``, read once for the Overview's card and the tab."""
    return _read(request, account.pk, lambda: balance_and_tier_status(clinic, account))


def tab_context(request, clinic, account):
    entries = list(history(clinic, account).select_related("actor")[:HISTORY_ROWS])
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses__in=entries).values_list("reverses_id", flat=True)
    )
    for entry in entries:
        entry.can_reverse = entry.kind != "reversal" and entry.pk not in reversed_ids
    action = lambda name: reverse("loyalty_client_action", args=[account.pk, name])  # noqa: E731
    programme = _read(request, "programme", lambda: programme_for(clinic))
    points, status = _standing(request, clinic, account)
    return {
        "programme": programme,
        "balance": points,
        "status": status,
        "entries": entries,
        "vouchers": client_vouchers(clinic, account),
        "requests": list(pending_requests(clinic, client=account)),
        "add_form": AddPointsForm(unit=programme.unit_label),
        "adjust_form": AdjustForm(),
        "grant_form": GrantForm(clinic=clinic, unit=programme.unit_label),
        "decline_form": DeclineForm(),
        "urls": {name: action(name) for name in ("add", "adjust", "reverse", "grant")},
        "back": client_tab_url(account.pk, "loyalty"),
    }


def overview_context(request, clinic, account):
    """The Overview card: balance in the clinic's unit, tier, waiting requests."""
    points, status = _standing(request, clinic, account)
    return {
        "balance": points,
        "unit": _read(request, "programme", lambda: programme_for(clinic)).unit_label,
        "tier": status.tier.name if status.tier else None,
        "requests": pending_requests(clinic, client=account).count(),
        "url": client_tab_url(account.pk, "loyalty"),
    }
