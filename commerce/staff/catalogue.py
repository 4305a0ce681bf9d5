"""The manager's packages in the admin: a model viewset scoped to the admin clinic
(another clinic's row answers 404, a new row belongs to the admin clinic, only the
clinic's own services are offered), price typed in the clinic's currency."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column

from booking_api.models import Service
from branding.money import format_money
from commerce.models import PackagePlan
from people.admin_toolkit.fields import MoneyField
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS


class PackagePlanForm(WagtailAdminModelForm):
    price = MoneyField(label=_("Price"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["price"].currency = clinic.currency
        self.fields["price"].label = f"{_('Price')} ({clinic.currency})"
        self.fields["services"].queryset = Service.objects.filter(clinic=clinic)

    def clean_sessions(self):
        sessions = self.cleaned_data.get("sessions")
        if not sessions:
            raise forms.ValidationError(_("A package has at least one session."))
        return sessions

    def clean_validity_days(self):
        days = self.cleaned_data.get("validity_days")
        if not days:
            raise forms.ValidationError(_("A package is valid for at least one day."))
        return days


def _price(plan):
    return format_money(plan.price, plan.clinic.currency)


class PackagePlanViewSet(ClinicModelViewSet):
    model = PackagePlan
    name = "commerce_packages"
    url_prefix = "shop/packages"
    icon = "list-ol"
    menu_label = _("Packages")
    menu_name = "shop-packages"
    menu_order = 100
    edit_roles = MANAGERS
    view_roles = FRONT_DESK
    protected_message = _("%(object)s has been sold and cannot be deleted; untick “on sale”.")
    list_display = [
        "name",
        "sessions",
        Column("price", label=_("Price"), accessor=_price),
        "validity_days",
        "active",
    ]
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("sessions"), FieldPanel("price")]),
            FieldRowPanel([FieldPanel("validity_days"), FieldPanel("position")]),
            FieldPanel("no_show_uses_session"),
            FieldPanel("active"),
        ],
        base_form_class=PackagePlanForm,
    )
