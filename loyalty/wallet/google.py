"""Google Wallet: a "Save to Google Wallet" link carrying a JWT (RS256, signed with the
service account's key) that defines the clinic's loyalty class and the client's
loyalty object. Google creates or updates both when the link is opened."""

import time

import jwt
from django.utils.translation import gettext as _

from branding.links import portal_origin
from loyalty.wallet.config import GoogleSigning
from loyalty.wallet.membership import MembershipCard

SAVE_URL = "https://pay.google.com/gp/v/save/{token}"


def _id(signing: GoogleSigning, suffix: str) -> str:
    # Google ids are "<issuer id>.<suffix>", the suffix of letters, digits, . _ -
    clean = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in suffix)
    return f"{signing.issuer_id}.{clean}"


def save_claims(card: MembershipCard, signing: GoogleSigning, *, logo_url: str, now=None) -> dict:
    class_id = _id(signing, f"{card.clinic_slug}-membership")
    loyalty_object = {
        "id": _id(signing, card.serial),
        "classId": class_id,
        "state": "ACTIVE",
        "accountId": card.member_number,
        "accountName": card.client_name,
        "loyaltyPoints": {"label": card.unit_name, "balance": {"int": card.balance}},
        "barcode": {
            "type": "QR_CODE",
            "value": card.check_in_url,
            "alternateText": card.member_number,
        },
    }
    if card.tier:
        loyalty_object["textModulesData"] = [{"id": "tier", "header": _("Tier"), "body": card.tier}]
    return {
        "iss": signing.service_account_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(now if now is not None else time.time()),
        "origins": [portal_origin(card.clinic_domain)],
        "payload": {
            "loyaltyClasses": [
                {
                    "id": class_id,
                    "issuerName": card.clinic_name,
                    "programName": _("%(clinic)s membership") % {"clinic": card.clinic_name},
                    "programLogo": {"sourceUri": {"uri": logo_url}},
                    "hexBackgroundColor": card.primary_color,
                    "reviewStatus": "UNDER_REVIEW",
                }
            ],
            "loyaltyObjects": [loyalty_object],
        },
    }


def save_url(card: MembershipCard, signing: GoogleSigning, *, logo_url: str, now=None) -> str:
    headers = {"kid": signing.key_id} if signing.key_id else None
    token = jwt.encode(
        save_claims(card, signing, logo_url=logo_url, now=now),
        signing.private_key,
        algorithm="RS256",
        headers=headers,
    )
    return SAVE_URL.format(token=token)
