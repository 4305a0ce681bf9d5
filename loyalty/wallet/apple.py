"""Apple Wallet: a store card ``.pkpass`` — a zip of ``pass.json``, images, a
``manifest.json`` of each file's SHA-1 digest, and ``signature``: a detached PKCS#7
signature of the manifest made with the pass type certificate and key, carrying
Apple's WWDR intermediate certificate."""

import hashlib
import io
import json
import zipfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from django.utils.translation import gettext as _

from branding.icons import icon_png
from loyalty.wallet.config import AppleSigning
from loyalty.wallet.membership import MembershipCard

# Apple's image names and pixel sizes (1x, 2x, 3x).
IMAGES = {
    "icon.png": 29,
    "icon@2x.png": 58,
    "icon@3x.png": 87,
    "logo.png": 50,
    "logo@2x.png": 100,
}


def _rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def _on(hex_colour: str) -> str:
    """Black or white text, whichever reads on the background."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return (
        "rgb(0, 0, 0)" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "rgb(255, 255, 255)"
    )


def pass_json(card: MembershipCard, signing: AppleSigning) -> dict:
    secondary = [{"key": "member", "label": _("Member"), "value": card.client_name}]
    if card.tier:
        secondary.append({"key": "tier", "label": _("Tier"), "value": card.tier})
    return {
        "formatVersion": 1,
        "passTypeIdentifier": signing.pass_type_id,
        "teamIdentifier": signing.team_id,
        "serialNumber": card.serial,
        "organizationName": card.clinic_name,
        "description": _("%(clinic)s membership card") % {"clinic": card.clinic_name},
        "logoText": card.clinic_name,
        "backgroundColor": _rgb(card.primary_color),
        "foregroundColor": _on(card.primary_color),
        "labelColor": _on(card.primary_color),
        "storeCard": {
            "primaryFields": [{"key": "balance", "label": card.unit_name, "value": card.balance}],
            "secondaryFields": secondary,
            "backFields": [
                {"key": "number", "label": _("Member number"), "value": card.member_number},
                {"key": "clinic", "label": card.clinic_name, "value": card.clinic_domain},
            ],
        },
        "barcodes": [
            {
                "format": "PKBarcodeFormatQR",
                "message": card.check_in_url,
                "messageEncoding": "iso-8859-1",
                "altText": card.member_number,
            }
        ],
    }


def pass_files(card: MembershipCard, signing: AppleSigning) -> dict[str, bytes]:
    files = {"pass.json": json.dumps(pass_json(card, signing), ensure_ascii=False).encode()}
    for name, size in IMAGES.items():
        files[name] = icon_png(size=size, initial=card.clinic_name, color=card.primary_color)
    return files


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in sorted(files.items())},  # noqa: S324  (Apple's format)
        indent=1,
    ).encode()


def sign(manifest_bytes: bytes, signing: AppleSigning) -> bytes:
    """Detached PKCS#7 (DER) signature of the manifest, as Wallet expects."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest_bytes)
        .add_signer(signing.certificate, signing.private_key, hashes.SHA256())
        .add_certificate(signing.wwdr_certificate)
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def pkpass(card: MembershipCard, signing: AppleSigning) -> bytes:
    files = pass_files(card, signing)
    files["manifest.json"] = manifest(files)
    files["signature"] = sign(files["manifest.json"], signing)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
