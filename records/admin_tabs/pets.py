"""The "Pets" tab of the client account view (clinics with the ``pets`` feature): the
client's active and inactive pets, add and edit one, take one out of the app, bring it
back, and merge two profiles of one pet."""

from django import forms
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.selectors import feature_enabled
from branding.validators import validate_name
from people.account_tabs import ClientAccountTab
from people.admin_toolkit.fields import ClinicDateField
from people.models import AuditAction, Species
from people.pet_selectors import clinic_pet, duplicate_pairs, pets_for_client
from people.pet_services import (
    pet_create,
    pet_deactivate,
    pet_merge,
    pet_reactivate,
    pet_update,
)
from people.services import audit_changes
from records.admin_tabs.base import ClientActionView, ClientRecordMixin

TAB = "pets"
FIELDS = ("name", "species", "breed", "date_of_birth", "notes")


class StaffPetForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80, validators=[validate_name])
    species = forms.ChoiceField(label=gettext_lazy("Species"), choices=Species.choices)
    breed = forms.CharField(label=gettext_lazy("Breed"), max_length=80, required=False)
    date_of_birth = ClinicDateField(label=gettext_lazy("Date of birth"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Owner's notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _snapshot(pet):
    return {name: getattr(pet, name) for name in FIELDS}


class PetsFeatureMixin(ClientRecordMixin):
    def get_pet(self):
        pet = clinic_pet(self.clinic, self.kwargs["pet_id"])
        if pet is None or pet.owner_id != self.account.pk:
            raise Http404(_("No such pet."))
        return pet


def _require_feature(view):
    if not feature_enabled(view.clinic, "pets"):
        raise Http404(_("This clinic does not keep pet profiles."))


class PetFormView(PetsFeatureMixin, WagtailAdminTemplateMixin, FormView):
    """Add a pet (no ``pet_id``) or edit one."""

    template_name = "records/admin/tabs/pet_form.html"
    form_class = StaffPetForm
    header_icon = "folder-open-inverse"

    def get(self, request, *args, **kwargs):
        _require_feature(self)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        _require_feature(self)
        return super().post(request, *args, **kwargs)

    @property
    def pet(self):
        if "pet_id" not in self.kwargs:
            return None
        if not hasattr(self, "_pet"):
            self._pet = self.get_pet()
        return self._pet

    def get_page_title(self):
        return _("Edit pet") if self.pet else _("Add a pet")

    def get_page_subtitle(self):
        return self.account.name

    def get_initial(self):
        return _snapshot(self.pet) if self.pet else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(account=self.account, pet=self.pet)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.pet:
                before = _snapshot(self.pet)
                pet = pet_update(pet=self.pet, **data)
                self.audit(
                    AuditAction.CHANGE,
                    f"Edited pet {pet.name}",
                    audit_changes(before, _snapshot(pet)),
                )
            else:
                pet = pet_create(clinic=self.clinic, owner=self.account, **data)
                self.audit(AuditAction.CREATE, f"Added pet {pet.name}")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was saved.") % {"name": pet.name})
        return self.back_to_tab(TAB)


class PetDeactivateView(PetsFeatureMixin, ClientActionView):
    tab = TAB

    def act(self):
        _require_feature(self)
        pet = self.get_pet()
        pet_deactivate(pet=pet)
        self.audit(AuditAction.CHANGE, f"Removed pet {pet.name} from the app")
        return _("%(name)s was removed from the app; the history is kept.") % {"name": pet.name}


class PetReactivateView(PetsFeatureMixin, ClientActionView):
    tab = TAB

    def act(self):
        _require_feature(self)
        pet = self.get_pet()
        pet_reactivate(pet=pet)
        self.audit(AuditAction.CHANGE, f"Brought pet {pet.name} back to the app")
        return _("%(name)s is active again.") % {"name": pet.name}


class PetMergeView(PetsFeatureMixin, ClientActionView):
    """Merge the profile ``duplicate`` into ``keep`` (both POSTed ids of this client's
    pets)."""

    tab = TAB

    def _pet(self, field):
        value = self.request.POST.get(field, "")
        pet = clinic_pet(self.clinic, value) if value.isdigit() else None
        if pet is None or pet.owner_id != self.account.pk:
            raise Http404(_("No such pet."))
        return pet

    def act(self):
        _require_feature(self)
        keep, duplicate = self._pet("keep"), self._pet("duplicate")
        pet = pet_merge(keep=keep, duplicate=duplicate)
        self.audit(
            AuditAction.CHANGE,
            f"Merged pet profile #{duplicate.pk} into #{keep.pk} ({pet.name})",
        )
        return _("The two profiles of %(name)s are now one.") % {"name": pet.name}


def pets_tab_context(request, clinic, account):
    pets = pets_for_client(clinic, account)
    return {
        "active_pets": [p for p in pets if p.active],
        "inactive_pets": [p for p in pets if not p.active],
        "duplicates": duplicate_pairs(pets),
        "add_url": reverse("client_records:pet_add", kwargs={"client_pk": account.pk}),
        "client_pk": account.pk,
    }


def pets_tab():
    return ClientAccountTab(
        key=TAB,
        label=_("Pets"),
        group="client",
        order=60,
        template_name="records/admin/tabs/pets.html",
        get_context=pets_tab_context,
        is_shown=lambda request, clinic, account: feature_enabled(clinic, "pets"),
    )


urlpatterns = [
    path("pets/add/", PetFormView.as_view(), name="pet_add"),
    path("pets/<id:pet_id>/", PetFormView.as_view(), name="pet_edit"),
    path("pets/<id:pet_id>/deactivate/", PetDeactivateView.as_view(), name="pet_deactivate"),
    path("pets/<id:pet_id>/reactivate/", PetReactivateView.as_view(), name="pet_reactivate"),
    path("pets/merge/", PetMergeView.as_view(), name="pet_merge"),
]
