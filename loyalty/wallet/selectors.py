"""The wallet offer for a client: their card, whether an Apple pass can be made, and
the Google save link. Used by the portal's /wallet/ page and the API."""

from dataclasses import dataclass

from django.http import Http404

from loyalty.wallet import apple, google
from loyalty.wallet.config import apple_signing, google_signing
from loyalty.wallet.membership import MembershipCard, membership_card


@dataclass(frozen=True)
class WalletOffer:
    card: MembershipCard
    apple_available: bool
    google_save_url: str  # empty when Google Wallet is not set up


def wallet_offer(clinic, client, *, logo_url: str) -> WalletOffer:
    card = membership_card(clinic, client)
    google_keys = google_signing()
    return WalletOffer(
        card=card,
        apple_available=apple_signing() is not None,
        google_save_url=google.save_url(card, google_keys, logo_url=logo_url)
        if google_keys
        else "",
    )


def apple_pass_for(clinic, client) -> bytes:
    """The client's signed ``.pkpass``; 404 when Apple Wallet is not set up."""
    signing = apple_signing()
    if signing is None:
        raise Http404("Apple Wallet passes are not set up.")
    return apple.pkpass(membership_card(clinic, client), signing)
