"""The manager's loyalty setup in the admin: the rewards catalogue and the tiers (model
viewsets scoped to the admin clinic, like the booking catalogue: another clinic's row
answers 404, a new row belongs to the admin clinic, the services offered are the
clinic's own), and the programme's unit and earn rules."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.models import Service
from loyalty.errors import LoyaltyError
from loyalty.models import LoyaltyProgramme, Reward, RewardKind, Tier
from loyalty.services import programme_upsert
from people.admin_toolkit.fields import MoneyField
from people.admin_toolkit.views import form_add_domain_error
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import MANAGERS, ClinicWorkspaceMixin


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


class RewardViewSet(ClinicModelViewSet):
    model = Reward
    name = "loyalty_rewards"
    url_prefix = "loyalty/rewards"
    icon = "tag"
    menu_label = _("Rewards catalogue")
    menu_name = "loyalty-rewards"
    menu_order = 200
    edit_roles = MANAGERS
    protected_message = _(
        "%(object)s has vouchers or requests and cannot be deleted; untick “active”."
    )
    list_display = [
        "name",
        Column("cost", label=_("Cost"), accessor=_cost_column),
        "kind",
        "starts_on",
        "ends_on",
        "active",
    ]
    search_fields = ["name", "description"]
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


class TierViewSet(ClinicModelViewSet):
    model = Tier
    name = "loyalty_tiers"
    url_prefix = "loyalty/tiers"
    icon = "order"
    menu_label = _("Tiers")
    menu_name = "loyalty-tiers"
    menu_order = 300
    edit_roles = MANAGERS
    list_display = ["name", "threshold"]
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("name"), FieldPanel("threshold")]), FieldPanel("benefits")],
        base_form_class=TierForm,
    )


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
            "points_from_practice",
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
            form_add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Loyalty programme saved."))
        return redirect("loyalty_programme")
