"""The manager's loyalty setup in the admin: the rewards catalogue and the tiers (model
viewsets scoped to the admin clinic, like the booking catalogue: another clinic's row
answers 404, a new row belongs to the admin clinic, the services offered are the
clinic's own), and the programme's unit and earn rules."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from booking_api.admin_views import (
    ClinicCreateView,
    ClinicDeleteView,
    ClinicEditView,
    ClinicIndexView,
    ManagersOnlyPolicy,
    MoneyField,
)
from booking_api.models import Service
from loyalty.errors import LoyaltyError
from loyalty.models import LoyaltyProgramme, Reward, RewardKind, Tier
from loyalty.services import programme_upsert
from people.admin_views import MANAGERS, ClinicWorkspaceMixin


class RewardForm(WagtailAdminModelForm):
    amount_off = MoneyField(label=_("Amount off"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["amount_off"].currency = clinic.currency
        self.fields["amount_off"].label = f"{_('Amount off')} ({clinic.currency})"
        self.fields["services"].queryset = Service.objects.filter(clinic=clinic)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RewardKind.AMOUNT_OFF and not data.get("amount_off"):
            self.add_error("amount_off", _("Enter the amount this reward takes off."))
        if kind == RewardKind.PERCENT_OFF and not data.get("percent_off"):
            self.add_error("percent_off", _("Enter the percentage this reward takes off."))
        if kind == RewardKind.FREE_SERVICE and not data.get("services"):
            self.add_error("services", _("Choose the service this reward gives for free."))
        if kind != RewardKind.AMOUNT_OFF:
            data["amount_off"] = None
        if kind != RewardKind.PERCENT_OFF:
            data["percent_off"] = None
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


def _cost_column(reward):
    return reward.cost


class RewardViewSet(ModelViewSet):
    model = Reward
    icon = "tag"
    menu_label = _("Rewards catalogue")
    url_prefix = "loyalty/rewards"
    name = "loyalty_rewards"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        Column("cost", label=_("Cost"), accessor=_cost_column),
        "kind",
        "starts_on",
        "ends_on",
        "active",
    ]
    search_fields = ["name", "description"]
    index_view_class = ClinicIndexView
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = type(
        "RewardDeleteView",
        (ClinicDeleteView,),
        {
            "protected_message": _(
                "%(object)s has vouchers or requests and cannot be deleted; untick “active”."
            )
        },
    )
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("cost")]),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("amount_off"), FieldPanel("percent_off")]),
                    FieldPanel("services", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("What it gives"),
            ),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldRowPanel(
                [FieldPanel("voucher_valid_days"), FieldPanel("position"), FieldPanel("active")]
            ),
        ],
        base_form_class=RewardForm,
    )

    @cached_property
    def permission_policy(self):
        return ManagersOnlyPolicy(Reward)


class TierForm(WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        siblings = Tier.objects.filter(clinic_id=self.instance.clinic_id).exclude(
            pk=self.instance.pk
        )
        if data.get("name") and siblings.filter(name__iexact=data["name"].strip()).exists():
            self.add_error("name", _("This clinic already has a tier with this name."))
        if (
            data.get("threshold") is not None
            and siblings.filter(threshold=data["threshold"]).exists()
        ):
            self.add_error("threshold", _("Another tier starts at this number of points."))
        return data


class TierViewSet(ModelViewSet):
    model = Tier
    icon = "order"
    menu_label = _("Tiers")
    url_prefix = "loyalty/tiers"
    name = "loyalty_tiers"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "threshold"]
    index_view_class = ClinicIndexView
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = ClinicDeleteView
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("name"), FieldPanel("threshold")]), FieldPanel("benefits")],
        base_form_class=TierForm,
    )

    @cached_property
    def permission_policy(self):
        return ManagersOnlyPolicy(Tier)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = LoyaltyProgramme
        fields = [
            "active",
            "unit",
            "unit_name",
            "per_currency_unit",
            "per_visit",
            "per_referral",
            "per_review",
            "birthday_bonus",
            "expiry_months",
        ]


class ProgrammeView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, FormView):
    """The clinic's programme: unit and its name, and the earn rules."""

    template_name = "loyalty/admin/programme.html"
    form_class = ProgrammeForm
    roles = MANAGERS
    page_title = _("Loyalty programme")
    header_icon = "cog"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = LoyaltyProgramme.objects.filter(
            clinic=self.clinic
        ).first() or LoyaltyProgramme(clinic=self.clinic)
        return kwargs

    def form_valid(self, form):
        try:
            programme_upsert(clinic=self.clinic, **form.cleaned_data)
        except LoyaltyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Loyalty programme saved."))
        return redirect("loyalty_programme")
