"""Reads about patch tests: a client's tests, whether one is valid for a service on a
day, and the clinic's patch-test service. Clinic first, one query each."""

import datetime

from dateutil.relativedelta import relativedelta

from booking_api.models import PatchTest, PatchTestResult, Service


def client_patch_tests(clinic, client):
    """The client's patch tests at this clinic, newest first, with who recorded them."""
    return (
        PatchTest.objects.filter(clinic=clinic, client=client)
        .select_related("recorded_by")
        .order_by("-tested_on", "-pk")
    )


def patch_test_valid_from(service, on_date: datetime.date) -> datetime.date | None:
    """The oldest test date that still counts for ``service`` on ``on_date`` (None: the
    service needs no patch test)."""
    if not service.patch_test_months:
        return None
    return on_date - relativedelta(months=service.patch_test_months)


def valid_patch_test(clinic, client, service, on_date: datetime.date):
    """The newest passed test that covers ``service`` on ``on_date``, or None."""
    valid_from = patch_test_valid_from(service, on_date)
    if valid_from is None:
        return None
    return (
        PatchTest.objects.filter(
            clinic=clinic,
            client=client,
            result=PatchTestResult.PASSED,
            tested_on__gte=valid_from,
            tested_on__lte=on_date,
        )
        .order_by("-tested_on")
        .first()
    )


def patch_test_missing(clinic, client, service, on_date: datetime.date) -> bool:
    """True when ``service`` needs a patch test and the client has no valid one."""
    if not service.patch_test_months:
        return False
    return valid_patch_test(clinic, client, service, on_date) is None


def clinic_patch_test_service(clinic):
    """The bookable service the clinic offers as its patch test, or None."""
    return Service.objects.filter(clinic=clinic, is_patch_test=True, active=True).first()


def client_patch_test_status(clinic, client, upcoming, *, tests=None):
    """The client's newest patch test (or None) and, of the ``upcoming`` bookings, those
    whose service needs a patch test the client has no valid one for on that day. One
    query (the client's tests, none when given ``tests``, newest first; the upcoming
    bookings carry their services)."""
    if tests is None:
        tests = list(client_patch_tests(clinic, client))
    passed = [t for t in tests if t.result == PatchTestResult.PASSED]
    missing = []
    for booking in upcoming:
        on_date = booking.start.date()
        valid_from = patch_test_valid_from(booking.service, on_date)
        if valid_from is None:
            continue
        if not any(valid_from <= t.tested_on <= on_date for t in passed):
            missing.append(booking)
    return (tests[0] if tests else None), missing
