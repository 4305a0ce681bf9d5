"""Booking a client into a free slot (front desk), with the client picker's search.
Each look-up (type-ahead or the page's own search) and each showing of the chosen
client is one entry in the audit log."""

import datetime

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.admin.calendar.access import CalendarAccessMixin, clinic_tz
from booking_api.availability import find_slots
from booking_api.models import Service, StaffMember
from booking_api.patch_test_selectors import patch_test_missing
from booking_api.services.staff_actions import staff_booking_create
from branding import clinic_time
from branding.errors import DomainError
from people.admin_toolkit.fields import ClinicDateField
from people.admin_toolkit.workspace import FRONT_DESK
from people.models import AuditAction, ClientAccount
from people.selectors import clinic_clients
from people.services import audit_record


def _audit_lookup(view, query, found):
    audit_record(
        clinic=view.clinic,
        actor=view.request.user,
        action=AuditAction.SEARCH,
        summary=f"Looked up clients for a booking: {query!r}; {found} shown",
        request=view.request,
    )


class ClientSearchView(CalendarAccessMixin, View):
    """Type-ahead for the client picker: up to ten of the clinic's clients as JSON."""

    roles = FRONT_DESK

    def get(self, request):
        query = request.GET.get("q", "").strip()
        if len(query) < 2:
            return JsonResponse({"results": []})
        accounts = list(
            clinic_clients(self.clinic, search=query).filter(archived_at__isnull=True)[:10]
        )
        _audit_lookup(self, query, len(accounts))
        return JsonResponse(
            {
                "results": [
                    {
                        "id": account.pk,
                        "name": account.name,
                        "detail": " · ".join(x for x in (account.user.email, account.phone) if x),
                    }
                    for account in accounts
                ]
            }
        )


class NewBookingForm(forms.Form):
    client = forms.IntegerField(label=gettext_lazy("Client"), widget=forms.HiddenInput)
    service = forms.ModelChoiceField(label=gettext_lazy("Service"), queryset=Service.objects.none())
    staff = forms.ModelChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=StaffMember.objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy("Choose a staff member who performs this service.")
        },
    )
    date = ClinicDateField(label=gettext_lazy("Date"))
    time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_patch_test = forms.BooleanField(
        label=gettext_lazy("Book without a valid patch test"), required=False
    )
    override = forms.BooleanField(
        label=gettext_lazy("Book anyway (outside the offered times)"), required=False
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for booking outside the offered times"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Kept on the booking and in the audit trail."),
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["service"].queryset = Service.objects.filter(clinic=clinic, active=True)
        staff = StaffMember.objects.filter(clinic=clinic, active=True)
        # Only those who perform the chosen service, shown and accepted (the page's script
        # narrows the list again when the service changes).
        service_id = str((self.data if self.is_bound else self.initial).get("service") or "")
        if service_id.isdigit():
            staff = staff.filter(services__pk=int(service_id))
        self.fields["staff"].queryset = staff.order_by("display_name")
        self.client_account = None

    def staff_by_service(self):
        """``{service id: [[staff id, name], ...]}`` for the page's script: who performs
        each of the clinic's active services (one query)."""
        mapping = {str(service.pk): [] for service in self.fields["service"].queryset}
        rows = StaffMember.objects.filter(
            clinic=self.clinic, active=True, services__pk__in=[int(k) for k in mapping]
        ).values_list("services__pk", "pk", "display_name")
        for service_id, staff_id, name in rows.order_by("display_name"):
            mapping[str(service_id)].append([staff_id, name])
        return mapping

    def clean_client(self):
        account = (
            ClientAccount.objects.filter(clinic=self.clinic, pk=self.cleaned_data["client"])
            .select_related("user")
            .first()
        )
        if account is None:
            raise forms.ValidationError(_("Choose a client of this clinic."))
        self.client_account = account
        return account

    def start(self):
        data = self.cleaned_data
        return datetime.datetime.combine(data["date"], data["time"], tzinfo=clinic_tz(self.clinic))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        missing = patch_test_missing(
            self.clinic, cleaned["client"], cleaned["service"], cleaned["date"]
        )
        if missing and not cleaned.get("override_patch_test"):
            self.add_error(
                "override_patch_test",
                _(
                    "%(client)s has no passed patch test in the %(months)s months before this "
                    "appointment. Tick the box to book anyway."
                )
                % {
                    "client": cleaned["client"].name,
                    "months": cleaned["service"].patch_test_months,
                },
            )
        return cleaned


