"""The booking wizard's "use a session of your package" choice: offered when the
signed-in client has prepaid cover for the service (``booking_api.coverage``), and
never chosen for them (the first choice is to pay as usual)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking_api.coverage import cover_options
from people.selectors import client_account_for_user


def wizard_package_field(clinic, user, service):
    if not user.is_authenticated:
        return None
    client = client_account_for_user(clinic, user)
    options = cover_options(clinic=clinic, client=client, service=service) if client else []
    if not options:
        return None
    return forms.ChoiceField(
        label=_("Use a session of your package?"),
        choices=[("", _("No, pay as usual")), *((o.ref, o.label) for o in options)],
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
