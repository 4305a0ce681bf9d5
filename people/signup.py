"""What a clinic asks of a new patient besides email and password: their name, so the
desk and every message can greet them, and their mobile, so the clinic can text them.
allauth builds its sign-up form on this class (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from branding.errors import DomainError
from branding.validators import validate_name
from people.phones import phone_to_e164, region_for_clinic
from people.services import client_contact_update


class ContactDetailsForm(forms.Form):
    """A person's name and mobile, as they give them on the portal (registration and
    their profile)."""

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


class SignupDetailsForm(ContactDetailsForm):
    """Registration asks for the mobile too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True

    def clean_phone(self):
        # Checked here, before allauth creates the person, so a bad number creates nobody.
        clinic = getattr(context.request, "clinic", None)
        try:
            return phone_to_e164(self.cleaned_data["phone"], region=region_for_clinic(clinic))
        except DomainError as error:
            raise forms.ValidationError(error.message, code="phone_invalid") from error

    def signup(self, request, user):
        client_contact_update(
            clinic=request.clinic,
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data.get("last_name", ""),
            phone=self.cleaned_data["phone"],
        )
