"""The "Automations" admin menu: nudges (managers set them up without code: on/off,
channel order, message with a live preview, audience), the clinic's rules and reminder
settings, pets' health due dates (front desk), and texts from unknown numbers held for
staff. Scoped like every clinic screen (``people.admin_toolkit``)."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from automations import rendering
from automations.models import (
    Automation,
    AutomationKind,
    AutomationSettings,
    InboundSms,
    PetHealthDue,
)
from automations.services import nudge_preview, parse_offsets
from booking_api.models import Service
from branding.selectors import feature_enabled
from notifications.models import Channel
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS, ClinicWorkspaceMixin
from people.models import Pet

# --- Automations ---------------------------------------------------------------------


def _clean_channel_order(value):
    channels = [c.strip().lower() for c in (value or "").split(",") if c.strip()]
    unknown = [c for c in channels if c not in Channel.values]
    if not channels or unknown or len(set(channels)) != len(channels):
        raise forms.ValidationError(_("List channels once each, in order, from: push, email, sms."))
    return ",".join(channels)


class AutomationForm(WagtailAdminModelForm):
    tags = forms.CharField(
        label=_("Only clients with one of these tags"),
        required=False,
        help_text=_("Comma-separated; leave empty for every client."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["tags"] = ", ".join(self.instance.tags or [])
        kinds = self.fields["kind"]
        if self.instance.kind != AutomationKind.PET_HEALTH and not feature_enabled(
            self.instance.clinic, "pets"
        ):
            # A clinic without pet profiles has no pets to remind about.
            kinds.choices = [c for c in kinds.choices if c[0] != AutomationKind.PET_HEALTH]
        offered = [value for value, _label in kinds.choices if value]
        self.fields["body_template"].help_text = format_html_join(
            " ",
            '<span data-placeholders-for="{}">{}: {}.</span>',
            (
                (
                    kind,
                    AutomationKind(kind).label,
                    ", ".join("{" + n + "}" for n in rendering.PLACEHOLDERS[kind]),
                )
                for kind in offered
            ),
        )

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean_channel_order(self):
        return _clean_channel_order(self.cleaned_data["channel_order"])

    def clean_offsets_days(self):
        value = self.cleaned_data["offsets_days"]
        parts = [p.strip() for p in (value or "").split(",") if p.strip()]
        if not all(p.isdigit() and int(p) <= 365 for p in parts):
            raise forms.ValidationError(_("Whole days from 0 to 365, separated by commas."))
        return ",".join(parts)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        for name in ("title_template", "body_template"):
            if kind and cleaned.get(name):
                try:
                    rendering.template_check(cleaned[name], kind)
                except rendering.TemplateProblem as problem:
                    self.add_error(name, str(problem))
        return cleaned


class AutomationViewSet(ClinicModelViewSet):
    model = Automation
    name = "automations"
    url_prefix = "automations/nudges"
    icon = "mail"
    menu_label = _("Nudges")
    menu_name = "automations-nudges"
    menu_order = 100
    edit_roles = MANAGERS
    list_display = ["name", "kind", "enabled", "channel_order", "clinic"]
    list_filter = ["kind", "enabled"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("enabled")]),
            FieldPanel("channel_order"),
            MultiFieldPanel(
                [
                    FieldPanel("title_template"),
                    FieldPanel("body_template"),
                    HelpPanel(template="automations/admin/preview_panel.html"),
                ],
                heading=_("Message"),
            ),
            MultiFieldPanel(
                [FieldPanel("tags"), FieldPanel("vip_only")],
                heading=_("Audience"),
            ),
            MultiFieldPanel(
                [FieldPanel("months"), FieldPanel("offsets_days")],
                heading=_("When"),
            ),
        ],
        base_form_class=AutomationForm,
    )


class PreviewView(ClinicWorkspaceMixin, View):
    """The live preview: the typed title and message filled for a sample patient, as
    the email and the SMS would read (JSON), or the problem naming the field."""

    roles = MANAGERS

    def post(self, request):
        kind = request.POST.get("kind")
        if not kind:  # a new nudge before its kind is chosen: nothing to fill yet
            return JsonResponse({"hint": str(_("Choose a kind to see the preview."))})
        if kind not in AutomationKind.values:
            return JsonResponse({"detail": str(_("Choose a kind.")), "field": "kind"}, status=400)
        automation = Automation(clinic=self.clinic, kind=kind, months=_int(request.POST, "months"))
        for field in ("title_template", "body_template"):
            try:
                rendering.template_check(request.POST.get(field, ""), kind)
            except rendering.TemplateProblem as problem:
                return JsonResponse({"detail": str(problem), "field": field}, status=400)
        return JsonResponse(
            nudge_preview(
                automation=automation,
                title=request.POST.get("title_template", ""),
                body=request.POST.get("body_template", ""),
            )
        )


def _int(data, name, default=6):
    value = data.get(name, "")
    return int(value) if str(value).isdigit() else default


# --- The clinic's rules and reminders ------------------------------------------------


class AutomationSettingsForm(forms.ModelForm):
    public_review_url = forms.URLField(
        label=_("Public review page"),
        required=False,
        assume_scheme="https",
        help_text=_("Your Google, Trustpilot or other review page."),
    )

    class Meta:
        model = AutomationSettings
        fields = [
            "weekly_cap",
            "quiet_start",
            "quiet_end",
            "reminder_offsets",
            "reminder_email",
            "reminder_sms",
            "reminder_push",
            "sms_confirm",
            "public_review_url",
            "ask_public_review",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_reminder_offsets(self):
        value = self.cleaned_data["reminder_offsets"]
        try:
            offsets = parse_offsets(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Cannot read %(part)s: write hours or minutes such as 24h, 2h, 30m."),
                params={"part": str(exc)},
            ) from exc
        return ", ".join(offsets)


class AutomationSettingsView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    """The rules every nudge keeps (weekly cap, quiet hours), appointment reminders
    (offsets, channels, reply C to confirm) and the public review page."""

    template_name = "automations/admin/settings.html"
    form_class = AutomationSettingsForm
    roles = MANAGERS
    page_title = _("Automation settings")
    header_icon = "cog"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = AutomationSettings.objects.filter(
            clinic=self.clinic
        ).first() or AutomationSettings(clinic=self.clinic)
        return kwargs

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Automation settings saved."))
        return redirect("automation_settings")


# --- Pets' health due dates ----------------------------------------------------------


class PetHealthDueForm(WagtailAdminModelForm):
    due_on = ClinicDateField(label=_("Due on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["pet"].queryset = Pet.objects.active().filter(clinic=clinic)
        self.fields["service"].queryset = Service.objects.filter(clinic=clinic, active=True)


class PetHealthDueViewSet(ClinicModelViewSet):
    model = PetHealthDue
    name = "pet_health_dues"
    url_prefix = "automations/pet-health"
    icon = "calendar-check"
    menu_label = _("Pet health due dates")
    menu_feature = "pets"
    menu_name = "automations-pet-health"
    menu_order = 200
    edit_roles = FRONT_DESK
    list_display = ["pet", "name", "due_on", "done", "clinic"]
    list_filter = ["done"]
    search_fields = ["name", "pet__name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("pet"), FieldPanel("name")]),
            FieldRowPanel([FieldPanel("due_on"), FieldPanel("service")]),
            FieldPanel("done"),
        ],
        base_form_class=PetHealthDueForm,
    )


# --- Texts received --------------------------------------------------------------------


class InboundSmsViewSet(ClinicModelViewSet):
    """Every text received, read only; those from unknown numbers are held here for the
    front desk to call back (the answered keywords and replies are listed too)."""

    model = InboundSms
    name = "inbound_sms"
    url_prefix = "automations/texts"
    icon = "comment"
    menu_label = _("Texts received")
    menu_name = "automations-texts"
    menu_order = 300
    edit_roles = ()  # written by the webhook only
    view_roles = FRONT_DESK
    inspect_view_enabled = True
    list_display = ["from_number", "body", "status", "client", "received_at"]
    list_filter = ["status"]
    search_fields = ["from_number", "body"]
    form_fields = ["status"]
