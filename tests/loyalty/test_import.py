"""The ``loyalty`` and ``rewards`` keys of the clinic import: the programme, tiers and
catalogue are written through the services; importing again changes nothing; bad input is
named by its key path and nothing is written."""

import copy
import pathlib

import pytest
import yaml

from branding.importing import ImportFileError, import_clinic_file
from branding.models import Clinic
from loyalty.models import LoyaltyProgramme, Reward, Tier

pytestmark = pytest.mark.django_db

DOC = {
    "clinic": {
        "name": "Riverside Vets",
        "slug": "riverside",
        "domain": "riverside.localhost",
        "timezone": "America/New_York",
        "currency": "USD",
    },
    "services": [
        {"key": "vaccines", "name": "Vaccinations", "duration_minutes": 20, "price": "65.00"},
    ],
    "loyalty": {
        "unit_name": "paws",
        "per_currency_unit": 1,
        "per_visit": 10,
        "per_referral": 150,
        "tiers": [
            {"name": "Good Boy", "threshold": 0},
            {"name": "Top Dog", "threshold": 600, "benefits": "Free nail trims"},
        ],
    },
    "rewards": [
        {"name": "$10 off", "cost": 300, "kind": "amount_off", "amount_off": "10.00"},
        {"name": "Free jab", "cost": 900, "kind": "free_service", "services": ["vaccines"]},
    ],
}


@pytest.fixture
def write(tmp_path):
    def _write(doc):
        path = tmp_path / "clinic.yaml"
        path.write_text(yaml.safe_dump(doc))
        return path

    return _write


def rows():
    return (
        list(LoyaltyProgramme.objects.values()),
        list(Tier.objects.values()),
        list(Reward.objects.values()),
    )


def test_programme_tiers_and_rewards_are_imported_once(write):
    import_clinic_file(write(DOC))
    programme = LoyaltyProgramme.objects.get()
    assert (programme.unit_name, programme.per_currency_unit, programme.per_referral) == (
        "paws",
        1,
        150,
    )
    assert [(t.name, t.threshold) for t in Tier.objects.order_by("threshold")] == [
        ("Good Boy", 0),
        ("Top Dog", 600),
    ]
    ten_off = Reward.objects.get(name="$10 off")
    assert (ten_off.amount_off, ten_off.kind) == (1000, "amount_off")
    jab = Reward.objects.get(name="Free jab")
    assert [s.key for s in jab.services.all()] == ["vaccines"]
    before = rows()
    import_clinic_file(write(DOC))
    assert rows() == before


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda d: d["rewards"][0].update(amount_off=None), "rewards[0].amount_off"),
        (lambda d: d["rewards"][1].update(services=["nope"]), "rewards[1].services[0]"),
        (lambda d: d["rewards"][0].update(amount_off="10.005"), "rewards[0].amount_off"),
        (lambda d: d["loyalty"]["tiers"][1].update(threshold=0), "loyalty.tiers[1].threshold"),
        (lambda d: d["loyalty"].update(per_visit=-1), "loyalty.per_visit"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(write, change, path):
    doc = copy.deepcopy(DOC)
    change(doc)
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    problems = dict(refused.value.problems)
    assert path in problems, refused.value.problems
    assert not Clinic.objects.exists() and not Reward.objects.exists()


@pytest.mark.parametrize("name", ["glow.yaml", "riverside.yaml"])
def test_the_demo_files_carry_a_programme_and_a_catalogue(name):
    doc = yaml.safe_load((pathlib.Path("demo") / name).read_text())
    assert doc["loyalty"]["tiers"] and doc["rewards"]
    if name == "riverside.yaml":
        assert doc["loyalty"]["unit_name"] == "paws"
