"""Treatment records in the admin: the "Treatment records" section of the appointment
page (``booking_api.appointment_extras``), the form that records or amends one
(opened from the appointment, under the calendar's access rules: a therapist only on
their own appointments), the client account's "Treatment records" tab, and the
clinic's Follow-ups list (overdue, today, upcoming; mark done)."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.admin.calendar.access import CalendarAccessMixin
from branding.errors import DomainError
from people.account_tabs import ClientAccountTab
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.workspace import ClinicWorkspaceMixin, request_admin_role
from people.models import AuditAction
from people.services import audit_record
from records.treatment_selectors import (
    follow_ups_done,
    follow_ups_due,
    treatment_areas,
    treatment_record,
    treatment_records_for_booking,
    treatment_records_for_client,
)
from records.treatment_services import (
    follow_up_mark_done,
    may_amend,
    treatment_record_add,
    treatment_record_amend,
)
from records.workspace.access import ALL_ROLES

TAB = "treatments"
PRODUCT_ROWS = 4
PRODUCT_PARTS = ("name", "batch", "quantity", "unit")


class TreatmentRecordForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Session notes"), widget=forms.Textarea(attrs={"rows": 5})
    )
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Treatment areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_areas = forms.CharField(
        label=gettext_lazy("Other areas"),
        required=False,
        help_text=gettext_lazy("Separate areas with commas."),
    )
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = ClinicDateField(label=gettext_lazy("Follow up on"), required=False)

    def __init__(self, *args, clinic, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The clinic's areas (a vet's body regions, a med-spa's face areas, or its own).
        self.fields["areas"].choices = [(area, area) for area in treatment_areas(clinic)]
        labels = {
            "name": gettext_lazy("Product"),
            "batch": gettext_lazy("Batch (lot) number"),
            "quantity": gettext_lazy("Quantity"),
            "unit": gettext_lazy("Unit"),
        }
        for row in range(PRODUCT_ROWS):
            for part in PRODUCT_PARTS:
                self.fields[f"products.{row}.{part}"] = forms.CharField(
                    label=labels[part], required=False, max_length=200
                )
        if amending:
            self.fields["reason"] = forms.CharField(
                label=gettext_lazy("Reason for the amendment"),
                max_length=300,
                help_text=gettext_lazy("The earlier version is kept."),
            )

    def product_rows(self):
        return [
            [self[f"products.{row}.{part}"] for part in PRODUCT_PARTS]
            for row in range(PRODUCT_ROWS)
        ]

    def values(self):
        data = self.cleaned_data
        others = [a.strip() for a in data.get("other_areas", "").split(",") if a.strip()]
        products = [
            {part: data.get(f"products.{row}.{part}", "") for part in PRODUCT_PARTS}
            for row in range(PRODUCT_ROWS)
        ]
        return {
            "notes": data["notes"],
            "areas": [*data.get("areas", []), *others],
            "products": products,
            "follow_up": data.get("follow_up", ""),
            "follow_up_on": data.get("follow_up_on"),
        }

    @classmethod
    def initial_for(cls, record):
        chosen = set(treatment_areas(record.clinic))
        initial = {
            "notes": record.notes,
            "areas": [a for a in record.areas if a in chosen],
            "other_areas": ", ".join(a for a in record.areas if a not in chosen),
            "follow_up": record.follow_up,
            "follow_up_on": record.follow_up_on,
        }
        for row, product in enumerate(record.products[:PRODUCT_ROWS]):
            for part in PRODUCT_PARTS:
                initial[f"products.{row}.{part}"] = product.get(part, "")
        return initial


class _TreatmentFormView(CalendarAccessMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "records/admin/treatment_form.html"
    form_class = TreatmentRecordForm
    header_icon = "doc-full"
    amending = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "amending": self.amending, "clinic": self.clinic}

    def get_page_subtitle(self):
        return f"{self.booking.client.name} · {self.booking.service.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            booking=self.booking,
            amending=self.amending,
            back_url=reverse("booking_calendar:booking", args=[self.booking.pk]),
        )
        return context

    def form_valid(self, form):
        try:
            self.save(form.values())
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return redirect("booking_calendar:booking", pk=self.booking.pk)


class TreatmentNewView(_TreatmentFormView):
    page_title = gettext_lazy("Record treatment")

    def dispatch(self, request, *args, **kwargs):
        self._booking_pk = kwargs["booking_pk"]
        return super().dispatch(request, *args, **kwargs)

    @property
    def booking(self):
        if not hasattr(self, "_booking"):
            self._booking = self.get_booking(self._booking_pk)
        return self._booking

    def save(self, values):
        treatment_record_add(
            clinic=self.clinic,
            booking=self.booking,
            author=self.request.user,
            request=self.request,
            **values,
        )

    def success_message(self):
        return _("Treatment record saved.")


class TreatmentAmendView(_TreatmentFormView):
    page_title = gettext_lazy("Amend treatment record")
    amending = True

    @property
    def record(self):
        if not hasattr(self, "_record"):
            record = treatment_record(self.clinic, self.kwargs["pk"])
            if record is None or not may_amend(self.clinic, record, self.request.user):
                raise Http404(_("No such treatment record."))
            self._record = record
        return self._record

    @property
    def booking(self):
        if not hasattr(self, "_booking"):
            self._booking = self.get_booking(self.record.booking_id)
        return self._booking

    def get_initial(self):
        return TreatmentRecordForm.initial_for(self.record)

    def save(self, values):
        treatment_record_amend(
            clinic=self.clinic,
            record=self.record,
            actor=self.request.user,
            reason=self.request.POST.get("reason", ""),
            request=self.request,
            **values,
        )

    def success_message(self):
        return _("Treatment record amended; the earlier version is kept.")


def _amendable(request, clinic, records):
    role = request_admin_role(request)
    return {r.pk for r in records if may_amend(clinic, r, request.user, role=role)}


def appointment_treatment_section(request, booking):
    """The appointment page's "Treatment records": this visit's, a button to record one,
    and the client's records from earlier visits."""
    this, earlier = treatment_records_for_booking(booking.clinic, booking)
    return render_to_string(
        "records/admin/_treatment_section.html",
        {
            "booking": booking,
            "records": this,
            "earlier": earlier,
            "amendable": _amendable(request, booking.clinic, this),
        },
        request=request,
    )


