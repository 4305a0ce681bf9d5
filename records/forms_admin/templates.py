"""Consent and intake form templates, edited by the clinic's managers in the Wagtail
admin (Clinic → Forms). Scoped to the admin clinic like locations: another clinic's
template is not there (404); the services offered are the clinic's own."""

from django import forms
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from people.admin_toolkit.views import ClinicDeleteView
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import MANAGERS
from records.models import FormTemplate

Service = FormTemplate._meta.get_field("services").related_model


class FormTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "services" in self.fields:
            self.fields["services"].queryset = Service.objects.filter(
                clinic_id=self.instance.clinic_id
            ).order_by("name")

    def clean_title(self):
        title = self.cleaned_data["title"]
        siblings = FormTemplate.objects.filter(clinic_id=self.instance.clinic_id).exclude(
            pk=self.instance.pk
        )
        if siblings.filter(title__iexact=title).exists():
            raise forms.ValidationError(_("This clinic already has a form with this title."))
        return title

    def clean_fields(self):
        fields = self.cleaned_data["fields"]
        for block in fields:
            if block.block_type == "choice" and len(set(block.value["choices"])) < 2:
                raise forms.ValidationError(
                    _("“%(q)s” needs at least two different choices.") % {"q": block.value["label"]}
                )
        return fields

    def validate_constraints(self):
        # The unique title is checked above, naming the field.
        pass


class FormTemplateDeleteView(ClinicDeleteView):
    def form_valid(self, form):
        try:
            return super(ClinicDeleteView, self).form_valid(form)
        except ProtectedError:
            # Signed forms keep their template: retire it instead.
            messages.error(
                self.request,
                _("“%(form)s” has been signed, so it is kept. Untick “active” to retire it.")
                % {"form": self.object},
            )
            return redirect(self.get_success_url())


class FormTemplateViewSet(ClinicModelViewSet):
    model = FormTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Forms")
    url_prefix = "clinic/forms"
    name = "clinic_forms"
    list_display = ["title", "kind", "valid_for_months", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["title"]
    delete_view_class = FormTemplateDeleteView
    edit_roles = MANAGERS  # linked from the Clinic menu by records' menu hook

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("title"), FieldPanel("kind")]),
            FieldPanel("intro"),
            FieldPanel("fields"),
            FieldRowPanel([FieldPanel("valid_for_months"), FieldPanel("active")]),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=FormTemplateForm,
    )
