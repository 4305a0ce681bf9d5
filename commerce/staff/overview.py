"""Commerce's card on the client account's Overview: packages in use (sessions left,
expiry) and gift cards with money left, where the clinic sells them."""

from branding.clinic_time import format_date
from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.giftcards.selectors import client_gift_cards_with_balance
from commerce.packages.selectors import client_packages, package_in_use
from people.account_tabs import ClientOverviewPanel, client_tab_url, per_request


def packages_for(request, clinic, account):
    """The client's packages with their balance, read once for the tab and the card."""
    return per_request(request, ("packages", account.pk), lambda: client_packages(clinic, account))


def overview_context(request, clinic, account):
    packages = []
    if feature_enabled(clinic, "packages"):
        packages = [p for p in packages_for(request, clinic, account) if package_in_use(clinic, p)]
    cards = (
        client_gift_cards_with_balance(clinic, account)
        if feature_enabled(clinic, "gift_cards")
        else []
    )
    if not packages and not cards:
        return None
    return {
        "packages": [
            {"name": p.name, "left": p.balance, "expires": format_date(p.expires_on)}
            for p in packages
        ],
        "gift_cards": [
            {"code": c.code[-4:], "balance": format_money(c.balance, c.currency)} for c in cards
        ],
        "url": client_tab_url(account.pk, "packages"),
    }


def overview_panel(is_shown):
    return ClientOverviewPanel(
        key="packages",
        order=30,
        template_name="commerce/admin/overview_panel.html",
        get_context=overview_context,
        is_shown=is_shown,
    )
