"""The booking catalogue in the Wagtail admin: service categories, services, and staff
members with their weekly schedule and time off.

Same rules as the clinic workspace (``people.admin_views``): lists hold only the rows of
the clinics the person works at, another clinic's row answers 404, a new row belongs to
the request's admin clinic, and every choice a form offers (categories, locations,
services, staff, team logins, images) comes from the row's own clinic. Managers edit;
front-desk staff may read the lists of services and staff; therapists see none of it.

Money is typed as a decimal amount in the clinic's currency ("45.00") and stored in
integer minor units (4500), never through a float. Schedules are local wall-clock
times; time off is typed in the clinic's time zone and stored in UTC. Writes go through
``booking_api.services.catalogue``.
"""

import datetime
import zoneinfo

from django import forms
from django.contrib import messages as django_messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.images import get_image_model
from wagtail.models import Collection

from booking_api.models import Service, ServiceCategory, StaffMember, TimeOff, WorkingHours
from booking_api.services.catalogue import (
    service_upsert,
    staff_schedule_replace,
    staff_time_off_replace,
    staff_upsert,
)
from branding.errors import DomainError
from branding.models import Location, Weekday
from branding.money import AmountField, amount_for_input, format_money
from people.admin_views import (
    FRONT_DESK,
    MANAGERS,
    ClinicRolePermissionPolicy,
    InlineFormsetPanel,
    WithFormsetsMixin,
    request_admin_clinic,
    request_admin_role,
)
from people.selectors import clinic_ids_with_role

# --- Money ---------------------------------------------------------------------------


class MoneyField(AmountField):
    """An amount typed in major units ("45.00", "45,00") and cleaned to integer minor
    units (4500) of ``currency``. Parsing and precision are ``branding.money``'s: amounts
    with more decimals than the currency has are refused, not rounded."""


class ClinicDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the clinic's time zone (not the server's or the
    admin user's); cleaned to an aware datetime, which the database keeps in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, tz=datetime.UTC, **kwargs):
        super().__init__(**kwargs)
        self.tz = tz

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)


# --- Permissions and scoping -----------------------------------------------------------


class CatalogueReadOnlyForStaffPolicy(ClinicRolePermissionPolicy):
    """Managers may do anything to their clinics' rows; ``view_roles`` (front desk) may
    only list them."""

    def __init__(self, model, roles=MANAGERS, view_roles=FRONT_DESK):
        super().__init__(model, roles)
        self.view_roles = view_roles

    def _roles(self, actions):
        actions = set(actions)
        roles = set(self.roles) if actions - {"view"} else set()
        if "view" in actions:
            roles |= set(self.view_roles)
        return tuple(sorted(roles))

    def _ids(self, user, actions):
        # Asked once per row by the listing: remember the answer on the request's user.
        cache = user.__dict__.setdefault("_booking_admin_clinic_ids", {})
        roles = self._roles(actions)
        if roles not in cache:
            cache[roles] = clinic_ids_with_role(user, roles)
        return cache[roles]

    def user_has_permission(self, user, action):
        return bool(self._ids(user, [action]))

    def user_has_permission_for_instance(self, user, action, instance):
        return instance.clinic_id in self._ids(user, [action])

    def instances_user_has_any_permission_for(self, user, actions):
        return self.model._default_manager.filter(clinic_id__in=self._ids(user, actions))

    def users_with_any_permission(self, actions):
        return (
            get_user_model().objects.filter(memberships__role__in=self._roles(actions)).distinct()
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        return (
            get_user_model()
            .objects.filter(
                memberships__clinic_id=instance.clinic_id,
                memberships__role__in=self._roles(actions),
            )
            .distinct()
        )


class ManagersOnlyPolicy(CatalogueReadOnlyForStaffPolicy):
    def __init__(self, model):
        super().__init__(model, roles=MANAGERS, view_roles=MANAGERS)


class ClinicScopeMixin:
    """Index: the rows of the clinics the person may view. Edit and delete: of the clinics
    they manage; anything else is simply not there (404)."""

    scope_action = "change"

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, [self.scope_action]
        ).select_related("clinic")

    def get_queryset(self):
        if isinstance(self, generic.IndexView):
            return super().get_queryset()
        return self.get_base_queryset()


class ClinicIndexView(ClinicScopeMixin, generic.IndexView):
    scope_action = "view"


class ClinicCreateView(generic.CreateView):
    """Creates for the request's admin clinic, and only for a manager there."""

    def dispatch(self, request, *args, **kwargs):
        clinic = request_admin_clinic(request)
        if clinic is None or request_admin_role(request) not in MANAGERS:
            raise PermissionDenied
        self.clinic = clinic
        return super().dispatch(request, *args, **kwargs)

    def get_initial_form_instance(self):
        return self.model(clinic=self.clinic)

    def get_page_subtitle(self):
        return self.clinic.name

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:  # a rule the service enforces; nothing was written
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)


