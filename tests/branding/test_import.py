"""The clinic import: one file creates or updates a whole clinic, idempotently, or is
refused as a whole with every problem named by its key path and nothing written."""

import copy
import datetime
import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from branding.importing import ImportFileError, import_clinic_file
from branding.models import (
    BookingPolicySettings,
    BrandingSettings,
    Clinic,
    Closure,
    FeatureSettings,
    Location,
    OpeningHours,
)
from people.models import ClientAccount, ClinicMembership

pytestmark = pytest.mark.django_db

User = get_user_model()
T = datetime.time
LOGO = Path(settings.BASE_DIR) / "demo" / "glow-logo.png"

# Every table an import writes; a snapshot holds their rows' values, not just counts.
MODELS = [
    Clinic,
    Site,
    Page,
    Location,
    OpeningHours,
    Closure,
    BrandingSettings,
    FeatureSettings,
    BookingPolicySettings,
    Collection,
    get_image_model(),
    Group,
    Group.permissions.through,
    GroupPagePermission,
    GroupCollectionPermission,
    GroupSitePermission,
    User,
    User.groups.through,
    ClientAccount,
    ClinicMembership,
]


def snapshot():
    return {
        model._meta.label: [
            tuple(sorted(row.items())) for row in model.objects.order_by("pk").values()
        ]
        for model in MODELS
    }


def counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


VALID = {
    "clinic": {
        "name": "Lumen Skin Clinic",
        "slug": "lumen",
        "domain": "Lumen.Localhost",
        "timezone": "Europe/Dublin",
        "currency": "EUR",
        "address": "3 Grafton Street, Dublin 2",
        "phone": "+353 1 555 0100",
        "location_name": "Lumen Grafton Street",
        "opening_hours": {
            "mon": [["09:00", "17:30"]],
            "tue": [["09:00", "13:00"], ["14:00", "19:00"]],
            "sat": [["10:00", "16:00"]],
        },
        "closures": [datetime.date(2026, 12, 25), datetime.date(2026, 12, 26)],
        "branding": {
            "primary_color": "#6B3FA0",
            "accent_color": "#d4a72c",
            "font": "serif",
            "app_name": "Lumen",
            "logo": "logo.png",
        },
        "features": {"games": True, "pets": False, "referrals": False},
        "policy": {
            "cancellation_window_hours": 48,
            "late_cancel_fee_kind": "percent",
            "late_cancel_fee_value": 50,
            "payment_mode": "deposit",
            "deposit_percent": 20,
        },
    },
    "locations": [
        {
            "key": "docklands",
            "name": "Lumen Docklands",
            "address": "1 Dock Road",
            "opening_hours": {"wed": [["11:00", "20:00"]]},
            "closures": [datetime.date(2026, 12, 24)],
        }
    ],
    "team": [
        {"email": "Maeve.Byrne@lumen.example.com", "name": "Maeve Byrne", "role": "manager"},
        {"email": "cian.walsh@lumen.example.com", "name": "Cian Walsh", "role": "therapist"},
        {"email": "aoife.kelly@lumen.example.com", "name": "Aoife Kelly", "role": "staff"},
    ],
    "clients": [
        {
            "key": "c-001",
            "name": "Niamh Doyle",
            "email": "niamh@example.com",
            "phone": "087 555 0101",
        },
        {
            "key": "c-002",
            "name": "Sean Murphy",
            "email": "sean@example.net",
            "phone": "+44 7700 900123",
        },
        {"key": "c-003", "name": "Orla Ni Bhriain", "email": "orla@example.org", "phone": ""},
        {
            "key": "c-004",
            "name": "Liam Ryan",
            "email": "liam@example.com",
            "phone": "(01) 555 0199",
        },
    ],
}


def valid_doc():
    return copy.deepcopy(VALID)


