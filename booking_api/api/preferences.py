"""``GET/PATCH /api/v1/preferences``: the patient's communication preferences
(notifications), the language the clinic writes to them in, and booking preferences
(preferred location, staff member, favourite services) at this clinic — the portal
profile's preference sections."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.preference_selectors import booking_preferences_for, preference_choices
from booking_api.services.preferences import booking_preferences_update
from branding.api.permissions import ClinicRequired
from branding.selectors import clinic_languages
from notifications.language import language_choose
from notifications.selectors import preferences_read
from notifications.services import preferences_update
from people.api.accounts import client_account_here

# The switches the portal's profile shows (portal_pages.account_forms.PREFERENCE_FIELDS).
COMMUNICATION_FIELDS = [
    "booking_email",
    "reminder_email",
    "reminder_sms",
    "message_email",
    "marketing_email",
    "marketing_sms",
    "push",
    "surveys",
    "postcards",
    "unsubscribed_all",  # over all the others; the others keep their values meanwhile
]


def _communication_serializer(required):
    fields = {name: serializers.BooleanField(required=required) for name in COMMUNICATION_FIELDS}
    name = "CommunicationPreferences" if required else "CommunicationPreferencesUpdate"
    return type(name, (serializers.Serializer,), fields)


CommunicationSerializer = _communication_serializer(True)
CommunicationUpdateSerializer = _communication_serializer(False)


class BookingPreferencesSerializer(serializers.Serializer):
    location = serializers.IntegerField(allow_null=True, help_text="A location's id, or null.")
    staff = serializers.IntegerField(allow_null=True, help_text="A staff member's id, or null.")
    services = serializers.ListField(child=serializers.IntegerField(), help_text="Service ids.")


class BookingPreferencesUpdateSerializer(serializers.Serializer):
    """Ids of this clinic's locations, bookable staff and active services; an unknown
    one (or another clinic's) is 400 naming the field."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"] = serializers.PrimaryKeyRelatedField(
            queryset=choices["locations"], allow_null=True, required=False
        )
        self.fields["staff"] = serializers.PrimaryKeyRelatedField(
            queryset=choices["staff"], allow_null=True, required=False
        )
        self.fields["services"] = serializers.PrimaryKeyRelatedField(
            queryset=choices["services"], many=True, required=False
        )


LANGUAGE_HELP = (
    "The language of everything the clinic sends this person (emails, SMS, push, the "
    'notification centre): one of `languages`, or "" for the clinic\'s own language.'
)


class PreferencesSerializer(serializers.Serializer):
    communication = CommunicationSerializer()
    language = serializers.CharField(allow_blank=True, help_text=LANGUAGE_HELP)
    languages = serializers.ListField(
        child=serializers.CharField(), help_text="The language codes this clinic offers."
    )
    booking = BookingPreferencesSerializer()


class PreferencesUpdateSerializer(serializers.Serializer):
    communication = CommunicationUpdateSerializer(required=False)
    language = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=LANGUAGE_HELP
    )
    booking = BookingPreferencesSerializer(required=False)


def _answer(clinic, user, account):
    prefs = preferences_read(clinic, user)
    booking = booking_preferences_for(clinic, account)
    return {
        "communication": {name: getattr(prefs, name) for name in COMMUNICATION_FIELDS},
        "language": prefs.language,
        "languages": [code for code, _name in clinic_languages(clinic)],
        "booking": {
            "location": booking.location_id if booking else None,
            "staff": booking.staff_id if booking else None,
            "services": sorted(s.pk for s in booking.services.all()) if booking else [],
        },
    }


class PreferencesView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses=PreferencesSerializer, tags=["account"])
    def get(self, request):
        account = client_account_here(request)
        return Response(_answer(request.clinic, request.user, account))

    @extend_schema(
        request=PreferencesUpdateSerializer, responses=PreferencesSerializer, tags=["account"]
    )
    def patch(self, request):
        """Change the preferences sent: any communication switches, the language, and
        the booking preferences (the keys of ``booking`` sent replace those; the others
        stay). An unknown id (or another clinic's), or a language the clinic does not
        offer, is 400 naming the field; nothing is saved."""
        clinic, account = request.clinic, client_account_here(request)
        communication = CommunicationUpdateSerializer(data=request.data.get("communication", {}))
        booking = BookingPreferencesUpdateSerializer(
            data=request.data.get("booking", {}), choices=preference_choices(clinic)
        )
        errors = {}
        if not communication.is_valid():
            errors["communication"] = communication.errors
        if not booking.is_valid():
            errors["booking"] = booking.errors
        if errors:
            raise serializers.ValidationError(errors)
        with transaction.atomic():
            if "language" in request.data:
                language = request.data["language"]
                if language is None:  # null, like "": back to the clinic's language
                    language = ""
                language_choose(
                    clinic=clinic,
                    user=request.user,
                    language=language if isinstance(language, str) else repr(language),
                )
            if communication.validated_data:
                preferences_update(
                    clinic=clinic, user=request.user, source="api", **communication.validated_data
                )
            if "booking" in request.data:
                current = booking_preferences_for(clinic, account)
                merged = {
                    "location": current.location if current else None,
                    "staff": current.staff if current else None,
                    "services": list(current.services.all()) if current else [],
                    **booking.validated_data,
                }
                booking_preferences_update(clinic=clinic, client=account, **merged)
        return Response(_answer(clinic, request.user, account))
