"""schemathesis against the published OpenAPI schema, bounded: every operation gets a
few generated requests (valid and invalid input, a fixed seed), sent as a signed-in
patient of a clinic with a paid booking, and no answer may be a 5xx or differ from what
the schema says (status described, body matching its schema).

The requests go through Django's test handler in this test's database transaction (a
small WSGI wrapper, so nothing is written to a real database and nothing leaks between
tests). Operations that would sign the test's own device out run last."""

import contextlib
import time

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from people.services import device_token_issue
from tests.api.openapi_check import DjangoTestWsgi, openapi

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 3
SEED = 13
CHECKS = [not_a_server_error, response_schema_conformance]
# Signing this device (or all of them) out would make the rest a run of 401s: last.
LAST = {("DELETE", "/api/v1/auth/token"), ("DELETE", "/api/v1/auth/devices")}


@pytest.fixture
def patient_token(clinic, patient):
    _token, key = device_token_issue(clinic=clinic, user=patient.user, name="schemathesis")
    return key


@pytest.fixture
def booked(paid_checkout):
    return paid_checkout


@pytest.fixture
def shop_open(clinic):
    """Orders on, with a product, so the shop's operations are fuzzed past the toggle."""
    from branding.services import features_update
    from commerce.models import Product

    features_update(clinic=clinic, orders=True, orders_payment="pickup")
    Product.objects.create(clinic=clinic, name="Serum", price=3000, stock=50)


def _fuzz(operation, base_url, headers, failures, calls):
    """A few generated requests to one operation, each answer checked."""

    @given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(SEED)
    def run(case):
        calls["count"] += 1
        response = case.call(base_url=base_url, headers=headers)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:1500])
            raise

    return run


def test_no_operation_answers_a_5xx_or_off_schema(
    clinic, booked, shop_open, patient_token, settings, django_capture_on_commit_callbacks
):
    # Generated writes come fast: the per-person write limit is not under test here.
    settings.API_WRITE_RATES = {"address": "100000/min", "person": "100000/min"}
    schema = schemathesis.openapi.from_dict(openapi())
    schema.app = DjangoTestWsgi()
    base_url = f"http://{clinic.site.hostname}"
    # (The WSGI client does not undo gzip, which the API applies when asked.)
    headers = {"Authorization": f"Token {patient_token}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.method.upper(), op.path) in LAST)
    assert len(operations) > 80

    failures, calls = [], {"count": 0}
    started = time.monotonic()
    for operation in operations:
        with contextlib.suppress(Exception):  # each failure is recorded in `failures`
            _fuzz(operation, base_url, headers, failures, calls)()
    elapsed = time.monotonic() - started
    assert not failures, "\n\n".join(failures[:10])
    assert calls["count"] >= len(operations)
    print(f"schemathesis: {calls['count']} requests, {len(operations)} operations, {elapsed:.1f}s")
