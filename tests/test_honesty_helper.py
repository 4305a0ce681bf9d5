"""The refusal tests' ``nothing_changes`` must itself fail when something changed."""

import pytest

from branding.models import Clinic
from tests.fixtures.honesty import nothing_changes


def test_nothing_changes_notices_a_changed_field(clinic):
    refused = "changed although the write was refused"
    with pytest.raises(AssertionError, match=refused), nothing_changes(Clinic):
        Clinic.objects.filter(pk=clinic.pk).update(name="Renamed")
    with pytest.raises(AssertionError), nothing_changes(Clinic.objects.filter(slug="glow")):
        Clinic.objects.filter(pk=clinic.pk).update(name="Glow again")
    with nothing_changes(Clinic):
        Clinic.objects.filter(pk=clinic.pk).update(name=Clinic.objects.get().name)
