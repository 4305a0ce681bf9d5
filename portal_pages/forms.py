from django import forms
from django.utils.translation import gettext_lazy as _

from branding.validators import validate_name


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Anything we should know? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GuestForm(NotesForm):
    """Continue as a new client: who they are, so the clinic can reach them."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=160,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    field_order = ["name", "email", "phone", "notes"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