def treatments_tab_context(request, clinic, account):
    records = treatment_records_for_client(clinic, account)
    return {
        "records": records,
        "amendable": _amendable(request, clinic, records),
    }


def treatments_tab():
    return ClientAccountTab(
        key=TAB,
        label=_("Treatment records"),
        order=72,
        template_name="records/admin/tabs/treatments.html",
        get_context=treatments_tab_context,
    )


class FollowUpListView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "records/admin/follow_ups.html"
    page_title = gettext_lazy("Follow-ups")
    header_icon = "date"
    roles = ALL_ROLES

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()  # the admin runs on the clinic's clock
        context.update(today=today, showing_done=self.request.GET.get("show") == "done")
        if context["showing_done"]:
            done = follow_ups_done(
                self.clinic, user=self.request.user, role=request_admin_role(self.request)
            )
            context["groups"] = [("done", _("Done"), done)]
            audit_record(
                clinic=self.clinic,
                actor=self.request.user,
                action=AuditAction.VIEW,
                summary=f"Viewed follow-ups done ({len(done)})",
                request=self.request,
            )
            return context
        overdue, due_today, upcoming = follow_ups_due(
            self.clinic,
            user=self.request.user,
            role=request_admin_role(self.request),
            today=today,
        )
        context.update(
            groups=[
                ("overdue", _("Overdue"), overdue),
                ("today", _("Today"), due_today),
                ("upcoming", _("Upcoming (next 30 days)"), upcoming),
            ],
        )
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed follow-ups ({len(overdue)} overdue, {len(due_today)} today, "
            f"{len(upcoming)} upcoming)",
            request=self.request,
        )
        return context


class FollowUpDoneView(ClinicWorkspaceMixin, View):
    http_method_names = ["post"]
    roles = ALL_ROLES

    def post(self, request, pk):
        role = request_admin_role(request)
        overdue, due_today, upcoming = (), (), ()
        record = treatment_record(self.clinic, pk)
        if record is not None and role not in ("manager", "staff"):
            overdue, due_today, upcoming = follow_ups_due(
                self.clinic, user=request.user, role=role, today=timezone.localdate(), days=3650
            )
            if record.pk not in {r.pk for r in (*overdue, *due_today, *upcoming)}:
                record = None
        if record is None:
            raise Http404(_("No such follow-up."))
        follow_up_mark_done(clinic=self.clinic, record=record, actor=request.user, request=request)
        messages.success(
            request, _("Follow-up with %(name)s marked done.") % {"name": record.client.name}
        )
        return redirect("clinic_treatments:follow_ups")


urlpatterns = [
    path("new/<id:booking_pk>/", TreatmentNewView.as_view(), name="new"),
    path("<id:pk>/amend/", TreatmentAmendView.as_view(), name="amend"),
    path("follow-ups/", FollowUpListView.as_view(), name="follow_ups"),
    path("follow-ups/<id:pk>/done/", FollowUpDoneView.as_view(), name="follow_up_done"),
]
