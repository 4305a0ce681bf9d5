from django import forms
from django.utils.translation import gettext_lazy as _

from branding.models import Location
from people.admin_toolkit.fields import ClinicDateField
from reports.models import ReportSettings
from reports.periods import MAX_DAYS, Period, default_period


class PeriodForm(forms.Form):
    """The period, location and grouping a report is for (a GET form: the address of a
    report is shareable). Blank fields take the last four weeks, every location, by day."""

    date_from = ClinicDateField(label=_("From"), required=False)
    date_to = ClinicDateField(label=_("To"), required=False)
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All locations"),
    )
    by = forms.ChoiceField(
        label=_("Group by"), choices=[("day", _("Day")), ("week", _("Week"))], required=False
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["location"].queryset = Location.objects.filter(clinic=clinic)
        self.default = default_period(clinic)

    def clean(self):
        data = super().clean()
        first = data.get("date_from") or self.default.first
        last = data.get("date_to") or self.default.last
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if last < first:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error(
                "date_to", _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}
            )
        else:
            data["period"] = Period(first, last, self.default.tz)
        return data

    def query_values(self):
        """The report's choices, cleaned (or the defaults when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("period") or self.default,
            data.get("location"),
            data.get("by") or "day",
        )


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["rebooking_window_days", "prize_window_days", "point_value"]
