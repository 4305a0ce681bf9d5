"""Staff members in the Wagtail admin, with their weekly schedule and time off, edited on
one page (managers edit; front-desk staff may list them; therapists see none of it).

Scoped like every clinic screen (``people.admin_toolkit``); the services, team logins,
photos and locations offered are the staff member's clinic's own. Schedules are local
wall-clock times; time off is typed in the clinic's time zone and stored in UTC. Writes
go through ``booking_api.services.catalogue``.
"""

import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from booking_api.models import Service, StaffMember, TimeOff, WorkingHours
from booking_api.services.catalogue import (
    staff_schedule_replace,
    staff_time_off_replace,
    staff_upsert,
)
from branding.models import Location, Weekday
from people.admin_toolkit.fields import ClinicDateTimeField
from people.admin_toolkit.forms import (
    InlineFormsetPanel,
    WithFormsetsMixin,
    clinic_images,
    unique_key,
)
from people.admin_toolkit.views import ClinicIndexView
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS


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


class StaffMemberViewSet(ClinicModelViewSet):
    model = StaffMember
    name = "booking_staff"
    url_prefix = "bookings/staff"
    icon = "user"
    menu_label = _("Staff")
    menu_name = "booking-staff"
    menu_order = 300
    edit_roles = MANAGERS
    view_roles = FRONT_DESK
    protected_message = _(
        "%(object)s has bookings and cannot be deleted; untick “takes bookings” instead."
    )
    list_display = ["display_name", "user", "active", "clinic"]
    search_fields = ["display_name", "bio"]
    index_view_class = StaffIndexView
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