@pytest.fixture
def write(tmp_path):
    """write(doc_or_text, name) → the path of a clinic file next to a logo."""
    shutil.copy(LOGO, tmp_path / "logo.png")

    def _write(doc, name="clinic.yaml"):
        path = tmp_path / name
        if isinstance(doc, str):
            path.write_text(doc, encoding="utf-8")
        elif name.endswith(".json"):
            path.write_text(json.dumps(doc, default=str), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        return path

    return _write


# --- a valid file ------------------------------------------------------------------------


def test_valid_file_creates_the_whole_clinic(write):
    ctx = import_clinic_file(write(valid_doc()))

    clinic = Clinic.objects.get(slug="lumen")
    assert ctx.clinic == clinic
    assert (clinic.name, clinic.timezone, clinic.currency) == (
        "Lumen Skin Clinic",
        "Europe/Dublin",
        "EUR",
    )
    assert clinic.site.hostname == "lumen.localhost"
    assert clinic.site.root_page.title == "Lumen Skin Clinic"

    main = Location.objects.get(clinic=clinic, is_main=True)
    assert (main.key, main.name, main.phone) == ("main", "Lumen Grafton Street", "+353 1 555 0100")
    hours = {(h.weekday, h.start, h.end) for h in main.opening_hours.all()}
    assert hours == {
        (0, T(9), T(17, 30)),
        (1, T(9), T(13)),
        (1, T(14), T(19)),
        (5, T(10), T(16)),
    }
    assert [c.date for c in main.closures.all()] == [
        datetime.date(2026, 12, 25),
        datetime.date(2026, 12, 26),
    ]
    docklands = Location.objects.get(clinic=clinic, key="docklands")
    assert (docklands.name, docklands.is_main) == ("Lumen Docklands", False)
    assert [(h.weekday, h.start, h.end) for h in docklands.opening_hours.all()] == [
        (2, T(11), T(20))
    ]
    assert [c.date for c in docklands.closures.all()] == [datetime.date(2026, 12, 24)]
    assert set(ctx.refs["location"]) == {"main", "docklands"}

    branding = BrandingSettings.objects.get(site=clinic.site)
    assert (branding.primary_color, branding.accent_color, branding.font, branding.app_name) == (
        "#6b3fa0",
        "#d4a72c",
        "serif",
        "Lumen",
    )
    assert branding.logo is not None
    assert branding.logo.collection.name == "Lumen Skin Clinic [lumen]"
    features = FeatureSettings.objects.get(site=clinic.site)
    assert (features.games, features.pets, features.referrals, features.online_booking) == (
        True,
        False,
        False,
        True,
    )
    policy = BookingPolicySettings.objects.get(site=clinic.site)
    assert (policy.cancellation_window_hours, policy.late_cancel_fee_kind) == (48, "percent")
    assert (policy.late_cancel_fee_value, policy.payment_mode, policy.deposit_percent) == (
        50,
        "deposit",
        20,
    )
    assert policy.min_notice_minutes == 60  # not in the file: the default

    roles = {m.user.email: m.role for m in ClinicMembership.objects.filter(clinic=clinic)}
    assert roles == {
        "maeve.byrne@lumen.example.com": "manager",
        "cian.walsh@lumen.example.com": "therapist",
        "aoife.kelly@lumen.example.com": "staff",
    }
    maeve = User.objects.get(email="maeve.byrne@lumen.example.com")
    assert (maeve.first_name, maeve.last_name) == ("Maeve", "Byrne")
    assert [g.name for g in maeve.groups.all()] == ["lumen: manager"]
    assert [
        g.name for g in User.objects.get(email="aoife.kelly@lumen.example.com").groups.all()
    ] == ["lumen: staff"]
    assert not maeve.is_staff and not maeve.is_superuser
    assert ctx.refs["team"]["maeve.byrne@lumen.example.com"].role == "manager"

    accounts = {a.key: a for a in ClientAccount.objects.filter(clinic=clinic)}
    assert set(accounts) == {"c-001", "c-002", "c-003", "c-004"}
    assert accounts["c-001"].phone == "+353875550101"  # local number, clinic's region (EUR→IE)
    assert accounts["c-002"].phone == "+447700900123"
    assert accounts["c-003"].phone == ""
    assert accounts["c-004"].phone == "+35315550199"
    assert (accounts["c-001"].user.first_name, accounts["c-001"].user.last_name) == (
        "Niamh",
        "Doyle",
    )
    assert ctx.refs["client"]["c-002"] == accounts["c-002"]
    assert not ClinicMembership.objects.filter(user__email="niamh@example.com").exists()

    # Passwords never come from the file.
    assert not any(u.has_usable_password() for u in User.objects.all())


def test_import_twice_changes_nothing(write):
    path = write(valid_doc())
    import_clinic_file(path)
    before = snapshot()
    import_clinic_file(path)
    assert snapshot() == before


def test_json_works_as_well_as_yaml(write):
    import_clinic_file(write(valid_doc(), "clinic.json"))
    assert Clinic.objects.filter(slug="lumen").exists()
    assert ClientAccount.objects.filter(clinic__slug="lumen").count() == 4
    before = snapshot()
    # The same content as YAML is the same clinic: nothing changes.
    import_clinic_file(write(valid_doc(), "clinic.yml"))
    assert snapshot() == before


def test_reimport_with_changes_updates_in_place(write):
    import_clinic_file(write(valid_doc()))
    doc = valid_doc()
    doc["team"][2]["role"] = "manager"
    doc["clinic"]["opening_hours"]["mon"] = [["10:00", "18:00"]]
    doc["clinic"]["closures"] = [datetime.date(2026, 12, 25)]
    doc["clinic"]["features"]["pets"] = True
    doc["clients"][0]["phone"] = "087 555 0999"
    import_clinic_file(write(doc))

    clinic = Clinic.objects.get(slug="lumen")
    aoife = User.objects.get(email="aoife.kelly@lumen.example.com")
    assert ClinicMembership.objects.get(clinic=clinic, user=aoife).role == "manager"
    assert [g.name for g in aoife.groups.all()] == ["lumen: manager"]
    assert ClinicMembership.objects.filter(clinic=clinic).count() == 3
    main = clinic.locations.get(is_main=True)
    assert [(h.start, h.end) for h in main.opening_hours.filter(weekday=0)] == [(T(10), T(18))]
    assert [c.date for c in main.closures.all()] == [datetime.date(2026, 12, 25)]
    assert FeatureSettings.objects.get(site=clinic.site).pets is True
    assert ClientAccount.objects.get(clinic=clinic, key="c-001").phone == "+353875550999"
    assert Clinic.objects.count() == 1 and ClientAccount.objects.count() == 4


def test_a_person_in_two_clinics_has_one_user(write):
    import_clinic_file(write(valid_doc()))
    doc = valid_doc()
    doc["clinic"].update(slug="lumen-cork", domain="cork.localhost", name="Lumen Cork")
    doc["clinic"]["branding"].pop("logo")
    import_clinic_file(write(doc, "cork.yaml"))
    niamh = User.objects.get(email="niamh@example.com")
    assert niamh.client_accounts.count() == 2
    maeve = User.objects.get(email="maeve.byrne@lumen.example.com")
    assert sorted(g.name for g in maeve.groups.all()) == ["lumen-cork: manager", "lumen: manager"]


# --- invalid files: refused with the key path, nothing written ----------------------------


def _set(path, value):
    """A mutation of the valid document: set the value at a dotted path (ints index)."""

    def mutate(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = doc
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _drop(key):
    return lambda doc: doc.pop(key)


INVALID = [
    ("missing clinic", _drop("clinic"), "clinic", "required key is missing"),
    ("unknown top-level key", _set("clinics", {}), "clinics", "unknown key"),
    (
        "unknown nested key",
        _set("clinic.branding.colour", "#ffffff"),
        "clinic.branding.colour",
        "unknown key",
    ),
    (
        "unknown feature",
        _set("clinic.features.teleport", True),
        "clinic.features.teleport",
        "unknown key",
    ),
    ("password in the file", _set("team.0.password", "hunter2"), "team[0].password", "unknown key"),
    (
        "missing clinic name",
        lambda d: d["clinic"].pop("name"),
        "clinic.name",
        "required key is missing",
    ),
    (
        "bad timezone",
        _set("clinic.timezone", "Europe/Londn"),
        "clinic.timezone",
        "'Europe/Londn' is not an IANA time zone (e.g. Europe/London)",
    ),
    (
        "bad currency",
        _set("clinic.currency", "XYZ"),
        "clinic.currency",
        "'XYZ' is not a supported ISO 4217 currency code",
    ),
    (
        "bad colour",
        _set("clinic.branding.primary_color", "purple"),
        "clinic.branding.primary_color",
        "'purple' is not a colour in the form #rrggbb",
    ),
    ("bad font", _set("clinic.branding.font", "comic"), "clinic.branding.font", "Input should be"),
    (
        "bad domain",
        _set("clinic.domain", "https://lumen.example.com/"),
        "clinic.domain",
        "a host name such as",
    ),
    ("bad slug", _set("clinic.slug", "Lumen Clinic"), "clinic.slug", "String should match pattern"),
    (
        "end before start",
        _set("clinic.opening_hours.mon", [["17:00", "09:00"]]),
        "clinic.opening_hours.mon[0]",
        "end before start",
    ),
    (
        "end equals start",
        _set("clinic.opening_hours.sun", [["09:00", "09:00"]]),
        "clinic.opening_hours.sun[0]",
        "end before start",
    ),
    (
        "bad time",
        _set("clinic.opening_hours.mon", [["9am", "5pm"]]),
        "clinic.opening_hours.mon[0]",
        "times are written HH:MM",
    ),
    (
        "bad range shape",
        _set("clinic.opening_hours.mon", [["09:00"]]),
        "clinic.opening_hours.mon[0]",
        'a range is written ["09:00", "17:00"]',
    ),
    (
        "unknown day",
        _set("clinic.opening_hours.monday", [["09:00", "17:00"]]),
        "clinic.opening_hours.monday",
        "unknown key",
    ),
    (
        "overlapping ranges",
        _set("clinic.opening_hours.tue", [["09:00", "13:00"], ["12:30", "19:00"]]),
        "clinic.opening_hours",
        "tue: 09:00–13:00 and 12:30–19:00 overlap",
    ),
    (
        "overlap in a location",
        _set("locations.0.opening_hours.wed", [["11:00", "20:00"], ["08:00", "12:00"]]),
        "locations[0].opening_hours",
        "wed: 08:00–12:00 and 11:00–20:00 overlap",
    ),
    (
        "bad closure date",
        _set("clinic.closures", ["Christmas"]),
        "clinic.closures[0]",
        "Input should be a valid date",
    ),
    (
        "duplicate location keys",
        lambda d: d["locations"].append({"key": "docklands", "name": "Again"}),
        "locations[1].key",
        "'docklands' is used by another location",
    ),
    (
        "reserved key main",
        _set("locations.0.key", "main"),
        "locations[0].key",
        "'main' is the clinic's own location; describe it under clinic",
    ),
    (
        "policy fee without value",
        lambda d: d["clinic"]["policy"].pop("late_cancel_fee_value"),
        "clinic.policy.late_cancel_fee_value",
        "Give a fee greater than zero",
    ),
    (
        "policy percent over 100",
        _set("clinic.policy.late_cancel_fee_value", 150),
        "clinic.policy.late_cancel_fee_value",
        "A percentage fee cannot exceed 100.",
    ),
    (
        "bad team email",
        _set("team.1.email", "cian.walsh"),
        "team[1].email",
        "'cian.walsh' is not an email address",
    ),
    (
        "bad client email",
        _set("clients.2.email", "orla@"),
        "clients[2].email",
        "'orla@' is not an email address",
    ),
    (
        "bad phone",
        _set("clients.3.phone", "12"),
        "clients[3].phone",
        "12 is not a possible phone number.",
    ),
    (
        "phone not a number",
        _set("clients.3.phone", "call me"),
        "clients[3].phone",
        "call me is not a phone number.",
    ),
    (
        "duplicate client keys",
        _set("clients.2.key", "c-001"),
        "clients[2].key",
        "'c-001' is already used by clients[0]",
    ),
    (
        "duplicate client emails",
        _set("clients.3.email", "NIAMH@example.com"),
        "clients[3].email",
        "'niamh@example.com' is already used by clients[0]",
    ),
    (
        "bad client key",
        _set("clients.0.key", "C 001"),
        "clients[0].key",
        "String should match pattern",
    ),
    (
        "client without name",
        lambda d: d["clients"][1].pop("name"),
        "clients[1].name",
        "required key is missing",
    ),
    (
        "bad role",
        _set("team.0.role", "owner"),
        "team[0].role",
        "Input should be 'manager', 'staff' or 'therapist'",
    ),
    (
        "duplicate team emails",
        _set("team.2.email", "cian.walsh@lumen.example.com"),
        "team[2].email",
        "is already used by team[1]",
    ),
    (
        "team not a list",
        _set("team", {"email": "a@example.com"}),
        "team",
        "Input should be a valid list",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_file_is_refused_with_its_key_path(write, mutate, path, message):
    doc = valid_doc()
    mutate(doc)
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    problems = dict(exc.value.problems)
    assert path in problems, exc.value.problems
    assert message in problems[path]
    assert f"{path}: " in str(exc.value)
    assert counts() == before


def test_end_before_start_message_is_exact(write):
    doc = valid_doc()
    doc["clinic"]["opening_hours"]["mon"] = [["17:00", "09:00"]]
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert str(exc.value) == "clinic.opening_hours.mon[0]: end before start"


def test_every_problem_is_reported_at_once(write):
    doc = valid_doc()
    doc["clinic"]["timezone"] = "Mars/Olympus"
    doc["clinic"]["opening_hours"]["mon"] = [["17:00", "09:00"]]
    doc["team"][0]["role"] = "owner"
    doc["clients"][3]["phone"] = "12"
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    paths = {path for path, _ in exc.value.problems}
    # Structure first: the phone (a cross-check) waits until the structure is right.
    assert paths == {"clinic.timezone", "clinic.opening_hours.mon[0]", "team[0].role"}
    assert Clinic.objects.count() == 0


def test_unquoted_yaml_times_are_refused_not_misread(write):
    # YAML 1.1 reads 17:00 as the number 1020 (base 60); it must not become 10:20.
    text = (
        "clinic:\n  name: Lumen\n  slug: lumen\n  domain: lumen.localhost\n"
        "  opening_hours:\n    mon: [[09:00, 17:00]]\n"
    )
    assert yaml.safe_load(text)["clinic"]["opening_hours"]["mon"] == [["09:00", 1020]]
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(text))
    assert exc.value.problems == [
        ("clinic.opening_hours.mon[0]", 'times are written in quotes, e.g. ["09:00", "17:00"]')
    ]
    assert Clinic.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.yaml", None, "cannot read"),
        ("broken.yaml", "clinic: [unclosed\n  name: x", "not valid yaml"),
        ("broken.json", '{"clinic": ', "not valid json"),
        ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "is not a UTF-8 text file"),
        ("list.yaml", "- clinic\n- team\n", "the top level must be a mapping with a 'clinic' key"),
        ("empty.yaml", "", "the top level must be a mapping with a 'clinic' key"),
        ("scalar.json", '"clinic"', "the top level must be a mapping with a 'clinic' key"),
    ],
)
def test_unusable_files_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(path)
    assert exc.value.problems[0][0] == "(file)"
    assert message in exc.value.problems[0][1]
    assert counts() == before


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(ImportFileError, match=r"\(file\): cannot read"):
        import_clinic_file(tmp_path)


