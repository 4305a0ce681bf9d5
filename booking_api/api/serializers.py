from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking_api.images import SERVICE_RENDITIONS, STAFF_RENDITIONS, rendition_urls
from booking_api.models import BookingStatus
from booking_api.selectors import service_deposit
from branding.api.fields import MoneyDisplayField
from branding.money import format_money
from branding.validators import within_calendar

MAX_RANGE_DAYS = 62


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that says its UTC offset. A bare local time is ambiguous (whose
    clock? which side of a DST change?), so it is refused naming the field, rather than
    guessed and then reported as "not one of the offered slots"."""

    default_error_messages = {
        "offset": _("Give the time with its UTC offset, e.g. 2026-12-07T10:00:00+00:00 or …Z."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("offset")
        return super().to_internal_value(value)


def _image_urls(serializer, image, specs):
    request = serializer.context.get("request")
    build = request.build_absolute_uri if request is not None else (lambda url: url)
    return rendition_urls(image, specs, build)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    category = CategorySerializer(allow_null=True)
    duration_minutes = serializers.IntegerField()
    price = serializers.IntegerField(help_text="Minor units (pence, cents).")
    deposit = serializers.SerializerMethodField(
        help_text="Minor units: the deposit taken when booking under the clinic's payment "
        "setting (0 when the clinic takes no deposit)."
    )
    currency = serializers.CharField(source="clinic.currency")
    price_display = MoneyDisplayField("price", "clinic.currency")
    deposit_display = serializers.SerializerMethodField()
    staff = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField(
        help_text="The service's picture as absolute URLs of fixed renditions: "
        "``card`` (640×360) and ``thumb`` (160×160); null when it has none."
    )

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                name: {"type": "string", "format": "uri"} for name in SERVICE_RENDITIONS
            },
        }
    )
    def get_image(self, obj):
        return _image_urls(self, obj.image, SERVICE_RENDITIONS)

    def get_staff(self, obj) -> list[int]:
        return [s.pk for s in obj.staff.all()]

    def _deposit(self, obj) -> int:
        # The request's clinic carries its policy already (one query for the whole list).
        clinic = getattr(self.context.get("request"), "clinic", None) or obj.clinic
        return service_deposit(clinic, obj)

    def get_deposit(self, obj) -> int:
        return self._deposit(obj)

    def get_deposit_display(self, obj) -> str:
        return format_money(self._deposit(obj), obj.clinic.currency)

    def get_locations(self, obj) -> list[int]:
        return [loc.pk for loc in obj.locations.all()]


class StaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField(source="display_name")
    bio = serializers.CharField()
    services = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField(
        help_text="The staff member's photo as absolute URLs of fixed renditions: "
        "``avatar`` (192×192) and ``portrait`` (480×600); null when there is none."
    )

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {name: {"type": "string", "format": "uri"} for name in STAFF_RENDITIONS},
        }
    )
    def get_photo(self, obj):
        return _image_urls(self, obj.photo, STAFF_RENDITIONS)

    def get_services(self, obj) -> list[int]:
        return [s.pk for s in obj.services.all()]


class BookingListQuerySerializer(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=[("upcoming", "upcoming"), ("past", "past"), ("cancelled", "cancelled")],
        required=False,
        help_text=(
            "Upcoming (soonest first), past (latest first) or cancelled (cancelled for a "
            "time still to come, soonest first; not in past); neither: all, latest first. "
            "With the clinic's history toggle off, past is `feature_disabled` and the list "
            "is the upcoming ones."
        ),
    )


class AvailabilityQuerySerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Service id or key.")
    staff = serializers.CharField(
        required=False, default="any", help_text="Staff id, key, or 'any'."
    )
    location = serializers.CharField(
        required=False, allow_blank=True, help_text="Location id or key; default every location."
    )
    # "from" is a Python keyword, so these two are declared through locals().
    locals()["from"] = serializers.DateField(help_text="First local date, YYYY-MM-DD.")
    locals()["to"] = serializers.DateField(help_text="Last local date (inclusive), YYYY-MM-DD.")

    def validate(self, attrs):
        start, end = attrs["from"], attrs["to"]
        for name in ("from", "to"):  # year 0001 or 9999 would overflow in the engine
            if not within_calendar(attrs[name]):
                raise serializers.ValidationError({name: "Enter a date between 0002 and 9998."})
        if end < start:
            raise serializers.ValidationError({"to": "'to' must not be before 'from'."})
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"to": f"Ask for at most {MAX_RANGE_DAYS} days at a time."}
            )
        return attrs


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    staff = serializers.ListField(child=serializers.IntegerField(), source="staff_ids")
    location = serializers.IntegerField(source="location_id")


class AvailabilitySerializer(serializers.Serializer):
    timezone = serializers.CharField()
    slots = SlotSerializer(many=True)


class BookingCreateSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Service id or key.")
    staff = serializers.CharField(required=False, default="any")
    location = serializers.CharField(required=False, allow_blank=True)
    start = OffsetDateTimeField(help_text="ISO 8601 with offset; an offered slot.")
    client_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    pet = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="At a vet practice: the id of one of your active pets (GET /api/v1/pets).",
    )
    package = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text="Use a session of one of your packages: a `ref` from "
        "GET /api/v1/packages/options?service=… (never applied unless sent).",
    )


class BookingRescheduleSerializer(serializers.Serializer):
    start = OffsetDateTimeField(help_text="ISO 8601 with offset; an offered slot.")
    staff = serializers.CharField(required=False, help_text="Staff id or key; default the same.")


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class QuoteSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    free = serializers.BooleanField()
    fee = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField()
    fee_display = MoneyDisplayField("fee")
    paid = serializers.IntegerField(help_text="Minor units paid for the visit (refunds off).")
    kept = serializers.IntegerField(help_text="Minor units of what was paid kept as the fee.")
    refund = serializers.IntegerField(help_text="Minor units of what was paid given back.")
    to_pay = serializers.IntegerField(help_text="Minor units of the fee beyond what was paid.")
    card_on_file = serializers.BooleanField(
        help_text="The clinic holds a card it may charge `to_pay` to."
    )
    kept_display = MoneyDisplayField("kept")
    refund_display = MoneyDisplayField("refund")
    to_pay_display = MoneyDisplayField("to_pay")
    message = serializers.CharField()
    window_ends_at = serializers.DateTimeField()


class BookingRefSerializer(serializers.Serializer):
    """The service, staff member or location of a booking, by id, key and name."""

    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class CalendarLinksSerializer(serializers.Serializer):
    ics = serializers.URLField(help_text="An .ics file for any calendar app.")
    google = serializers.URLField(help_text="Add to Google Calendar.")


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.UUIDField()
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    status_display = serializers.CharField(
        source="status_label",
        help_text="The status as the patient reads it, in the clinic's language; a lapsed "
        "hold reads 'Expired — not booked', never 'Cancelled'.",
    )
    hold_expired = serializers.BooleanField(
        source="hold_lapsed",
        help_text="Cancelled because the time held for payment (or for a guest's "
        "confirmation) ran out: never booked.",
    )
    service = serializers.SerializerMethodField()
    staff = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    price = serializers.IntegerField()
    deposit = serializers.IntegerField()
    currency = serializers.CharField()
    price_display = MoneyDisplayField("price")
    deposit_display = MoneyDisplayField("deposit")
    client_notes = serializers.CharField()
    pet = serializers.IntegerField(source="pet_id", allow_null=True)
    reschedule_count = serializers.IntegerField()
    can_check_in = serializers.BooleanField(
        source="client_may_check_in",
        help_text='Offer "I\'m here" now: the check-in window (an hour before the start '
        "to 30 minutes after) is open and the booking can be checked in.",
    )
    created_at = serializers.DateTimeField()
    add_to_calendar = serializers.SerializerMethodField(
        help_text="`ics`: download for any calendar app; `google`: add to Google Calendar."
    )

    @extend_schema_field(CalendarLinksSerializer)
    def get_add_to_calendar(self, obj) -> dict:
        from django.urls import reverse

        from booking_api.calendar_invites import google_calendar_link

        ics = reverse("api:booking-ics", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return {
            "ics": request.build_absolute_uri(ics) if request else ics,
            "google": google_calendar_link(obj),
        }

    @extend_schema_field(BookingRefSerializer)
    def get_service(self, obj) -> dict:
        return {"id": obj.service_id, "key": obj.service.key, "name": obj.service.name}

    @extend_schema_field(BookingRefSerializer)
    def get_staff(self, obj) -> dict:
        return {"id": obj.staff_id, "key": obj.staff.key, "name": obj.staff.display_name}

    @extend_schema_field(BookingRefSerializer)
    def get_location(self, obj) -> dict:
        return {"id": obj.location_id, "key": obj.location.key, "name": obj.location.name}
