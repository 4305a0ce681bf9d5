"""branding.money: precision, minor units, formatting and parsing for GBP, EUR, USD,
BGN and JPY (no minor unit), in English and Bulgarian."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from branding.money import (
    CURRENCIES,
    AmountError,
    AmountField,
    amount_for_input,
    format_money,
    minor_digits,
    parse_amount,
    to_major,
    to_minor,
)

NBSP = "\u00a0"
MATRIX = ["GBP", "EUR", "USD", "BGN", "JPY"]

# 123450 minor units: 1,234.50 (yen have no minor unit: 123,450 yen).
FORMATTED = {
    ("en", "GBP"): "£1,234.50",
    ("en", "EUR"): "€1,234.50",
    ("en", "USD"): "$1,234.50",
    ("en", "BGN"): f"BGN{NBSP}1,234.50",  # a space after a letter symbol, never "BGN1,234.50"
    ("en", "JPY"): "¥123,450",
    ("bg", "GBP"): f"1{NBSP}234,50{NBSP}GBP",
    ("bg", "EUR"): f"1{NBSP}234,50{NBSP}€",
    ("bg", "USD"): f"1{NBSP}234,50{NBSP}щ.д.",
    ("bg", "BGN"): f"1{NBSP}234,50{NBSP}лв.",
    ("bg", "JPY"): f"123{NBSP}450{NBSP}JPY",
}


@pytest.mark.parametrize("currency,digits", [*[(c, 2) for c in MATRIX[:4]], ("JPY", 0)])
def test_minor_digits_come_from_babel(currency, digits):
    assert minor_digits(currency) == digits
    assert minor_digits(currency.lower()) == digits


def test_every_supported_currency_has_a_known_precision():
    assert {minor_digits(c) for c in CURRENCIES} <= {0, 2}
    assert [c for c in CURRENCIES if minor_digits(c) == 0] == ["JPY", "KRW"]


@pytest.mark.parametrize("currency", MATRIX)
@pytest.mark.parametrize("minor", [0, 1, 99, 4500, 123450, 2**31 - 1])
def test_minor_units_round_trip(currency, minor):
    major = to_major(minor, currency)
    assert isinstance(major, Decimal)
    assert to_minor(major, currency) == minor
    assert to_minor(str(major), currency) == minor


def test_to_major_and_to_minor():
    assert to_major(4500, "GBP") == Decimal("45.00")
    assert to_major(4500, "JPY") == Decimal(4500)
    assert to_minor(Decimal("45"), "BGN") == 4500
    assert to_minor(45, "JPY") == 45
    with pytest.raises(AmountError) as finer:
        to_minor(Decimal("4.999"), "GBP")
    assert finer.value.code == "decimals"
    with pytest.raises(AmountError) as yen:
        to_minor(Decimal("45.5"), "JPY")
    assert yen.value.code == "no_decimals"
    for bad in ("abc", Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(AmountError) as exc:
            to_minor(bad, "GBP")
        assert exc.value.code == "invalid"


@pytest.mark.parametrize("language,currency", list(FORMATTED))
def test_format_in_each_language(language, currency):
    with translation.override(language):
        assert format_money(123450, currency) == FORMATTED[language, currency]


def test_format_follows_the_active_language_and_small_amounts():
    with translation.override("en"):
        assert format_money(4500, "BGN") == f"BGN{NBSP}45.00"
        assert format_money(5, "GBP") == "£0.05"
        assert format_money(-500, "BGN") == f"-BGN{NBSP}5.00"
    with translation.override("bg"):
        assert format_money(4500, "BGN") == f"45,00{NBSP}лв."
        assert format_money(4500, "JPY") == f"4{NBSP}500{NBSP}JPY"


@pytest.mark.parametrize("language", ["en", "bg"])
def test_the_template_filter_is_format_money(language):
    template = Template("{% load money %}[{{ amount|money:currency }}][{{ none|money:currency }}]")
    with translation.override(language):
        html = template.render(Context({"amount": 123450, "currency": "BGN", "none": None}))
        assert html == f"[{format_money(123450, 'BGN')}][]"


@pytest.mark.parametrize("language", ["en", "bg"])
@pytest.mark.parametrize("typed", ["45", "45.00", "45,00", "45.0", " 45.00 "])
@pytest.mark.parametrize("currency", MATRIX[:4])
def test_parse_what_people_type(language, typed, currency):
    with translation.override(language):
        assert parse_amount(typed, currency) == 4500


@pytest.mark.parametrize("language", ["en", "bg"])
def test_parse_yen_has_no_minor_unit(language):
    with translation.override(language):
        assert parse_amount("4500", "JPY") == 4500
        assert parse_amount("45", "JPY") == 45
        with pytest.raises(AmountError) as exc:
            parse_amount("45.50", "JPY", field="price")
        assert (exc.value.code, exc.value.field) == ("no_decimals", "price")


def test_grouping_is_read_per_language():
    with translation.override("en"):
        assert parse_amount("1,234.50", "GBP") == 123450
        assert parse_amount("1,234", "GBP") == 123400  # English groups with commas
        assert parse_amount("1,234,567", "JPY") == 1234567
        assert parse_amount("4,500", "JPY") == 4500
    with translation.override("bg"):
        assert parse_amount(f"1{NBSP}234,50", "BGN") == 123450
        assert parse_amount("1 234,50", "BGN") == 123450
        with pytest.raises(AmountError) as exc:
            parse_amount("1,234", "BGN")  # a decimal comma in Bulgarian: 1.234 лв.
        assert exc.value.code == "decimals"


@pytest.mark.parametrize("language", ["en", "bg"])
@pytest.mark.parametrize(
    "typed,code",
    [
        ("abc", "invalid"),
        ("4 5.0.0", "invalid"),
        ("1.2.3", "invalid"),
        ("1,23,456", "invalid"),
        ("45.", "invalid"),
        ("£45", "invalid"),
        ("NaN", "invalid"),
        ("1e3", "invalid"),
        ("٤٥", "invalid"),  # Arabic-Indic digits: not what an amount input takes
        ("-5", "negative"),
        ("−5,00", "negative"),
        ("4.999", "decimals"),
        ("99999999999", "too_large"),
    ],
)
def test_parse_refuses_bad_input_naming_the_field(language, typed, code):
    with translation.override(language), pytest.raises(AmountError) as exc:
        parse_amount(typed, "GBP", field="deposit")
    assert (exc.value.code, exc.value.field) == (code, "deposit")
    assert exc.value.as_dict()["errors"] == {"deposit": [exc.value.message]}


def test_blank_is_no_amount():
    assert parse_amount("", "GBP") is None
    assert parse_amount("   ", "GBP") is None
    assert parse_amount(None, "GBP") is None


@pytest.mark.parametrize("language", ["en", "bg"])
@pytest.mark.parametrize("currency", MATRIX)
@pytest.mark.parametrize("minor", [0, 7, 4500, 123450, 99999999])
def test_what_an_input_shows_reads_back(language, currency, minor):
    with translation.override(language):
        shown = amount_for_input(minor, currency)
        assert parse_amount(shown, currency) == minor


def test_input_value_uses_the_languages_decimal_mark():
    with translation.override("en"):
        assert amount_for_input(4500, "BGN") == "45.00"
        assert amount_for_input(4500, "JPY") == "4500"
    with translation.override("bg"):
        assert amount_for_input(4500, "BGN") == "45,00"
    assert amount_for_input(None, "GBP") == ""


class PriceForm(forms.Form):
    price = AmountField(label="Price")
    deposit = AmountField(label="Deposit", required=False, error_messages={"invalid": "No."})

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.currency = currency


@pytest.mark.parametrize("language", ["en", "bg"])
def test_the_form_field_cleans_to_minor_units(language):
    with translation.override(language):
        form = PriceForm({"price": "45,00", "deposit": ""}, currency="BGN")
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"price": 4500, "deposit": None}
        initial = PriceForm(initial={"price": 4500}, currency="BGN")
        assert f'value="{amount_for_input(4500, "BGN")}"' in str(initial["price"])


def test_the_form_field_puts_each_error_on_its_field():
    with translation.override("en"):
        form = PriceForm({"price": "45.50", "deposit": "lots"}, currency="JPY")
        assert not form.is_valid()
        assert form.errors == {
            "price": ["JPY amounts have no decimal places."],
            "deposit": ["No."],
        }
        assert PriceForm({"price": "4.999"}, currency="GBP").errors == {
            "price": ["GBP amounts have at most 2 decimal places."]
        }
        assert PriceForm({"price": ""}, currency="GBP").errors == {
            "price": ["This field is required."]
        }