# --- problems only found while applying: the transaction leaves nothing behind ---------


def test_missing_logo_file_leaves_nothing_behind(write):
    doc = valid_doc()
    doc["clinic"]["branding"]["logo"] = "no-such-logo.png"
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert exc.value.problems == [
        ("clinic.branding.logo", "no file at no-such-logo.png (relative to the import file)")
    ]
    assert counts() == before
    assert not Site.objects.filter(hostname="lumen.localhost").exists()


def test_logo_that_is_not_an_image_leaves_nothing_behind(write, tmp_path):
    (tmp_path / "notes.png").write_text("not an image")
    doc = valid_doc()
    doc["clinic"]["branding"]["logo"] = "notes.png"
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert exc.value.problems[0][0] == "clinic.branding.logo"
    assert counts() == before


def test_failed_reimport_keeps_the_clinic_as_it_was(write):
    import_clinic_file(write(valid_doc()))
    before = snapshot()
    doc = valid_doc()
    doc["clinic"]["name"] = "Renamed"
    doc["team"][1]["role"] = "manager"
    doc["clients"].append({"key": "c-005", "name": "New Person", "email": "new@example.com"})
    doc["clinic"]["branding"]["logo"] = "gone.png"
    with pytest.raises(ImportFileError):
        import_clinic_file(write(doc))
    assert snapshot() == before


