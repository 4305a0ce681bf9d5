"""The table of error codes in docs/api.md, made from the apps' ErrorCode enums (the
``error_codes`` command writes it; a test fails when the doc and the enums differ)."""

from branding.errors import error_code_enums

BEGIN = "<!-- error-codes:begin (manage.py error_codes --write) -->"
END = "<!-- error-codes:end -->"

# The heading each enum's table gets (the enum's app, in the reader's words).
TITLES = {
    "BrandingErrorCode": "Clinic and generic (`branding`)",
    "NotificationErrorCode": "Notifications (`notifications`)",
    "PeopleErrorCode": "People: accounts, pets, photos (`people`)",
    "RecordsErrorCode": "Records: forms, medical history, feedback, messages (`records`)",
    "BookingErrorCode": "Booking (`booking_api`)",
    "PaymentErrorCode": "Payments (`payments`)",
    "LoyaltyErrorCode": "Loyalty, rewards, referrals, games (`loyalty`)",
    "CommerceErrorCode": "Shop: packages, gift cards, purchases (`commerce`)",
    "PrivacyErrorCode": "Privacy: data export, erasure, consent (`privacy`)",
    "PortalErrorCode": "Portal (`portal_pages`)",
}


def error_codes_markdown() -> str:
    parts = []
    for enum in error_code_enums():
        parts.append(f"#### {TITLES.get(enum.__name__, enum.__name__)}\n")
        parts.append("| code | status | meaning |\n| --- | --- | --- |")
        parts.extend(f"| `{m.value}` | {m.status} | {m.meaning} |" for m in enum)
        parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


def with_error_codes(doc: str) -> str:
    """``doc`` with the text between the markers replaced by the current table."""
    head, begin, rest = doc.partition(BEGIN)
    _old, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"docs/api.md has no {BEGIN} … {END} block")
    return f"{head}{BEGIN}\n\n{error_codes_markdown()}\n{END}{tail}"
