"""Errors are a contract: every DomainError raised in the product names a code from its
app's ErrorCode enum, answers with that code's status, and says its message through
gettext, translated to Bulgarian.

The static half reads the source (AST) of the product packages, so a new raise that
forgets any of this fails here, before a client ever sees it."""

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from branding.errors import (
    BrandingErrorCode,
    ConflictError,
    DomainError,
    ErrorCode,
    FeatureDisabledError,
    error_code,
    error_code_enums,
)

ROOT = Path(settings.BASE_DIR)
PRODUCT = [
    "branding",
    "notifications",
    "people",
    "booking_api",
    "payments",
    "records",
    "loyalty",
    "commerce",
    "portal_pages",
]
# Each app's enum, by the name its raise sites use.
APP_ENUM = {
    "branding": "BrandingErrorCode",
    "notifications": "NotificationErrorCode",
    "people": "PeopleErrorCode",
    "booking_api": "BookingErrorCode",
    "payments": "PaymentErrorCode",
    "records": "RecordsErrorCode",
    "loyalty": "LoyaltyErrorCode",
    "commerce": "CommerceErrorCode",
    "portal_pages": "PortalErrorCode",
}
# Files whose raises may still pass codes as strings (which must be listed codes) and
# untranslated messages while they are being restructured elsewhere. Empty: every raise
# in the product is held to the contract; add a path here only for the length of a move.
PENDING = {}
# Messages that are not a literal here because they were translated where they were
# made (Django's validation messages, a message put together from translated parts).
PASS_THROUGH = {
    ("branding/services.py", "messages[0]"),
    ("booking_api/services/catalogue.py", "messages[0]"),
    ("loyalty/games/services.py", "messages[0]"),
    ("booking_api/services/patch_tests.py", "message"),
    # The form's own (Django) messages, and the forms-required text built with ngettext.
    ("people/admin_toolkit/responses.py", "messages[0]"),
    ("records/documents/rules.py", "message"),
    # A form field's (translated) label and Django's (translated) message for it.
    ("records/documents/services.py", 'f"{label}: {errors[0]}"'),
    ("records/forms_admin/tabs.py", 'f"{form.fields[field].label}: {errors[0]}"'),
    # Translated in booking_api.services.policy, which words the refusal.
    ("booking_api/services/bookings.py", "refusal"),
    ("booking_api/services/transitions.py", "quote.message"),
    # Stripe's own words for the card (user_message), or our translated fallback.
    ("payments/cards.py", 'exc.user_message or _("That card cannot be used.")'),
    ("payments/services/checkout.py", 'exc.user_message or _("That card cannot be used.")'),
    ("payments/charges.py", 'exc.user_message or _("That card cannot be used.")'),
    ("commerce/memberships/billing.py", 'exc.user_message or _("That card cannot be used.")'),
    # Each caller of commerce's _unusable / _invalid passes its own gettext message.
    ("commerce/packages/services.py", "message"),
    ("commerce/giftcards/services.py", "message"),
    ("commerce/giftcards/checkout.py", "message"),
    ("commerce/memberships/credits.py", "message"),
    # branding.money's ERRORS table (gettext_lazy literals, shared with AmountField).
    ("branding/money.py", 'ERRORS["invalid"]'),
    ("branding/money.py", 'ERRORS[code] % {"currency": currency.upper(), "places": digits}'),
    ("branding/money.py", "ERRORS[code] % params if params else ERRORS[code]"),
}
# A code passed on in a variable, chosen from the enum where it is set.
CODE_VARIABLES = {("branding/money.py", "code")}
# Classes whose own default code is specific enough to raise without naming one.
SPECIFIC_DEFAULT = {
    "FeatureDisabledError",
    "SlotTakenError",
    "PatchTestRequiredError",
    "FormsRequiredError",
    "ImportFileError",
    "ImageRejected",
    "CardDeclinedError",
    "RefundTooLargeError",
}
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}


@dataclass
class Raise:
    path: str
    line: int
    cls: str
    node: ast.Call
    source: str

    @property
    def where(self):
        return f"{self.path}:{self.line}"

    def keyword(self, name):
        return next((k.value for k in self.node.keywords if k.arg == name), None)


def _product_files():
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def _domain_error_classes(files):
    """Names of DomainError and every class deriving from it, by the source."""
    bases = {}
    for _path, _source, tree in files:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


@functools.cache
def raise_sites():
    """Every call of a DomainError class in the product. Scanned when a test first asks
    (once per test process), not when the module is collected."""
    files = [(path, source, ast.parse(source)) for path, source in _product_files()]
    classes = _domain_error_classes(files)
    sites = []
    for path, source, tree in files:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in classes and name != "super":
                    sites.append(Raise(path, node.lineno, name, node, source))
    return sites


def pending_app(path):
    return next((app for prefix, app in PENDING.items() if path.startswith(prefix)), None)


