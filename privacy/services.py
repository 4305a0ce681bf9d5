"""Writes: data exports and their single-use link, erasure requests and their decision,
consents given and withdrawn. Every part of a person's data is read and erased by the
app that owns it (``privacy.registry``); this module only orchestrates."""

import io
import json
import secrets
import zipfile
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branding.links import portal_reverse
from notifications.language import speaking_to
from notifications.models import Category, Preferences
from notifications.services import notify, preferences_update
from people.models import AuditAction
from people.photo_services import photos_unshare_all
from people.services import audit_record
from privacy import registry
from privacy.errors import PrivacyError, PrivacyErrorCode
from privacy.models import (
    EXPORT_LINK_HOURS,
    ConsentKind,
    ConsentRecord,
    DataExport,
    ErasureRequest,
    ErasureStatus,
    ExportStatus,
)
from privacy.selectors import consent_wording, privacy_settings

LINK_SALT = "privacy.export-link"
SOURCES = ("portal", "api", "staff", "link", "sms")

# --- Export -----------------------------------------------------------------------------


def export_request(*, clinic, client) -> DataExport:
    """Ask for a copy of everything the clinic holds about ``client``; the worker makes
    it (``privacy.tasks.build_export``). One at a time: 409 ``export_pending`` while one
    is being prepared. Earlier exports' files are removed and their links die."""
    with transaction.atomic():
        if DataExport.objects.filter(
            clinic=clinic, client=client, status=ExportStatus.PENDING
        ).exists():
            raise PrivacyError(
                _("A copy of your data is already being prepared."),
                code=PrivacyErrorCode.EXPORT_PENDING,
            )
        _exports_retire(DataExport.objects.filter(clinic=clinic, client=client))
        export = DataExport.objects.create(clinic=clinic, client=client)
        export_id = export.pk
        transaction.on_commit(lambda: _queue_build(export_id))
    return export


def _queue_build(export_id):
    from privacy.tasks import queue_export

    queue_export(export_id)


def _exports_retire(queryset):
    for export in queryset.exclude(file=""):
        export.file.delete(save=False)
        export.save(update_fields=["file"])
    queryset.filter(status=ExportStatus.READY).update(status=ExportStatus.DOWNLOADED, nonce="")


