"""Tabs on the staff client account view, contributed by each app.

An app registers a tab in its ``wagtail_hooks.py``::

    @hooks.register("register_client_account_tab")
    def loyalty_tab():
        return ClientAccountTab(key="loyalty", label=_("Loyalty"), order=50,
                                template_name="loyalty/admin/account_tab.html",
                                get_context=loyalty_tab_context)

``get_context(request, clinic, account)`` returns the template's context; it calls the
app's selectors (so the view stays free of other apps' queries). ``is_shown`` hides a tab,
e.g. when its feature is off or the viewer's role may not see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from wagtail import hooks

HOOK_NAME = "register_client_account_tab"


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


def account_tabs(request, clinic, account):
    """The registered tabs this viewer may see for this client, in order, each paired
    with its rendered context."""
    tabs = sorted((fn() for fn in hooks.get_hooks(HOOK_NAME)), key=lambda tab: tab.order)
    return [
        (
            replace(tab, label=tab.label_for(request, clinic, account)) if tab.label_for else tab,
            tab.get_context(request, clinic, account),
        )
        for tab in tabs
        if tab.is_shown(request, clinic, account)
    ]