def translatable_literals(node):
    """The msgids of a message expression, or None when it is not translatable text:
    ``_("…")``, ``_("… %(x)s …") % {…}``, or a conditional choosing between those."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return translatable_literals(node.left)
    if isinstance(node, ast.IfExp):
        body, orelse = translatable_literals(node.body), translatable_literals(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in GETTEXT
        and node.args
        and isinstance(node.args[-1], ast.Constant)
        and isinstance(node.args[-1].value, str)
    ):
        return [node.args[-1].value]
    return None


def converted_sites():
    return [s for s in raise_sites() if pending_app(s.path) is None and s.cls != "ImportFileError"]


def _enum(name):
    return next(e for e in error_code_enums() if e.__name__ == name)


def test_the_scan_sees_the_raises():
    assert len(raise_sites()) > 150  # a broken scan must not pass by finding nothing
    assert len(converted_sites()) > 120


def test_every_converted_raise_has_a_translatable_literal_message():
    bad = []
    for site in converted_sites():
        message = site.node.args[0] if site.node.args else None
        if message is None:
            bad.append(f"{site.where} has no message")
        elif translatable_literals(message) is None:
            text = ast.get_source_segment(site.source, message)
            if (site.path, text) not in PASS_THROUGH:
                bad.append(f"{site.where}: {text}")
    assert not bad, "messages not wrapped in gettext:\n" + "\n".join(bad)


def test_every_raise_names_a_code_of_its_own_apps_enum_with_its_status():
    bad = []
    for site in raise_sites():
        app = pending_app(site.path) or site.path.split("/")[0]
        enum = _enum(APP_ENUM[app])
        code = site.keyword("code")
        if code is None:
            if site.cls not in SPECIFIC_DEFAULT and pending_app(site.path) is None:
                bad.append(f"{site.where}: {site.cls} without a code")
            continue
        if isinstance(code, ast.Name) and (site.path, code.id) in CODE_VARIABLES:
            continue
        if isinstance(code, ast.Constant):  # a pending file's string
            if pending_app(site.path) is None:
                bad.append(f"{site.where}: {code.value!r}: name the {enum.__name__} member")
            if code.value not in enum._value2member_map_:
                bad.append(f"{site.where}: {code.value!r} is not in {enum.__name__}")
            member = enum._value2member_map_.get(code.value)
        elif (
            isinstance(code, ast.Attribute)
            and getattr(code.value, "id", None) == enum.__name__
            and code.attr in enum.__members__
        ):
            member = enum[code.attr]
        else:
            bad.append(f"{site.where}: code {ast.unparse(code)} is not a {enum.__name__} member")
            continue
        status = site.keyword("status")
        if member is not None and status is not None and status.value != member.status:
            bad.append(f"{site.where}: status {status.value} but {member} is {member.status}")
    assert not bad, "\n".join(bad)


def test_every_converted_message_is_translated_to_bulgarian():
    missing = []
    with translation.override("bg"):
        for site in converted_sites():
            for msgid in translatable_literals(site.node.args[0]) or []:
                if translation.gettext(msgid) == msgid:
                    missing.append(f"{site.where}: {msgid}")
    assert not missing, "no Bulgarian in locale/bg (makemessages, translate, compile):\n" + (
        "\n".join(missing)
    )


def test_the_catalogue_has_no_fuzzy_entries():
    po = (ROOT / "locale/bg/LC_MESSAGES/django.po").read_text()
    assert "#, fuzzy" not in po and ", fuzzy" not in po


def test_domain_error_refuses_a_code_no_enum_lists():
    with pytest.raises(ValueError, match="not an error code"):
        DomainError("Nope.", code="made_up_code")
    error = DomainError("Taken.", code="slot_taken")  # a listed string becomes its member
    assert isinstance(error.code, ErrorCode) and error.code == "slot_taken"
    assert error.status == 409


def test_the_status_comes_from_the_code_unless_given():
    assert ConflictError("x").status == 409
    assert FeatureDisabledError("x").status == 403
    error = DomainError("x", code=BrandingErrorCode.NOT_ALLOWED)
    assert (error.status, error.as_dict()["code"]) == (403, "not_allowed")
    assert DomainError("x", code=BrandingErrorCode.CONFLICT, status=400).status == 400


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_defaults_to_a_listed_code_and_agrees_on_its_status():
    # Import every module that defines an error class, so all subclasses are known.
    import importlib

    for path, _source in _product_files():
        if "class " in _source and "Error" in _source and not path.endswith("__init__.py"):
            if "/management/" in path:
                continue
            importlib.import_module(path[:-3].replace("/", "."))
    for cls in _subclasses(DomainError):
        member = error_code(cls.code)  # raises for a code no enum lists
        if "status" in vars(cls):  # a class that still sets its status must agree
            assert cls.status == member.status, cls


def test_codes_are_unique_within_an_enum_and_shared_values_mean_one_status():
    statuses = {}
    for enum in error_code_enums():
        assert len({m.value for m in enum}) == len(enum)
        for member in enum:
            assert member.meaning, member
            statuses.setdefault(member.value, set()).add(member.status)
    assert {value: s for value, s in statuses.items() if len(s) > 1} == {}


def test_settings_list_every_app_enum():
    names = {e.__name__ for e in error_code_enums()}
    assert set(APP_ENUM.values()) <= names


def test_the_amount_messages_are_keyed_by_code_and_translated():
    from branding.money import ERRORS

    assert all(isinstance(code, BrandingErrorCode) for code in ERRORS)
    with translation.override("bg"):
        untranslated = [
            str(m) for m in ERRORS.values() if translation.gettext(m._args[0]) == m._args[0]
        ]
    assert untranslated == []
