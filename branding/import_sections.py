"""The import keys branding owns: ``clinic`` (the clinic and its main location) and
``locations`` (further locations)."""

import datetime
import hashlib
import urllib.request
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from pydantic import create_model, field_validator

from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import CurrencyCode, HexColour, Key, Strict, TimeZoneName, WeekHours
from branding.models import (
    FEATURE_DEFAULTS,
    BookingPolicySettings,
    FeeKind,
    Font,
    GuestVerification,
    PaymentMode,
)
from branding.services import (
    branding_update,
    clinic_collection,
    clinic_upsert,
    features_update,
    location_upsert,
    policy_update,
)

MAIN_LOCATION_KEY = "main"
LANGUAGE_CODES = tuple(code for code, _ in settings.LANGUAGES)


class BrandingIn(Strict):
    primary_color: HexColour | None = None
    accent_color: HexColour | None = None
    font: Literal[tuple(Font.values)] | None = None  # type: ignore[valid-type]
    app_name: str | None = None
    logo: str | None = None
    favicon: str | None = None


FeaturesIn = create_model(
    "FeaturesIn",
    __base__=Strict,
    **dict.fromkeys(FEATURE_DEFAULTS, (bool | None, None)),
    orders_payment=(Literal["order", "pickup"] | None, None),
)


class PolicyIn(Strict):
    min_notice_minutes: int | None = None
    max_advance_days: int | None = None
    cancellation_window_hours: int | None = None
    late_cancel_fee_kind: Literal[tuple(FeeKind.values)] | None = None  # type: ignore[valid-type]
    late_cancel_fee_value: int | None = None
    late_cancel_contact_clinic: bool | None = None
    reschedule_limit: int | None = None
    reschedule_window_hours: int | None = None
    deposit_percent: int | None = None
    payment_mode: Literal[tuple(PaymentMode.values)] | None = None  # type: ignore[valid-type]
    payment_hold_minutes: int | None = None
    no_show_fee_kind: Literal[tuple(FeeKind.values)] | None = None  # type: ignore[valid-type]
    no_show_fee_value: int | None = None
    no_show_blocks_online_booking: bool | None = None
    guest_verification: Literal[tuple(GuestVerification.values)] | None = None  # type: ignore[valid-type]
    guest_hold_minutes: int | None = None

    def changes(self):
        return self.model_dump(exclude_none=True)


class LocationIn(Strict):
    key: Key
    name: str
    address: str = ""
    phone: str = ""
    opening_hours: WeekHours = WeekHours()
    closures: list[datetime.date] = []

    @field_validator("key")
    @classmethod
    def _not_main(cls, value):
        if value == MAIN_LOCATION_KEY:
            raise ValueError("'main' is the clinic's own location; describe it under clinic")
        return value


class ClinicIn(Strict):
    name: str
    slug: Key
    domain: str
    timezone: TimeZoneName = "Europe/London"
    currency: CurrencyCode = "GBP"
    language: Literal[LANGUAGE_CODES] = "en"  # type: ignore[valid-type]
    address: str = ""
    phone: str = ""
    location_name: str | None = None
    opening_hours: WeekHours = WeekHours()
    closures: list[datetime.date] = []
    branding: BrandingIn = BrandingIn()
    features: FeaturesIn = FeaturesIn()  # type: ignore[valid-type]
    policy: PolicyIn = PolicyIn()

    @field_validator("domain")
    @classmethod
    def _hostname(cls, value):
        value = value.strip().lower()
        if not value or "/" in value or ":" in value or " " in value:
            raise ValueError("a host name such as glow.example.com (no scheme, port or path)")
        return value