def export_zip_bytes(*, clinic, client) -> bytes:
    """The zip: ``<part>/data.json`` and the part's files for every registered part,
    plus ``README.txt`` saying what each folder holds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        keys = []
        for part in registry.parts():
            result = part.export(clinic=clinic, client=client) or {}
            if not result:
                continue
            keys.append(part.key)
            data = result.get("data")
            archive.writestr(
                f"{part.key}/data.json",
                json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
            for name, content in result.get("files", []):
                archive.writestr(f"{part.key}/{name}", content)
        archive.writestr(
            "README.txt",
            _("Everything %(clinic)s holds about you, made on %(date)s.")
            % {"clinic": clinic.name, "date": timezone.now().date().isoformat()}
            + "\n\n"
            + "\n".join(f"{key}/" for key in keys)
            + "\n",
        )
    return buffer.getvalue()


def export_build(*, export_id) -> str:
    """Make the zip of a pending export, store it privately and tell the person the
    link is ready. Idempotent: an export no longer pending is left alone."""
    export = (
        DataExport.objects.select_related("clinic__site", "client__user")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:
        return "not pending"
    clinic, client = export.clinic, export.client
    with speaking_to(clinic, client.user):
        try:
            content = export_zip_bytes(clinic=clinic, client=client)
        except Exception:
            DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
            raise
        with transaction.atomic():
            export.file.save(f"{export.pk}.zip", ContentFile(content), save=False)
            now = timezone.now()
            export.size = len(content)
            export.nonce = secrets.token_hex(16)
            export.status = ExportStatus.READY
            export.ready_at = now
            export.expires_at = now + timedelta(hours=EXPORT_LINK_HOURS)
            export.save()
            notify(
                clinic=clinic,
                user=client.user,
                kind="data_export_ready",
                category=Category.ACCOUNT,
                title=_("Your data is ready to download"),
                body=_(
                    "The copy of your data you asked for is ready. The link works once, "
                    "for %(hours)s hours, while you are signed in."
                )
                % {"hours": EXPORT_LINK_HOURS},
                idempotency_key=f"data-export-{export.pk}",
                url=portal_reverse(clinic, "portal:privacy"),
                channels=None,
            )
    return "ready"


def export_link_token(export: DataExport) -> str:
    """The signed part of the single-use link: this export, this clinic, this person."""
    return signing.dumps(
        {"e": export.pk, "c": export.clinic_id, "u": export.client.user_id, "n": export.nonce},
        salt=LINK_SALT,
        compress=True,
    )


def _link_refused(code):
    messages = {
        PrivacyErrorCode.EXPORT_LINK_INVALID: _("This download link is not valid."),
        PrivacyErrorCode.EXPORT_LINK_EXPIRED: _(
            "This download link has expired. Ask for a new copy of your data."
        ),
        PrivacyErrorCode.EXPORT_LINK_USED: _(
            "This download link was already used. Ask for a new copy of your data."
        ),
    }
    return PrivacyError(messages[code], code=code)


def export_claim(*, clinic, user, token) -> tuple[DataExport, bytes]:
    """Use the link once: checks it is this clinic's and this person's, not expired nor
    used, marks it used and returns the zip's bytes, removing the stored file. Refused
    with 404 ``export_link_invalid``, 410 ``export_link_expired`` or
    ``export_link_used``."""
    try:
        claims = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise _link_refused(PrivacyErrorCode.EXPORT_LINK_INVALID) from None
    if (
        not isinstance(claims, dict)
        or claims.get("c") != clinic.pk
        or user is None
        or claims.get("u") != user.pk
    ):
        raise _link_refused(PrivacyErrorCode.EXPORT_LINK_INVALID)
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .filter(pk=claims.get("e"), clinic=clinic, client__user=user)
            .first()
        )
        if export is None:
            raise _link_refused(PrivacyErrorCode.EXPORT_LINK_INVALID)
        if export.status == ExportStatus.DOWNLOADED or export.nonce != claims.get("n"):
            raise _link_refused(PrivacyErrorCode.EXPORT_LINK_USED)
        if export.status == ExportStatus.READY and export.link_expired:
            raise _link_refused(PrivacyErrorCode.EXPORT_LINK_EXPIRED)
        if export.status != ExportStatus.READY or not export.file:
            raise _link_refused(PrivacyErrorCode.EXPORT_LINK_INVALID)
        with export.file.open("rb") as handle:
            content = handle.read()
        export.file.delete(save=False)
        export.status = ExportStatus.DOWNLOADED
        export.downloaded_at = timezone.now()
        export.nonce = ""
        export.save(update_fields=["file", "status", "downloaded_at", "nonce"])
    return export, content


def exports_purge() -> int:
    """Remove the files of expired links (the worker's schedule, hourly)."""
    expired = DataExport.objects.filter(
        status=ExportStatus.READY, expires_at__lte=timezone.now()
    ).exclude(file="")
    count = 0
    for export in expired:
        export.file.delete(save=False)
        export.save(update_fields=["file"])
        count += 1
    return count


# --- Erasure ----------------------------------------------------------------------------


def erasure_request(*, clinic, client, source) -> ErasureRequest:
    """The client asks to be erased at this clinic; staff decide. 409
    ``erasure_pending`` while a request waits."""
    if source not in SOURCES:
        raise PrivacyError(
            _("Unknown source %(source)r.") % {"source": source},
            field="source",
            code=PrivacyErrorCode.UNKNOWN_SOURCE,
        )
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(clinic=clinic, client=client, source=source)
            audit_record(
                clinic=clinic,
                actor=client.user,
                action=AuditAction.CHANGE,
                client=client,
                summary="Asked to be erased",
            )
    except IntegrityError:
        raise PrivacyError(
            _("Your erasure request is already waiting for the clinic's decision."),
            code=PrivacyErrorCode.ERASURE_PENDING,
        ) from None
    return request


def _open_request_locked(*, clinic, request_id) -> ErasureRequest:
    request = (
        ErasureRequest.objects.select_for_update()
        .select_related("client__user")
        .filter(pk=request_id, clinic=clinic)
        .first()
    )
    if request is None:
        raise PrivacyError(
            _("There is no such erasure request at this clinic."),
            code=PrivacyErrorCode.ERASURE_NOT_FOUND,
        )
    if request.status != ErasureStatus.REQUESTED:
        raise PrivacyError(
            _("This erasure request was already decided."),
            code=PrivacyErrorCode.ERASURE_DECIDED,
        )
    return request


@transaction.atomic
def erasure_decline(*, clinic, request_id, actor, reason, http_request=None) -> ErasureRequest:
    """Staff decline (with a reason the client is told); audited; nothing else changes."""
    request = _open_request_locked(clinic=clinic, request_id=request_id)
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(
            _("Say why the request is declined."),
            field="reason",
            code=PrivacyErrorCode.REASON_REQUIRED,
        )
    request.status = ErasureStatus.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decline_reason = reason[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    client = request.client
    with speaking_to(clinic, client.user):
        notify(
            clinic=clinic,
            user=client.user,
            kind="erasure_declined",
            category=Category.ACCOUNT,
            title=_("Your erasure request was declined"),
            body=_("%(clinic)s declined your request to be erased: %(reason)s")
            % {"clinic": clinic.name, "reason": request.decline_reason},
            idempotency_key=f"erasure-declined-{request.pk}",
            url=portal_reverse(clinic, "portal:privacy"),
        )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=request.client,
        summary="Declined the erasure request",
        changes={"erasure": ["requested", "declined"]},
        request=http_request,
    )
    return request


@transaction.atomic
def erasure_approve(*, clinic, request_id, actor, http_request=None) -> ErasureRequest:
    """Staff approve: in one transaction every app erases its part of the person at this
    clinic (``privacy.registry``; people's ``profile`` part last, which detaches the
    client account from the person and, when they are nobody else's client nor staff,
    anonymises and deactivates them: they can no longer sign in, their sessions and
    devices are signed out). Payments, signed forms and clinical notes stay, on the
    detached account, until ``keep_until``. Audited before the erasure, naming nobody."""
    request = _open_request_locked(clinic=clinic, request_id=request_id)
    client = request.client
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=client,
        summary="Approved the erasure request: the client is anonymised",
        changes={"erasure": ["requested", "approved"]},
        request=http_request,
    )
    user = client.user
    _exports_retire(DataExport.objects.filter(clinic=clinic, client=client))
    DataExport.objects.filter(clinic=clinic, client=client).delete()
    ConsentRecord.objects.filter(clinic=clinic, client=client).delete()
    summary = {}
    for part in registry.erase_parts():
        counts = part.erase(clinic=clinic, client=client, user=user) or {}
        summary.update({f"{part.key}.{name}": count for name, count in counts.items()})
    years = privacy_settings(clinic).retention_years
    today = timezone.localdate()
    try:
        keep_until = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        keep_until = today.replace(year=today.year + years, day=28)
    request.status = ErasureStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.keep_until = keep_until
    request.summary = summary
    request.save(update_fields=["status", "decided_by", "decided_at", "keep_until", "summary"])
    return request


