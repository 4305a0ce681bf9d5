from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from notifications.models import Preferences
from people.signup import ContactDetailsForm

# The profile's contact details: the same fields as registration's, the mobile optional.
ContactForm = ContactDetailsForm


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
    "unsubscribed_all",  # shown first, apart: one switch over all the others
]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = PREFERENCE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]


class LanguageForm(forms.Form):
    """The language the clinic writes to the patient in (emails, texts, push, the
    notification centre), among those it offers; blank: the clinic's own."""

    language = forms.ChoiceField(label=_("Language for messages"), required=False)

    def __init__(self, *args, languages, clinic_language, **kwargs):
        super().__init__(*args, **kwargs)
        own = get_language_info(clinic_language)["name_local"] if clinic_language else ""
        self.fields["language"].choices = [
            ("", _("The clinic's language (%(language)s)") % {"language": own}),
            *((code, get_language_info(code)["name_local"]) for code, _name in languages),
        ]


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