def test_domain_of_another_clinic_is_refused(write, clinic):
    doc = valid_doc()
    doc["clinic"]["domain"] = clinic.site.hostname
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert exc.value.problems == [
        ("clinic.domain", "glow.localhost is already the address of 'Glow Aesthetics'")
    ]
    assert counts() == before


def test_client_key_of_another_client_is_refused(write):
    import_clinic_file(write(valid_doc()))
    before = snapshot()
    doc = valid_doc()
    doc["clients"][1]["email"] = "someone.else@example.com"
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert exc.value.problems == [
        (
            "clients[1].key",
            "'c-002' already belongs to another client of this clinic (sean@example.net)",
        )
    ]
    assert snapshot() == before


def test_a_service_rule_broken_while_applying_names_the_section(write):
    doc = valid_doc()
    doc["clinic"]["name"] = "L" * 130
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_clinic_file(write(doc))
    assert exc.value.problems[0][0] == "clinic.name"
    assert "at most 120 characters" in exc.value.problems[0][1]
    assert counts() == before


# --- the command -------------------------------------------------------------------------


def test_import_clinic_command_reports_what_it_did(write):
    out = StringIO()
    call_command("import_clinic", str(write(valid_doc())), stdout=out)
    text = out.getvalue()
    assert "Imported Lumen Skin Clinic (lumen.localhost)." in text
    assert "clients: 4" in text and "team members: 3" in text and "locations: 1" in text
    assert "clinics created: 1" in text
    out = StringIO()
    call_command("import_clinic", str(write(valid_doc())), stdout=out)
    assert "clinics updated: 1" in out.getvalue()
    assert Clinic.objects.count() == 1


def test_import_clinic_command_refuses_a_bad_file(write):
    doc = valid_doc()
    doc["clinic"]["opening_hours"]["mon"] = [["17:00", "09:00"]]
    doc["clients"][0]["email"] = "nope"
    path = write(doc)
    before = counts()
    with pytest.raises(CommandError) as exc:
        call_command("import_clinic", str(path))
    assert str(path) in str(exc.value)
    assert "clinic.opening_hours.mon[0]: end before start" in str(exc.value)
    assert "clients[0].email: 'nope' is not an email address" in str(exc.value)
    assert exc.value.returncode == 1
    assert counts() == before


def test_import_clinic_command_exits_non_zero(tmp_path):
    """From the shell: a refused file exits 1 with the problem on stderr (the file is
    refused before any database access)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_clinic", str(tmp_path / "missing.yaml")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "(file): cannot read" in result.stderr