class ClinicEditView(ClinicScopeMixin, generic.EditView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)


class ClinicDeleteView(ClinicScopeMixin, generic.DeleteView):
    scope_action = "delete"
    protected_message = _("%(object)s is in use and cannot be deleted.")

    def form_valid(self, form):
        # Rows that others still point at (services of a category, bookings of a
        # service): explained on the edit page instead of a permission error or a crash.
        if self.usage and self.usage.is_protected:
            return self._protected()
        try:
            return super().form_valid(form)
        except ProtectedError:
            return self._protected()

    def _protected(self):
        django_messages.error(self.request, self.protected_message % {"object": self.object})
        return redirect(self.edit_url_name, self.object.pk)


# --- Shared form helpers ----------------------------------------------------------------


def unique_key(model, clinic, name, *, max_length=60):
    """A slug of ``name`` not yet used by another ``model`` row of the clinic."""
    base = slugify(name)[: max_length - 4].strip("-") or model._meta.model_name
    taken = set(
        model.objects.filter(clinic=clinic, key__startswith=base).values_list("key", flat=True)
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def clinic_images(clinic):
    """Images in the clinic's own media collection (and the collections under it)."""
    images = get_image_model().objects.all()
    collection = Collection.objects.filter(name__endswith=f"[{clinic.slug}]").first()
    if collection is None:
        return images.none()
    return images.filter(collection__in=collection.get_descendants(inclusive=True))


class TeamMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} <{user.email}>" if name else user.email


class RangeForm(forms.ModelForm):
    """A row with ``start`` and ``end``: the end must come after the start."""

    end_message = _("Must be after the start.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", self.end_message)
        return cleaned

    def validate_constraints(self):
        # The check constraint (end after start) is reported above, naming the field.
        pass


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


class ServiceCategoryViewSet(ModelViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Service categories")
    url_prefix = "bookings/categories"
    name = "booking_categories"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "position", "clinic"]
    search_fields = ["name"]
    index_view_class = ClinicIndexView
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = type(
        "CategoryDeleteView",
        (ClinicDeleteView,),
        {"protected_message": _("%(object)s still has services; move them first.")},
    )
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("name"), FieldPanel("position")])],
        base_form_class=ServiceCategoryForm,
    )

    @cached_property
    def permission_policy(self):
        return ManagersOnlyPolicy(ServiceCategory)


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
    "active",
    "image",
    "patch_test_months",
    "is_patch_test",
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


class ServiceViewSet(ModelViewSet):
    model = Service
    icon = "list-ul"
    menu_label = _("Services")
    url_prefix = "bookings/services"
    name = "booking_services"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
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
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = type(
        "ServiceDeleteView",
        (ClinicDeleteView,),
        {
            "protected_message": _(
                "%(object)s has bookings and cannot be deleted; untick “bookable” instead."
            )
        },
    )
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
            FieldPanel("locations", widget=forms.CheckboxSelectMultiple),
            FieldPanel("staff"),
            FieldPanel("image"),
            MultiFieldPanel(
                [FieldPanel("patch_test_months"), FieldPanel("is_patch_test")],
                heading=_("Patch test"),
            ),
            FieldPanel("active"),
        ],
        base_form_class=ServiceForm,
    )

    @cached_property
    def permission_policy(self):
        return CatalogueReadOnlyForStaffPolicy(Service)


# --- Staff members -------------------------------------------------------------------


class WorkingHoursForm(RangeForm):
    class Meta:
        model = WorkingHours
        fields = ["weekday", "start", "end", "location"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, locations, main_location_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        field.queryset = locations
        if self.instance.pk is None:
            field.initial = main_location_id


class WorkingHoursFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = []
        for form in self.forms:
            if self._should_delete_form(form) or (
                form.instance.pk is None and not form.has_changed()
            ):
                continue
            data = getattr(form, "cleaned_data", {})
            if all(data.get(k) is not None for k in ("weekday", "start", "end")):
                rows.append((data["weekday"], data["start"], data["end"], form))
        rows.sort(key=lambda row: row[:3])
        for previous, current in zip(rows, rows[1:], strict=False):
            day, start, end, form = current
            if day == previous[0] and start < previous[2]:
                form.add_error(
                    "start",
                    _("Overlaps %(start)s–%(end)s on %(day)s.")
                    % {
                        "start": f"{previous[1]:%H:%M}",
                        "end": f"{previous[2]:%H:%M}",
                        "day": Weekday(day).label,
                    },
                )


class TimeOffForm(RangeForm):
    class Meta:
        model = TimeOff
        fields = ["start", "end", "reason"]

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("start", _("From")), ("end", _("Until"))):
            self.fields[name] = ClinicDateTimeField(label=f"{label} ({tz.key})", tz=tz)


