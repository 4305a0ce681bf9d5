"""The survey link carries a signed token naming the booking, so the client can answer
without signing in, and nobody can answer for a booking that is not theirs."""

from django.core import signing

# Kept from when this lived in `clients`: links already emailed must still open.
SALT = "clients.feedback.survey"
MAX_AGE = 60 * 60 * 24 * 60  # a survey link works for 60 days


def survey_token(booking) -> str:
    return signing.dumps({"b": booking.pk, "c": booking.clinic_id}, salt=SALT, compress=True)


def booking_id_from_token(token, clinic):
    """The booking id the token was made for, or None when it is forged, expired or
    belongs to another clinic."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != clinic.pk:
        return None
    return data.get("b")
