"""The booking catalogue in the Wagtail admin: service categories (managers) and services
(managers edit; front-desk staff may list them; therapists see neither).

Scoped like every clinic screen (``people.admin_toolkit``): lists hold only the rows of
the clinics the person works at, another clinic's row answers 404, a new row belongs to
the request's admin clinic, and every choice a form offers (categories, locations, staff,
images) comes from the row's own clinic. Money is typed as a decimal amount in the
clinic's currency ("45.00") and stored in integer minor units (4500), never through a
float. Writes go through ``booking_api.services.catalogue``.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column

from booking_api.admin.widgets import ServiceColourWidget
from booking_api.models import Service, ServiceCategory, StaffMember
from booking_api.services.catalogue import service_upsert
from branding.models import Location
from branding.money import amount_for_input, format_money
from people.admin_toolkit.fields import MoneyField
from people.admin_toolkit.forms import clinic_images, unique_key
from people.admin_toolkit.views import ClinicIndexView
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS

# --- Service categories --------------------------------------------------------------


class ServiceCategoryForm(WagtailAdminModelForm):
    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        siblings = ServiceCategory.objects.filter(clinic_id=self.instance.clinic_id).exclude(
            pk=self.instance.pk
        )
        if siblings.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("This clinic already has a category with this name."))
        return name


class ServiceCategoryViewSet(ClinicModelViewSet):
    model = ServiceCategory
    name = "booking_categories"
    url_prefix = "bookings/categories"
    icon = "folder-open-inverse"
    menu_label = _("Service categories")
    menu_name = "booking-categories"
    menu_order = 200
    edit_roles = MANAGERS
    protected_message = _("%(object)s still has services; move them first.")
    list_display = ["name", "position", "clinic"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("name"), FieldPanel("position")])],
        base_form_class=ServiceCategoryForm,
    )


# --- Services ------------------------------------------------------------------------


SERVICE_FIELDS = [
    "name",
    "category",
    "description",
    "duration_minutes",
    "price",
    "deposit",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "slot_step_minutes",
    "colour",
    "active",
    "image",
    "patch_test_months",
    "is_patch_test",
    "rebooking_interval",
]


class ServiceForm(WagtailAdminModelForm):
    """A service of the instance's clinic. The clinic and the key are never fields: the
    view sets the clinic, and the key is made from the name when the service is created
    (it is how imports recognise the service, so it does not change afterwards)."""

    price = MoneyField(label=_("Price"))
    deposit = MoneyField(
        label=_("Deposit"),
        required=False,
        help_text=_("Taken when booking. Leave empty for no deposit; at most the price."),
    )
    rebooking_interval = forms.IntegerField(
        label=_("Rebook after (weeks)"),
        required=False,
        min_value=1,
        max_value=520,
        help_text=_(
            "Clients whose last visit for this service is this old, with nothing booked, "
            "get the “due for your next treatment” nudge. Leave empty for none."
        ),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Performed by"),
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        for name in ("price", "deposit"):
            field = self.fields[name]
            field.currency = clinic.currency
            field.label = f"{field.label} ({clinic.currency})"
        self.fields["category"].queryset = ServiceCategory.objects.filter(clinic=clinic)
        self.fields["locations"].queryset = Location.objects.filter(clinic=clinic)
        self.fields["staff"].queryset = StaffMember.objects.filter(clinic=clinic)
        if "image" in self.fields:
            self.fields["image"].queryset = clinic_images(clinic)
        if self.instance.pk:
            self.initial.setdefault("staff", list(self.instance.staff.all()))
        interval = self.instance.rebooking_interval
        self.initial["rebooking_interval"] = interval.days // 7 if interval else None

    def clean_rebooking_interval(self):
        # Typed in whole weeks (the way clinics speak of it), stored as a duration.
        weeks = self.cleaned_data.get("rebooking_interval")
        return datetime.timedelta(weeks=weeks) if weeks else None

    def clean_is_patch_test(self):
        flagged = self.cleaned_data.get("is_patch_test")
        if flagged:
            other = (
                Service.objects.filter(clinic_id=self.instance.clinic_id, is_patch_test=True)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other is not None:
                raise forms.ValidationError(
                    _("%(service)s is already the clinic's patch test."),
                    params={"service": other.name},
                )
        return flagged

    def clean(self):
        cleaned = super().clean()
        price, deposit = cleaned.get("price"), cleaned.get("deposit")
        if price is not None and deposit is not None and deposit > price:
            self.add_error(
                "deposit",
                _("The deposit cannot be more than the price (%(price)s).")
                % {"price": amount_for_input(price, self.instance.clinic.currency)},
            )
        return cleaned

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        clinic = self.instance.clinic
        key = self.instance.key or unique_key(Service, clinic, self.cleaned_data["name"])
        fields = {name: self.cleaned_data[name] for name in SERVICE_FIELDS if name in self.fields}
        service = service_upsert(
            clinic=clinic, key=key, locations=self.cleaned_data["locations"], **fields
        )
        service.staff.set(self.cleaned_data["staff"])
        self.instance = service
        return service


def _price_column(service):
    return format_money(service.price, service.clinic.currency)


class ServiceIndexView(ClinicIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("category")


class ServiceViewSet(ClinicModelViewSet):
    model = Service
    name = "booking_services"
    url_prefix = "bookings/services"
    icon = "list-ul"
    menu_label = _("Services")
    menu_name = "booking-services"
    menu_order = 100
    edit_roles = MANAGERS
    view_roles = FRONT_DESK
    protected_message = _(
        "%(object)s has bookings and cannot be deleted; untick “bookable” instead."
    )
    list_display = [
        "name",
        "category",
        Column("price", label=_("Price"), accessor=_price_column),
        "duration_minutes",
        "active",
        "clinic",
    ]
    search_fields = ["name", "description"]
    index_view_class = ServiceIndexView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("category")]),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("price"), FieldPanel("deposit")]),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("duration_minutes"),
                            FieldPanel("slot_step_minutes"),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("buffer_before_minutes"),
                            FieldPanel("buffer_after_minutes"),
                        ]
                    ),
                ],
                heading=_("Time"),
            ),
            FieldPanel("colour", widget=ServiceColourWidget),
            FieldPanel("locations", widget=forms.CheckboxSelectMultiple),
            FieldPanel("staff"),
            FieldPanel("image"),
            MultiFieldPanel(
                [FieldPanel("patch_test_months"), FieldPanel("is_patch_test")],
                heading=_("Patch test"),
            ),
            FieldPanel("rebooking_interval"),
            FieldPanel("active"),
        ],
        base_form_class=ServiceForm,
    )
