"""The clinic's locations (managers): each with its opening hours and closures, edited on
one page, scoped to the admin clinic."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from branding.models import Closure, Location, OpeningHours
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.forms import InlineFormsetPanel, WithFormsetsMixin
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import MANAGERS


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Closing time must be after opening time."))
        return cleaned

    def validate_constraints(self):
        # The check constraint is reported above, naming the field.
        pass


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["date", "reason"]
        field_classes = {"date": ClinicDateField}


HoursFormSet = inlineformset_factory(
    Location, OpeningHours, form=OpeningHoursForm, extra=2, can_delete=True
)
ClosuresFormSet = inlineformset_factory(
    Location, Closure, form=ClosureForm, extra=1, can_delete=True
)


class LocationForm(WithFormsetsMixin, WagtailAdminModelForm):
    """A location with its opening hours and closures, edited on one page. The clinic is
    never a field: the view sets it from the admin clinic."""

    formset_attrs = ("hours_formset", "closures_formset")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        self.hours_formset = HoursFormSet(data, instance=self.instance, prefix="hours")
        self.closures_formset = ClosuresFormSet(data, instance=self.instance, prefix="closures")

    def _siblings(self):
        return Location.objects.filter(clinic_id=self.instance.clinic_id).exclude(
            pk=self.instance.pk
        )

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self._siblings().filter(key=key).exists():
            raise forms.ValidationError(_("Another location of this clinic has this key."))
        return key

    def clean_is_main(self):
        is_main = self.cleaned_data["is_main"]
        other = self._siblings().filter(is_main=True).first() if is_main else None
        if other:
            raise forms.ValidationError(
                _("%(name)s is already the main location; untick it there first."),
                params={"name": other.name},
            )
        return is_main

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            for formset in (self.hours_formset, self.closures_formset):
                formset.instance = instance
                formset.save()
        return instance


class LocationViewSet(ClinicModelViewSet):
    model = Location
    name = "clinic_locations"
    url_prefix = "clinic/locations"
    icon = "site"
    menu_label = _("Locations")
    menu_name = "clinic-locations"
    menu_order = 200
    edit_roles = MANAGERS
    list_display = ["name", "clinic", "address", "phone", "is_main"]
    search_fields = ["name", "address", "phone"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("key")]),
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("is_main")]),
            InlineFormsetPanel("hours_formset", heading=_("Opening hours")),
            InlineFormsetPanel("closures_formset", heading=_("Closures")),
        ],
        base_form_class=LocationForm,
    )
