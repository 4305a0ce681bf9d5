"""Payments tests run against localstripe, a stateful Stripe test server, started once
per test process on a free loopback port with its state under var/. No Stripe mocks."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from booking_api.models import BookingStatus
from booking_api.services import booking_create
from branding.models import PaymentMode
from branding.services import policy_update
from payments.localstripe_server import free_port
from tests.booking.conftest import MONDAY, at, emma, open_policy, service  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(port, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"localstripe exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("localstripe did not start")


@pytest.fixture(scope="session")
def localstripe():
    """The base URL of a running localstripe (127.0.0.1 only, state in var/)."""
    port = free_port()
    state_dir = Path(django_settings.VAR_DIR) / "localstripe"
    state_dir.mkdir(parents=True, exist_ok=True)
    state = state_dir / f"test-{os.getpid()}.pickle"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "payments.localstripe_server",
            "--port",
            str(port),
            "--state",
            str(state),
            "--from-scratch",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        for path in (state, Path(f"{state}.tmp")):
            path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _stripe_at_localstripe(settings, localstripe):
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_portal"


@pytest.fixture
def deposit_policy(open_policy):  # noqa: F811
    policy_update(clinic=open_policy, payment_mode=PaymentMode.DEPOSIT, deposit_percent=20)
    return open_policy


@pytest.fixture
def full_policy(open_policy):  # noqa: F811
    policy_update(clinic=open_policy, payment_mode=PaymentMode.FULL)
    return open_policy


@pytest.fixture
def held(clinic, patient, service, emma):  # noqa: F811
    """A booking holding 10:00 on MONDAY for payment (price 45.00, 20% deposit 9.00)."""

    def make(hhmm="10:00", **kwargs):
        return booking_create(
            clinic=clinic,
            client=patient,
            service=service,
            staff=emma,
            start=at(MONDAY, hhmm),
            status=BookingStatus.PENDING_PAYMENT,
            hold_minutes=10,
            **kwargs,
        )

    return make
