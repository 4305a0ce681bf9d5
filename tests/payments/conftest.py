"""Every payments test talks to localstripe (tests/fixtures/payments.py)."""

import pytest


@pytest.fixture(autouse=True)
def _stripe_at_localstripe(stripe_at_localstripe):
    pass