ScheduleFormSet = inlineformset_factory(
    StaffMember,
    WorkingHours,
    form=WorkingHoursForm,
    formset=WorkingHoursFormSet,
    extra=2,
    can_delete=True,
)
TimeOffFormSet = inlineformset_factory(
    StaffMember, TimeOff, form=TimeOffForm, extra=1, can_delete=True
)

STAFF_FIELDS = ["display_name", "bio", "photo", "user", "active"]


def _kept_rows(formset):
    """The cleaned rows that stay: existing rows not ticked for deletion, and filled-in
    new rows (an untouched empty row is not a row)."""
    for form in formset.forms:
        if formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        yield form.cleaned_data


class StaffMemberForm(WithFormsetsMixin, WagtailAdminModelForm):
    """A staff member of the instance's clinic with their weekly schedule and time off,
    edited on one page. Clinic and key are set like a service's."""

    formset_attrs = ("schedule_formset", "time_off_formset")

    user = TeamMemberChoiceField(
        label=_("Admin login"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Optional: the team member who signs in as this person."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["services"].queryset = Service.objects.filter(clinic=clinic)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__clinic=clinic)
            .distinct()
            .order_by("first_name", "last_name", "email")
        )
        if "photo" in self.fields:
            self.fields["photo"].queryset = clinic_images(clinic)
        self.tz = zoneinfo.ZoneInfo(clinic.timezone)
        data = self.data if self.is_bound else None
        locations = Location.objects.filter(clinic=clinic)
        self.schedule_formset = ScheduleFormSet(
            data,
            instance=self.instance,
            prefix="hours",
            form_kwargs={
                "locations": locations,
                "main_location_id": locations.filter(is_main=True)
                .values_list("pk", flat=True)
                .first(),
            },
        )
        self.time_off_formset = TimeOffFormSet(
            data, instance=self.instance, prefix="time_off", form_kwargs={"tz": self.tz}
        )
        self.fields["bio"].widget.attrs.setdefault("rows", 4)

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None:
            other = (
                StaffMember.objects.filter(clinic_id=self.instance.clinic_id, user=user)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other:
                raise forms.ValidationError(
                    _("%(person)s already signs in as %(staff)s."),
                    params={"person": user.email, "staff": other.display_name},
                )
        return user

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        clinic = self.instance.clinic
        key = self.instance.key or unique_key(
            StaffMember, clinic, self.cleaned_data["display_name"]
        )
        fields = {name: self.cleaned_data[name] for name in STAFF_FIELDS if name in self.fields}
        staff = staff_upsert(
            clinic=clinic, key=key, services=self.cleaned_data["services"], **fields
        )
        schedule = {}
        for row in _kept_rows(self.schedule_formset):
            schedule.setdefault(row["weekday"], []).append(
                (row["start"], row["end"], row["location"])
            )
        staff_schedule_replace(staff=staff, schedule=schedule)
        staff_time_off_replace(
            staff=staff,
            periods=[
                (row["start"], row["end"], row.get("reason", ""))
                for row in _kept_rows(self.time_off_formset)
            ],
        )
        self.instance = staff
        return staff


class StaffIndexView(ClinicIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")


class StaffMemberViewSet(ModelViewSet):
    model = StaffMember
    icon = "user"
    menu_label = _("Staff")
    url_prefix = "bookings/staff"
    name = "booking_staff"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["display_name", "user", "active", "clinic"]
    search_fields = ["display_name", "bio"]
    index_view_class = StaffIndexView
    add_view_class = ClinicCreateView
    edit_view_class = ClinicEditView
    delete_view_class = type(
        "StaffDeleteView",
        (ClinicDeleteView,),
        {
            "protected_message": _(
                "%(object)s has bookings and cannot be deleted; untick “takes bookings” instead."
            )
        },
    )
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("display_name"), FieldPanel("user")]),
            FieldPanel("bio"),
            FieldPanel("photo"),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            FieldPanel("active"),
            InlineFormsetPanel(
                "schedule_formset",
                heading=_("Weekly schedule"),
                help_text=_("Local wall-clock times at one of the clinic's locations."),
            ),
            InlineFormsetPanel(
                "time_off_formset",
                heading=_("Time off"),
                help_text=_("In the clinic's time zone."),
            ),
        ],
        base_form_class=StaffMemberForm,
    )

    @cached_property
    def permission_policy(self):
        return CatalogueReadOnlyForStaffPolicy(StaffMember)
