"""Forms about pets in the portal: the owner's pet form, and the booking wizard's
"which pet?" choice at clinics with the ``pets`` feature."""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking_api.client_selectors import last_booked_pet_id
from branding.selectors import feature_enabled
from branding.validators import validate_name
from people.models import Species
from people.pet_selectors import active_pets_for_client
from people.selectors import client_account_for_user


class PetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, validators=[validate_name])
    species = forms.ChoiceField(label=_("Species"), choices=Species.choices)
    breed = forms.CharField(label=_("Breed"), max_length=80, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes for the clinic"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the back of your pet's card: likes, fears, diet."),
    )
    # Checked by content in people.images (not by name or declared type), metadata dropped.
    photo_file = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("A JPEG, PNG or WebP picture of your pet."),
    )

    PET_FIELDS = ("name", "species", "breed", "date_of_birth", "notes")

    def pet_data(self):
        return {name: self.cleaned_data[name] for name in self.PET_FIELDS}


ANOTHER_PET = "new"


def _usual_pet(clinic, client, pets):
    """The pet chosen already: the only one, else the one the client last booked for
    (when still active), else none (the client chooses)."""
    if len(pets) == 1:
        return str(pets[0].pk)
    last = last_booked_pet_id(clinic, client)
    return str(last) if any(pet.pk == last for pet in pets) else None


def wizard_pet_fields(clinic, user) -> dict:
    """The booking wizard's pet question at a clinic with the ``pets`` feature: a choice
    of the signed-in client's active pets (the only one chosen already) or "another
    pet", named here and added to their pets with the booking; for a client with none
    yet and for a visitor, the pet's name and species. Nothing where the clinic keeps
    no pets. ``wizard_pet_clean`` asks for the name when "another pet" is chosen."""
    if not feature_enabled(clinic, "pets"):
        return {}
    pets = []
    if user.is_authenticated:
        client = client_account_for_user(clinic, user)
        pets = active_pets_for_client(clinic, client)
    fields = {}
    if pets:
        fields["pet"] = forms.ChoiceField(
            label=_("Which pet is the appointment for?"),
            choices=[(str(pet.pk), pet.name) for pet in pets] + [(ANOTHER_PET, _("Another pet"))],
            initial=_usual_pet(clinic, client, pets),
            widget=forms.RadioSelect(attrs={"data-pet-choice": ""}),
        )
    fields["pet_name"] = forms.CharField(
        label=_("Your pet's name"),
        max_length=80,
        validators=[validate_name],
        required=not pets,
        widget=forms.TextInput(attrs={"data-new-pet": ""}),
    )
    fields["pet_species"] = forms.ChoiceField(
        label=_("Species"),
        choices=Species.choices,
        required=not pets,
        widget=forms.Select(attrs={"data-new-pet": ""}),
    )
    return fields


def wizard_pet_clean(form):
    """The pet the wizard's form names: ``(pet_id, None)`` for one of the client's pets,
    ``(None, {"name", "species"})`` for a pet named now, ``(None, None)`` where pets
    are not asked for. "Another pet" without a name is an error on ``pet_name``."""
    if "pet_name" not in form.fields:
        return None, None
    data = form.cleaned_data
    choice = data.get("pet") or ""
    if choice and choice != ANOTHER_PET:
        return int(choice), None
    name, species = data.get("pet_name"), data.get("pet_species")
    if "pet" in form.fields:  # "another pet": its name and species are needed now
        if not name and "pet_name" not in form.errors:
            form.add_error("pet_name", _("Tell us your pet's name."))
        if not species and "pet_species" not in form.errors:
            form.add_error("pet_species", _("Choose your pet's species."))
    if not (name and species):
        return None, None
    return None, {"name": name, "species": species}