# --- Consent ----------------------------------------------------------------------------


@transaction.atomic
def consent_set(*, clinic, client, kind, given, source) -> ConsentRecord:
    """Record a consent given or withdrawn with the wording shown (in the active
    language) and when. Withdrawing marketing turns offers off on every channel;
    withdrawing photo use takes every photo of the client out of the slideshow."""
    if kind not in ConsentKind.values:
        raise PrivacyError(
            _("Unknown kind of consent %(kind)r.") % {"kind": kind},
            field="kind",
            code=PrivacyErrorCode.UNKNOWN_CONSENT,
        )
    if source not in SOURCES:
        raise PrivacyError(
            _("Unknown source %(source)r.") % {"source": source},
            field="source",
            code=PrivacyErrorCode.UNKNOWN_SOURCE,
        )
    given = bool(given)
    record = ConsentRecord.objects.create(
        clinic=clinic,
        client=client,
        kind=kind,
        given=given,
        wording=consent_wording(kind, clinic),
        language=translation.get_language() or "",
        source=source,
    )
    if kind == ConsentKind.MARKETING:
        preferences_update(  # recorded just above, with this page's own wording
            clinic=clinic, user=client.user, source=None, marketing_email=given, marketing_sms=given
        )
    elif not given:
        photos_unshare_all(clinic=clinic, client=client)
    return record


@transaction.atomic
def retention_set(*, clinic, years, actor, request=None):
    """Managers set how long the records kept after an erasure are kept (1–30 years);
    audited."""
    if not isinstance(years, int) or not 1 <= years <= 30:
        raise PrivacyError(
            _("Choose between 1 and 30 years."),
            field="retention_years",
            code=PrivacyErrorCode.RETENTION_INVALID,
        )
    settings = privacy_settings(clinic)
    old = settings.retention_years
    settings.retention_years = years
    settings.save(update_fields=["retention_years"])
    if old != years:
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            summary="Changed the retention period after erasure",
            changes={"retention_years": [old, years]},
            request=request,
        )
    return settings


MARKETING_SWITCHES = ("marketing_email", "marketing_sms")


def marketing_switches_record(*, clinic, client, before, after, source) -> ConsentRecord | None:
    """The patient turned offers on or off with the preference switches themselves
    (``before``/``after``: switch name → bool): when offers go from none to some, or
    from some to none, that is consent given or withdrawn, recorded with the switches'
    own words as shown (e.g. "Offers and news by email: yes; … by SMS: no")."""
    was_on = any(before.get(name) for name in MARKETING_SWITCHES)
    now_on = any(after.get(name) for name in MARKETING_SWITCHES)
    if was_on == now_on:
        return None

    def label(name):
        text = str(Preferences._meta.get_field(name).verbose_name)
        return text[:1].upper() + text[1:]

    wording = "; ".join(
        f"{label(name)}: {_('yes') if after.get(name) else _('no')}" for name in MARKETING_SWITCHES
    )
    return ConsentRecord.objects.create(
        clinic=clinic,
        client=client,
        kind=ConsentKind.MARKETING,
        given=now_on,
        wording=wording,
        language=translation.get_language() or "",
        source=source,
    )