def check_clinic(value: ClinicIn, doc):
    # The policy's cross-field rules live on the model; check them before writing.
    policy = BookingPolicySettings(**value.policy.changes())
    try:
        policy.full_clean(exclude=["site"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                yield (f"clinic.policy.{field}" if field != "__all__" else "clinic.policy", message)


def apply_clinic(value: ClinicIn, ctx: ImportContext):
    from wagtail.models import Site

    taken = Site.objects.filter(hostname=value.domain).exclude(clinic__slug=value.slug).first()
    if taken:
        raise ImportFileError(
            [("clinic.domain", f"{value.domain} is already the address of {taken.site_name!r}")]
        )
    clinic, created = clinic_upsert(
        slug=value.slug,
        name=value.name,
        domain=value.domain,
        timezone=value.timezone,
        currency=value.currency,
        language=value.language,
    )
    ctx.clinic = clinic
    ctx.count("clinics created" if created else "clinics updated")
    main = location_upsert(
        clinic=clinic,
        key=MAIN_LOCATION_KEY,
        name=value.location_name or value.name,
        address=value.address,
        phone=value.phone,
        is_main=True,
        opening_hours=value.opening_hours.by_weekday(),
        closures=value.closures,
    )
    ctx.remember("location", MAIN_LOCATION_KEY, main)
    branding = value.branding.model_dump(exclude_none=True, exclude={"logo", "favicon"})
    images = {
        name: _image_from(getattr(value.branding, name), ctx, f"clinic.branding.{name}")
        for name in ("logo", "favicon")
        if getattr(value.branding, name)
    }
    branding_update(clinic=clinic, **branding, **images)
    features_update(clinic=clinic, **value.features.model_dump(exclude_none=True))
    policy_update(clinic=clinic, **value.policy.changes())


def _image_from(source: str, ctx: ImportContext, path: str):
    """A Wagtail image in the clinic's collection, reused when the same file was
    imported before (by content hash), so re-importing adds nothing."""
    from wagtail.images import get_image_model

    data, name = _read_source(source, ctx.base_dir, path)
    digest = hashlib.sha1(data).hexdigest()
    collection = clinic_collection(ctx.clinic)
    image_model = get_image_model()
    existing = image_model.objects.filter(collection=collection, file_hash=digest).first()
    if existing:
        return existing
    from io import BytesIO

    image = image_model(title=f"{ctx.clinic.name} {Path(name).stem}", collection=collection)
    image.file_hash = digest
    try:
        # Assigning the file reads its dimensions: a file that is no image fails here.
        image.file = ImageFile(BytesIO(data), name=name)
        image.full_clean(exclude=["file_hash"])
    except (ValidationError, OSError, ValueError) as exc:
        raise ImportFileError([(path, f"{source} is not an image we can use ({exc})")]) from exc
    image.save()
    return image


def _read_source(source, base_dir, path):
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=10) as response:  # noqa: S310
                return response.read(), Path(source.split("?")[0]).name or "image.png"
        except OSError as exc:
            raise ImportFileError([(path, f"cannot download {source}: {exc}")]) from exc
    file_path = (base_dir / source).resolve()
    if not file_path.is_file():
        raise ImportFileError([(path, f"no file at {source} (relative to the import file)")])
    return file_path.read_bytes(), file_path.name


def check_locations(value: list[LocationIn], doc):
    seen = set()
    for i, location in enumerate(value):
        if location.key in seen:
            yield (f"locations[{i}].key", f"{location.key!r} is used by another location")
        seen.add(location.key)


def apply_locations(value: list[LocationIn], ctx: ImportContext):
    for location in value:
        obj = location_upsert(
            clinic=ctx.clinic,
            key=location.key,
            name=location.name,
            address=location.address,
            phone=location.phone,
            opening_hours=location.opening_hours.by_weekday(),
            closures=location.closures,
        )
        ctx.remember("location", location.key, obj)
        ctx.count("locations")


def register():
    register_section(
        ImportSection(
            key="clinic",
            schema=ClinicIn,
            apply=apply_clinic,
            check=check_clinic,
            order=0,
            required=True,
        )
    )
    register_section(
        ImportSection(
            key="locations",
            schema=list[LocationIn],
            apply=apply_locations,
            check=check_locations,
            order=10,
        )
    )
