from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Preferences


class ContactForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
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
