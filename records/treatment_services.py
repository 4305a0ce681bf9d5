"""Writes of treatment records (``records.models.treatment``).

Rules:
- Anyone at the clinic who may open the appointment records a treatment on it (the
  view asks the calendar's access rules: managers and front desk any appointment, a
  therapist their own); not on a cancelled appointment.
- The record is amended, never overwritten: only its author or a manager may amend it,
  giving a reason; every amendment is a new version (the old text stays), in the audit
  log with what changed. Amending with nothing changed writes nothing.
- A follow-up date is not before the visit's day (at the clinic); marking the follow-up
  done is anyone's at the clinic, audited.
Every input is checked before anything is written; a refusal names its field
(``products.1.batch``)."""

import decimal
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import CANCELLED_STATUSES
from people.models import AuditAction, StaffRole
from people.selectors import clinic_role_for_user
from people.services import ClientError, audit_record
from records.errors import RecordsErrorCode
from records.models import TreatmentRecord, TreatmentRecordVersion

MAX_NOTES = 10000
MAX_FOLLOW_UP = 2000
MAX_PRODUCTS = 20
MAX_AREAS = 30
FIELDS = ("notes", "products", "areas", "follow_up", "follow_up_on")


class TreatmentError(ClientError):
    pass


def _text(value, field, limit, *, required=False, label=""):
    value = (value or "").strip()
    if required and not value:
        raise TreatmentError(
            _("Fill in %(label)s.") % {"label": label}, field=field, code=RecordsErrorCode.REQUIRED
        )
    if len(value) > limit:
        raise TreatmentError(
            _("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
            field=field,
            code=RecordsErrorCode.TOO_LONG,
        )
    return value


def _quantity(value, field):
    try:
        number = decimal.Decimal(str(value).strip().replace(",", "."))
    except (decimal.InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number <= 0 or number > 100000:
        raise TreatmentError(
            _("Give the quantity as a number above zero."),
            field=field,
            code=RecordsErrorCode.VALUE_INVALID,
        )
    return format(number.normalize(), "f")


def clean_products(products):
    """Rows of ``{"name", "batch", "quantity", "unit"}``; empty rows are dropped. A used
    product needs its batch (lot) number and a quantity, for traceability."""
    rows = [p for p in (products or []) if any(str(v or "").strip() for v in p.values())]
    if len(rows) > MAX_PRODUCTS:
        raise TreatmentError(
            _("Record at most %(n)s products.") % {"n": MAX_PRODUCTS},
            field="products",
            code=RecordsErrorCode.TOO_LONG,
        )
    cleaned = []
    for index, row in enumerate(rows):
        prefix = f"products.{index}"
        cleaned.append(
            {
                "name": _text(
                    row.get("name"), f"{prefix}.name", 120, required=True, label=_("the product")
                ),
                "batch": _text(
                    row.get("batch"),
                    f"{prefix}.batch",
                    60,
                    required=True,
                    label=_("the batch (lot) number"),
                ),
                "quantity": _quantity(row.get("quantity"), f"{prefix}.quantity"),
                "unit": _text(row.get("unit"), f"{prefix}.unit", 20, label=_("the unit")),
            }
        )
    return cleaned


def clean_areas(areas):
    cleaned = []
    for index, area in enumerate(areas or []):
        area = _text(area, f"areas.{index}", 80, label=_("the area"))
        if area and area.casefold() not in {a.casefold() for a in cleaned}:
            cleaned.append(area)
    if len(cleaned) > MAX_AREAS:
        raise TreatmentError(
            _("Record at most %(n)s areas.") % {"n": MAX_AREAS},
            field="areas",
            code=RecordsErrorCode.TOO_LONG,
        )
    return cleaned


def _visit_day(booking):
    return booking.start.astimezone(zoneinfo.ZoneInfo(booking.clinic.timezone)).date()


def _clean(booking, *, notes, products, areas, follow_up, follow_up_on):
    values = {
        "notes": _text(notes, "notes", MAX_NOTES, required=True, label=_("the session notes")),
        "products": clean_products(products),
        "areas": clean_areas(areas),
        "follow_up": _text(follow_up, "follow_up", MAX_FOLLOW_UP, label=_("the follow-up")),
        "follow_up_on": follow_up_on,
    }
    if follow_up_on is not None and follow_up_on < _visit_day(booking):
        raise TreatmentError(
            _("The follow-up date cannot be before the appointment."),
            field="follow_up_on",
            code=RecordsErrorCode.DATE_INVALID,
        )
    return values


def _check_booking(clinic, booking):
    if booking.clinic_id != clinic.pk:
        raise TreatmentError(
            _("That appointment belongs to another clinic."),
            field="booking",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    if booking.status in CANCELLED_STATUSES:
        raise TreatmentError(
            _("The appointment was cancelled: there is no treatment to record."),
            field="booking",
            code=RecordsErrorCode.BOOKING_CANCELLED,
        )


def _what(booking):
    return f"{booking.service.name} of {_visit_day(booking):%Y-%m-%d}"


@transaction.atomic
def treatment_record_add(
    *,
    clinic,
    booking,
    author,
    notes,
    products=(),
    areas=(),
    follow_up="",
    follow_up_on=None,
    request=None,
) -> TreatmentRecord:
    _check_booking(clinic, booking)
    if clinic_role_for_user(clinic, author) is None:
        raise TreatmentError(
            _("Only the clinic's staff record treatments."),
            field="author",
            code=RecordsErrorCode.ROLE_NOT_ALLOWED,
        )
    values = _clean(
        booking,
        notes=notes,
        products=products,
        areas=areas,
        follow_up=follow_up,
        follow_up_on=follow_up_on,
    )
    now = timezone.now()
    record = TreatmentRecord.objects.create(
        clinic=clinic,
        client=booking.client,
        booking=booking,
        author=author,
        created_at=now,
        updated_at=now,
        **values,
    )
    TreatmentRecordVersion.objects.create(
        record=record, number=1, author=author, created_at=now, **values
    )
    audit_record(
        clinic=clinic,
        actor=author,
        action=AuditAction.NOTE,
        client=booking.client,
        summary=f"Treatment record on {_what(booking)}",
        changes={"batches": [None, [p["batch"] for p in values["products"]]]}
        if values["products"]
        else None,
        request=request,
    )
    return record


def may_amend(clinic, record, user, *, role=None) -> bool:
    """The author, or a manager of the clinic (``role``: the person's role there, if the
    caller knows it, else it is looked up)."""
    if record.clinic_id != clinic.pk:
        return False
    if record.author_id == user.pk:
        return True
    return (role or clinic_role_for_user(clinic, user)) == StaffRole.MANAGER


def _shown(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def treatment_record_amend(
    *,
    clinic,
    record,
    actor,
    reason,
    notes,
    products=(),
    areas=(),
    follow_up="",
    follow_up_on=None,
    request=None,
) -> TreatmentRecord:
    if not may_amend(clinic, record, actor):
        raise TreatmentError(
            _("Only the clinician who wrote the record, or a manager, may amend it."),
            field="record",
            code=RecordsErrorCode.ROLE_NOT_ALLOWED,
        )
    record = (
        TreatmentRecord.objects.select_for_update()
        .select_related("booking__service", "booking__clinic", "client")
        .get(pk=record.pk)
    )
    values = _clean(
        record.booking,
        notes=notes,
        products=products,
        areas=areas,
        follow_up=follow_up,
        follow_up_on=follow_up_on,
    )
    changes = {
        name: [_shown(getattr(record, name)), _shown(value)]
        for name, value in values.items()
        if getattr(record, name) != value
    }
    if not changes:
        return record
    reason = _text(reason, "reason", 300, required=True, label=_("the reason for the amendment"))
    now = timezone.now()
    for name, value in values.items():
        setattr(record, name, value)
    record.version += 1
    record.updated_at = now
    record.save(update_fields=[*FIELDS, "version", "updated_at"])
    TreatmentRecordVersion.objects.create(
        record=record, number=record.version, author=actor, reason=reason, created_at=now, **values
    )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=record.client,
        summary=f"Amended the treatment record on {_what(record.booking)} "
        f"(version {record.version}): {reason}"[:300],
        changes=changes,
        request=request,
    )
    return record


@transaction.atomic
def follow_up_mark_done(*, clinic, record, actor, request=None) -> TreatmentRecord:
    """The follow-up was made. Marking a done one again changes nothing."""
    if record.clinic_id != clinic.pk:
        raise TreatmentError(
            _("That record belongs to another clinic."),
            field="record",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    record = TreatmentRecord.objects.select_for_update().select_related("client").get(pk=record.pk)
    if record.follow_up_done_at is not None:
        return record
    record.follow_up_done_at = timezone.now()
    record.follow_up_done_by = actor
    record.save(update_fields=["follow_up_done_at", "follow_up_done_by"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=record.client,
        summary=f"Follow-up of {record.follow_up_on:%Y-%m-%d} done",
        changes={"follow-up": ["due", "done"]},
        request=request,
    )
    return record
