"""The normalised text a client is found by.

Each account keeps ``search_text``: its name and email transliterated to lower-case ASCII
(so "Zoë", "ZOE" and "zoe" match alike, and Cyrillic names match their Latin spelling)
plus the phone's digits in international and national form (so "+44 7700 900123",
"07700 900123" and "7700900123" all find the same person). Queries are normalised the
same way, so a plain substring test answers; on PostgreSQL a trigram index serves it.
"""

import re

import phonenumbers
from anyascii import anyascii

_NOT_WORD = re.compile(r"[^a-z0-9@._+-]+")
_NON_DIGIT = re.compile(r"\D")
# A query made only of digits and the punctuation people write phone numbers with.
_PHONE_LIKE = re.compile(r"[+\d\s().-]+")


def normalise_text(value):
    """Lower-case ASCII words separated by single spaces."""
    return " ".join(_NOT_WORD.split(anyascii(value or "").lower())).strip()


def phone_digits(e164):
    """The ways a stored E.164 number is typed, as digit strings: international
    (447700900123) and national (07700900123)."""
    if not e164:
        return []
    forms = [_NON_DIGIT.sub("", e164)]
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return forms
    national = _NON_DIGIT.sub(
        "", phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    if national and national not in forms[0]:
        forms.append(national)
    return forms


def search_text_for(*, first_name, last_name, email, phone):
    parts = [normalise_text(f"{first_name} {last_name}"), normalise_text(email)]
    parts.extend(phone_digits(phone))
    return " ".join(part for part in parts if part)


def query_terms(query):
    """What a query must match, as a list of substrings of ``search_text`` (all must
    match). A phone-like query becomes one digit string (without the international
    prefix's + or 00, so it matches the stored international digits too)."""
    query = (query or "").strip()
    if _PHONE_LIKE.fullmatch(query) and sum(ch.isdigit() for ch in query) >= 3:
        digits = _NON_DIGIT.sub("", query)
        if query.startswith("00"):
            digits = digits[2:]
        return [digits]
    return [term for term in normalise_text(query).split(" ") if term]
