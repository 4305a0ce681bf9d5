from django import forms
from django.utils.translation import gettext_lazy as _

from branding.validators import validate_name
from notifications.models import Preferences


class ContactForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


# The switches a patient sees, grouped as they think about them; labels come from the
# model so staff and patients read the same words.
PREFERENCE_FIELDS = [
    "booking_email",
    "reminder_email",
    "reminder_sms",
    "message_email",
    "marketing_email",
    "marketing_sms",
    "push",
    "surveys",
    "postcards",
]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = PREFERENCE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]


class BookingPreferencesForm(forms.Form):
    """Preferred location, staff member and services; choices are this clinic's own."""

    location = forms.ModelChoiceField(
        label=_("Preferred location"), queryset=None, required=False, empty_label=_("No preference")
    )
    staff = forms.ModelChoiceField(
        label=_("Preferred staff member"),
        queryset=None,
        required=False,
        empty_label=_("No preference"),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Favourite services"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = choices["locations"]
        self.fields["staff"].queryset = choices["staff"]
        self.fields["services"].queryset = choices["services"]
        if choices["locations"].count() < 2:  # one location: nothing to choose
            del self.fields["location"]