class NewBookingView(CalendarAccessMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "booking_api/admin/booking_new.html"
    page_title = gettext_lazy("New booking")
    header_icon = "date"
    roles = FRONT_DESK
    form_class = NewBookingForm

    def get_page_subtitle(self):
        return self.clinic.name

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["clinic"] = self.clinic
        return kwargs

    def get_initial(self):
        params = self.request.GET
        initial = {
            key: params[key]
            for key in ("staff", "date", "time", "service", "client")
            if params.get(key)
        }
        return initial

    def _free_times(self, form):
        """Free start times for the chosen service, staff member and day, from the same
        engine that takes the booking (staff ignore online notice and horizon)."""
        data = form.data if form.is_bound else form.initial
        try:
            service = Service.objects.get(clinic=self.clinic, pk=int(data.get("service")))
            staff = StaffMember.objects.get(clinic=self.clinic, pk=int(data.get("staff")))
            # A posted form's widget reads the clinic's order as ISO; "Show free times"
            # comes back as the page's query string, typed as the person sees it.
            typed = str(form["date"].value() or "")
            day = clinic_time.parse_date_input(typed) or datetime.date.fromisoformat(typed)
        except (TypeError, ValueError, Service.DoesNotExist, StaffMember.DoesNotExist):
            return None
        slots = find_slots(
            clinic=self.clinic,
            service=service,
            date_from=day,
            date_to=day,
            staff_ids=[staff.pk],
            apply_policy=False,
        )
        return [slot.start.astimezone(clinic_tz(self.clinic)) for slot in slots]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        data = form.data if form.is_bound else form.initial
        client_id = str(data.get("client") or "")
        context["chosen_client"] = (
            ClientAccount.objects.filter(clinic=self.clinic, pk=int(client_id))
            .select_related("user")
            .first()
            if client_id.isdigit()
            else None
        )
        # Links that keep what was typed so far and choose one more thing (no JS needed).
        keep = {
            key: str(data.get(key))
            for key in ("client", "service", "staff", "date", "time")
            if data.get(key) not in (None, "")
        }
        if form["date"].value():
            keep["date"] = str(form["date"].value())

        def choose(**change):
            return "?" + urlencode({**keep, **change})

        query = self.request.GET.get("q", "").strip()
        matches = clinic_clients(self.clinic, search=query).filter(archived_at__isnull=True)
        context["query"] = query
        context["matches"] = [
            (account, choose(client=account.pk)) for account in (matches[:10] if query else [])
        ]
        if query:
            _audit_lookup(self, query, len(context["matches"]))
        elif context["chosen_client"] is not None:
            chosen = context["chosen_client"]
            audit_record(
                clinic=self.clinic,
                actor=self.request.user,
                action=AuditAction.VIEW,
                client=chosen,
                summary=f"Chose {chosen.name} for a new booking",
                request=self.request,
            )
        free = self._free_times(form)
        context["free_times"] = (
            None
            if free is None
            else [(clinic_time.format_time(t), choose(time=f"{t:%H:%M}")) for t in free]
        )
        # "Book anyway" with a reason, when the chosen time is not one the engine offers
        # (or the engine just refused it).
        chosen = str(form["time"].value() or "")[:5]
        context["offer_override"] = bool(
            form.errors.get("time")
            or form.errors.get("override_reason")
            or (free is not None and chosen and chosen not in {f"{t:%H:%M}" for t in free})
            or form["override"].value()
        )
        context["staff_by_service"] = form.staff_by_service()
        context["search_url"] = reverse("booking_calendar:client_search")
        context["calendar_url"] = reverse("booking_calendar:calendar")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            booking = staff_booking_create(
                clinic=self.clinic,
                client=data["client"],
                service=data["service"],
                staff=data["staff"],
                start=form.start(),
                notes=data["notes"],
                actor=self.request.user,
                request=self.request,
                override_reason=(data["override_reason"] or " ") if data["override"] else "",
            )
        except DomainError as exc:
            field = {"start": "time"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return self.form_invalid(form)
        local = booking.start.astimezone(clinic_tz(self.clinic))
        messages.success(
            self.request,
            _("Booked %(service)s for %(client)s on %(when)s.")
            % {
                "service": booking.service.name,
                "client": booking.client.name,
                "when": clinic_time.format_datetime(local, "weekday"),
            },
        )
        return redirect(
            reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": local.date().isoformat()})
        )
