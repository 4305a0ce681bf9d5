"""What a client's membership card shows: who, their member number (the QR code staff
scan at check-in), their balance and tier. Read in a few queries; no writes."""

import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

from branding.selectors import clinic_branding
from loyalty.selectors import balance, programme_for
from loyalty.tiers import tier_status


@dataclass(frozen=True)
class MembershipCard:
    clinic_name: str
    clinic_slug: str
    clinic_domain: str
    client_name: str
    member_number: str
    serial: str  # stable per client: the pass's identity in the wallet
    balance: int
    unit_name: str
    tier: str  # empty when the clinic has no tiers or none reached
    primary_color: str
    accent_color: str


def member_number(client) -> str:
    """The number printed on the card and held in its QR code: the clinic's prefix and
    the account number, e.g. ``GLOW-000042``."""
    prefix = "".join(ch for ch in client.clinic.slug.upper() if ch.isalnum())[:6] or "M"
    return f"{prefix}-{client.pk:06d}"


def membership_card(clinic, client) -> MembershipCard:
    if client.clinic_id != clinic.pk:
        raise ValueError("The client belongs to another clinic.")
    branding = clinic_branding(clinic)
    status = tier_status(clinic, client)
    return MembershipCard(
        clinic_name=clinic.name,
        clinic_slug=clinic.slug,
        clinic_domain=clinic.domain,
        client_name=client.name,
        member_number=member_number(client),
        serial=f"{clinic.slug}-{client.pk}",
        balance=balance(clinic, client),
        unit_name=programme_for(clinic).unit_label,
        tier=status.tier.name if status.tier else "",
        primary_color=branding.primary_color,
        accent_color=branding.accent_color,
    )


def member_qr_svg(card: MembershipCard) -> str:
    """The member number as an inline SVG QR code (no image file, no script)."""
    image = qrcode.make(
        card.member_number, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]
