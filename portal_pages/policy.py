"""The clinic's booking policy in words, for PolicyPage: the numbers come from the
booking policy settings (what the engine enforces), never typed into the page, so the
page cannot drift from what happens when a patient cancels."""

import re

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branding.money import format_money
from branding.selectors import clinic_policy

# Placeholders an editor may write in a policy page's text, e.g. "{free_cancellation_hours}".
PLACEHOLDERS = (
    "free_cancellation_hours",
    "late_cancellation_fee",
    "reschedule_limit",
    "reschedule_window_hours",
    "minimum_notice",
    "no_show_fee",
    "payment_at_booking",
)
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fee_in_words(kind, value, currency):
    """A fee as people read it: "50% of the price", "£10.00" or "no fee"."""
    if kind == "percent" and value:
        return _("%(percent)s%% of the price") % {"percent": value}
    if kind == "fixed" and value:
        return format_money(value, currency)
    return _("no fee")


def payment_in_words(policy) -> str:
    """What is paid online when booking, from the one payment setting — the same rule
    the checkout quote charges by (``payments.selectors.checkout_quote``)."""
    mode = policy.payment_mode
    if mode == "deposit":
        return _(
            "a deposit when you book (the service's own deposit, otherwise %(percent)s%% of "
            "the price); the rest is paid at the clinic"
        ) % {"percent": policy.deposit_percent}
    if mode == "full":
        return _("the full price, paid online when you book")
    if mode == "card_on_file":
        return _(
            "a card saved when you book; nothing is charged then, the visit is paid afterwards"
        )
    return _("nothing is paid online; you pay at the clinic")


def _hours(hours):
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def policy_numbers(clinic) -> dict[str, str]:
    """Placeholder → the clinic's actual value, in words, in the active language."""
    policy = clinic_policy(clinic)
    late_fee = (
        _("please contact the clinic")
        if policy.late_cancel_contact_clinic
        else fee_in_words(
            policy.late_cancel_fee_kind, policy.late_cancel_fee_value, clinic.currency
        )
    )
    minutes = policy.min_notice_minutes
    notice = (
        _hours(minutes // 60)
        if minutes % 60 == 0 and minutes
        else (ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    )
    return {
        "free_cancellation_hours": _hours(policy.cancellation_window_hours),
        "late_cancellation_fee": late_fee,
        "reschedule_limit": str(policy.reschedule_limit),
        "reschedule_window_hours": _hours(policy.reschedule_window_hours),
        "minimum_notice": notice,
        "no_show_fee": fee_in_words(
            policy.no_show_fee_kind, policy.no_show_fee_value, clinic.currency
        ),
        "payment_at_booking": payment_in_words(policy),
    }


def fill_policy_placeholders(html: str, numbers: dict[str, str]) -> str:
    """Replace known ``{placeholders}`` in rendered rich text with escaped values;
    anything else in braces is left as the editor wrote it."""
    return _PLACEHOLDER.sub(lambda match: escape(numbers[match.group(1)]), html)


def policy_version(clinic) -> tuple:
    """The policy's values (the row is loaded with the clinic): a page or answer that
    shows them changes when this does."""
    policy = clinic_policy(clinic)
    return (
        clinic.currency,
        *(getattr(policy, field.attname) for field in policy._meta.concrete_fields),
    )
