"""Patch tests: recording a result, and the rule that a client cannot book a treatment
online without a recent passed test (staff may book anyway; the admin warns them)."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.models import PatchTest, PatchTestResult
from booking_api.patch_test_selectors import clinic_patch_test_service, patch_test_missing
from booking_api.services.errors import BookingError
from branding.errors import NotAllowedError
from people.models import AuditAction
from people.services import audit_record


class PatchTestRequiredError(NotAllowedError):
    """The service needs a recent passed patch test the client does not have. Carries
    the clinic's patch-test service (or None), so every door can offer to book it."""

    code = BookingErrorCode.PATCH_TEST_REQUIRED

    def __init__(self, message, *, patch_test_service=None, **kwargs):
        super().__init__(message, field="service", **kwargs)
        self.patch_test_service = patch_test_service

    def as_dict(self):
        body = super().as_dict()
        if self.patch_test_service is not None:
            body["patch_test_service"] = {
                "id": self.patch_test_service.pk,
                "name": self.patch_test_service.name,
            }
        return body


def patch_test_check(*, clinic, client, service, start):
    """Refuse (403, naming the service) a booking of ``service`` at ``start`` when the
    client has no passed patch test within the service's number of months."""
    on_date = start.astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date()
    if not patch_test_missing(clinic, client, service, on_date):
        return
    offer = clinic_patch_test_service(clinic)
    message = _(
        "%(service)s needs a patch test in the %(months)s months before the appointment, "
        "and we have none on record for you."
    ) % {"service": service.name, "months": service.patch_test_months}
    if offer is not None:
        message += " " + _("Please book a %(patch_test)s first.") % {"patch_test": offer.name}
    else:
        message += " " + _("Please contact the clinic to arrange one.")
    raise PatchTestRequiredError(message, patch_test_service=offer)


@transaction.atomic
def patch_test_record(
    *, clinic, client, tested_on, result, notes="", recorded_by, request=None
) -> PatchTest:
    """Record a patch test result for a client of ``clinic`` (audited)."""
    if client.clinic_id != clinic.pk:
        raise BookingError(
            _("That client does not belong to this clinic."),
            field="client",
            code=BookingErrorCode.OTHER_CLINIC,
        )
    if result not in PatchTestResult.values:
        raise BookingError(_("Choose a result."), field="result", code=BookingErrorCode.REQUIRED)
    if not isinstance(tested_on, datetime.date):
        raise BookingError(
            _("Enter the date of the test."), field="tested_on", code=BookingErrorCode.REQUIRED
        )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.timezone))
    if tested_on > today:
        raise BookingError(
            _("The test date cannot be in the future."),
            field="tested_on",
            code=BookingErrorCode.DATE_INVALID,
        )
    test = PatchTest.objects.create(
        clinic=clinic,
        client=client,
        tested_on=tested_on,
        result=result,
        notes=notes.strip(),
        recorded_by=recorded_by,
    )
    audit_record(
        clinic=clinic,
        actor=recorded_by,
        action=AuditAction.CREATE,
        client=client,
        summary=f"Recorded a patch test: {test.get_result_display()} on {tested_on:%Y-%m-%d}",
        request=request,
    )
    return test
