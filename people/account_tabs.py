"""Tabs on the staff client account view, contributed by each app.

An app registers a tab in its ``wagtail_hooks.py``::

    @hooks.register("register_client_account_tab")
    def loyalty_tab():
        return ClientAccountTab(key="loyalty", label=_("Loyalty"), order=50,
                                template_name="loyalty/admin/account_tab.html",
                                get_context=loyalty_tab_context)

``get_context(request, clinic, account)`` returns the template's context; it calls the
app's selectors (so the view stays free of other apps' queries). ``is_shown`` hides a tab,
e.g. when its feature is off or the viewer's role may not see it. ``group`` puts the
tab under one of ``TAB_GROUPS`` (the page shows the groups, then the chosen group's
tabs, so a dozen tabs never wrap or overflow).

The Overview tab is made of panels the same way (``register_client_overview_panel``):
each app says what matters about the client from its own selectors — alerts at the top
(``get_alerts`` → ``OverviewAlert``s) and a summary card (``template_name`` with
``get_context``; a context of None leaves the card out)::

    @hooks.register("register_client_overview_panel")
    def loyalty_panel():
        return ClientOverviewPanel(key="loyalty", order=50,
                                   template_name="loyalty/admin/overview_panel.html",
                                   get_context=loyalty_overview_context)
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

HOOK_NAME = "register_client_account_tab"
OVERVIEW_HOOK_NAME = "register_client_overview_panel"

# The groups the tabs are shown under, in order: (key, label).
TAB_GROUPS = (
    ("client", _("Client")),
    ("visits", _("Visits")),
    ("money", _("Money")),
    ("records", _("Records")),
    ("messages", _("Messages")),
    ("admin", _("Admin")),
)


def _always(request, clinic, account):
    return True


@dataclass(frozen=True)
class ClientAccountTab:
    key: str
    label: str
    template_name: str
    get_context: Callable = field(default=lambda request, clinic, account: {})
    is_shown: Callable = field(default=_always)
    order: int = 100
    # Optional ``(request, clinic, account) -> str``: a label for this client, e.g. with
    # a count ("Messages (2)").
    label_for: Callable | None = None
    # One of TAB_GROUPS' keys.
    group: str = "records"


def visible_tabs(request, clinic, account):
    """The registered tabs this viewer may see for this client, in order, without their
    contexts: what the tab bar is built from (``is_shown`` and ``label_for`` must stay
    cheap, a query at most)."""
    tabs = sorted((fn() for fn in hooks.get_hooks(HOOK_NAME)), key=lambda tab: tab.order)
    return [
        replace(tab, label=tab.label_for(request, clinic, account)) if tab.label_for else tab
        for tab in tabs
        if tab.is_shown(request, clinic, account)
    ]


def account_tabs(request, clinic, account, *, chosen=None):
    """The registered tabs this viewer may see for this client, in order, each paired
    with its rendered context. With ``chosen`` (a tab key) only that tab's context is
    computed, the others are paired with None (they are fetched when opened)."""
    return [
        (
            tab,
            tab.get_context(request, clinic, account)
            if chosen is None or tab.key == chosen
            else None,
        )
        for tab in visible_tabs(request, clinic, account)
    ]


def client_tab_url(account_pk, tab):
    """The client account page opened at ``tab``: rendered there by the server
    (``?tab=``) and kept there by the page's script (``#tab-``)."""
    url = reverse("clinic_workspace:client_detail", args=[account_pk])
    return f"{url}?tab={tab}#tab-{tab}"


def grouped_tabs(tabs):
    """``account_tabs``' answer under its groups: ``[(key, label, [(tab, context)…])]``,
    in TAB_GROUPS' order, empty groups left out (an unknown group joins "records")."""
    known = {key for key, _label in TAB_GROUPS}
    groups = {key: [] for key in known}
    for tab, context in tabs:
        groups[tab.group if tab.group in known else "records"].append((tab, context))
    return [(key, label, groups[key]) for key, label in TAB_GROUPS if groups[key]]


def tab_bar(tabs, chosen):
    """``account_tabs``' answer for the page's tab bar: each group as a dict with its
    ``key``, ``label``, ``chosen`` (it holds the chosen tab), ``open`` (the tab a click
    on the group opens) and ``members``: dicts of ``tab``, ``context``, ``chosen`` and
    ``selected`` (shown when its group is: the chosen tab, or a group's first)."""
    bar = []
    for key, label, members in grouped_tabs(tabs):
        keys = [tab.key for tab, _context in members]
        selected = chosen if chosen in keys else keys[0]
        rows = [
            {
                "tab": tab,
                "context": context,
                "chosen": tab.key == chosen,
                "selected": tab.key == selected,
            }
            for tab, context in members
        ]
        bar.append(
            {
                "key": key,
                "label": label,
                "chosen": chosen in keys,
                "open": next(row["tab"] for row in rows if row["selected"]),
                "members": rows,
            }
        )
    return bar


LEVELS = ("critical", "warning", "info")


@dataclass(frozen=True)
class OverviewAlert:
    """One thing staff must see before anything else (an allergy, a failed patch test,
    a no-show block, a form to sign). ``level``: critical, warning or info."""

    key: str
    title: str
    detail: str = ""
    url: str | None = None
    level: str = "warning"


@dataclass(frozen=True)
class ClientOverviewPanel:
    key: str
    order: int = 100
    # ``(request, clinic, account) -> list[OverviewAlert]``
    get_alerts: Callable = field(default=lambda request, clinic, account: [])
    # A summary card: its template gets ``panel_context``; None leaves it out.
    template_name: str | None = None
    get_context: Callable = field(default=lambda request, clinic, account: None)
    is_shown: Callable = field(default=_always)


@dataclass(frozen=True)
class ClientOverview:
    alerts: list
    cards: list  # [(panel, context)]


def client_overview(request, clinic, account) -> ClientOverview:
    """The registered overview panels this viewer may see: every alert, most serious
    first (then in the panels' order), and the summary cards that have something to
    say."""
    panels = sorted((fn() for fn in hooks.get_hooks(OVERVIEW_HOOK_NAME)), key=lambda p: p.order)
    alerts, cards = [], []
    for panel in panels:
        if not panel.is_shown(request, clinic, account):
            continue
        alerts.extend(panel.get_alerts(request, clinic, account))
        if panel.template_name:
            context = panel.get_context(request, clinic, account)
            if context is not None:
                cards.append((panel, context))
    rank = {level: i for i, level in enumerate(LEVELS)}
    alerts.sort(key=lambda alert: rank.get(alert.level, len(LEVELS)))
    return ClientOverview(alerts=alerts, cards=cards)


def per_request(request, key, compute):
    """``compute()`` once per request under ``key``: the header, the Overview's panels
    and a tab often need the same read of the same client (its balance, its next
    visits); each asks through this and the page runs the query once."""
    cache = request.__dict__.setdefault("_client_account_reads", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
