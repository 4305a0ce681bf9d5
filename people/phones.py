import phonenumbers
from django.utils.translation import gettext as _

from branding.errors import DomainError
from people.errors import PeopleErrorCode

# The region assumed for numbers written without a country code, by clinic currency.
DEFAULT_REGION_BY_CURRENCY = {
    "GBP": "GB",
    "USD": "US",
    "EUR": "IE",
    "BGN": "BG",
    "CAD": "CA",
    "AUD": "AU",
}


def phone_to_e164(value, *, region="GB", field="phone"):
    """A phone number in E.164 (+447700900123), from any common way of writing it.
    Empty stays empty; anything that is not a possible number is refused."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise DomainError(
            _("%(value)s is not a phone number.") % {"value": value},
            field=field,
            code=PeopleErrorCode.PHONE_INVALID,
        ) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise DomainError(
            _("%(value)s is not a possible phone number.") % {"value": value},
            field=field,
            code=PeopleErrorCode.PHONE_INVALID,
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_for_clinic(clinic):
    return DEFAULT_REGION_BY_CURRENCY.get(clinic.currency, "GB")
