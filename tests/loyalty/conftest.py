import pytest

from loyalty.services import programme_upsert
from tests.booking.conftest import emma, open_policy, service  # noqa: F401  (shared fixtures)


@pytest.fixture
def programme(clinic):
    return programme_upsert(clinic=clinic, unit_name="paws", per_currency_unit=1, per_visit=10)
