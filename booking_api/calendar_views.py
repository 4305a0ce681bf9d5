"""The staff calendar in the Wagtail admin: day and week views of all staff or one,
booking a client into a free slot, moving a booking (drag and drop or a form) or giving
it to someone else, and the appointment page where therapists run the lifecycle and
write session notes. Also recording patch tests from the client's account.

Every view works on the request's admin clinic only; a booking or client of another
clinic is not found (404). Front desk (managers and staff) see and change everything;
a therapist sees only the bookings of the staff profile they sign in as, may start,
complete or mark no-show and write notes on those, and never creates, moves, reassigns
or cancels. Writes go through ``booking_api.services.staff_actions`` (audited)."""

import datetime
import zoneinfo

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.availability import find_slots
from booking_api.calendar_selectors import (
    booking_session_notes,
    calendar_bookings,
    calendar_for,
    calendar_staff,
    client_history,
    client_session_notes,
    staff_for_user,
)
from booking_api.lifecycle import TRANSITIONS
from booking_api.models import BookingStatus, PatchTestResult, Service, StaffMember
from booking_api.patch_test_selectors import patch_test_missing
from booking_api.services.patch_tests import patch_test_record
from booking_api.services.staff_actions import (
    STAFF_ACTIONS,
    session_note_add,
    staff_booking_action,
    staff_booking_create,
    staff_booking_move,
)
from branding.errors import DomainError
from people.admin_views import FRONT_DESK, ClinicWorkspaceMixin, request_admin_role
from people.models import AuditAction, ClientAccount, StaffRole
from people.selectors import clinic_clients, notes_for_client
from people.services import audit_record

CALENDAR_ROLES = (*FRONT_DESK, StaffRole.THERAPIST)
THERAPIST_ACTIONS = ("start", "complete", "no_show")
FRONT_DESK_ACTIONS = ("confirm", *THERAPIST_ACTIONS, "cancel")


def _clinic_tz(clinic):
    return zoneinfo.ZoneInfo(clinic.timezone)


def _parse_day(value, default):
    """A ``YYYY-MM-DD`` date from the query string; anything else (or a year the
    calendar's previous/next links would overflow on) is ``default``."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default
    return day if 1900 <= day.year <= 2999 else default


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


class CalendarAccessMixin(ClinicWorkspaceMixin):
    """Works out what the viewer may see: ``self.own_staff_ids`` is None for front desk
    (every booking of the clinic) or the therapist's own staff ids."""

    roles = CALENDAR_ROLES

    @cached_property
    def is_front_desk(self):
        return request_admin_role(self.request) in FRONT_DESK

    @cached_property
    def own_staff_ids(self):
        if self.is_front_desk:
            return None
        return staff_for_user(self.clinic, self.request.user)

    def get_booking(self, pk):
        return get_object_or_404(
            calendar_bookings(self.clinic, staff_ids=self.own_staff_ids), pk=pk
        )

    def get_breadcrumbs_items(self):
        items = [
            *super().get_breadcrumbs_items(),
            {"url": reverse("booking_calendar:calendar"), "label": _("Calendar")},
        ]
        if not isinstance(self, CalendarView):
            items.append({"url": "", "label": self.get_page_title()})
        return items

    @property
    def allowed_actions(self):
        return FRONT_DESK_ACTIONS if self.is_front_desk else THERAPIST_ACTIONS


# --- The calendar ----------------------------------------------------------------------


class CalendarView(CalendarAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "booking_api/admin/calendar.html"
    page_title = gettext_lazy("Calendar")
    header_icon = "date"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = _clinic_tz(self.clinic)
        today = timezone.localdate(timezone=tz)
        mode = "week" if self.request.GET.get("view") == "week" else "day"
        day = _parse_day(self.request.GET.get("date"), today)
        first_day = day - datetime.timedelta(days=day.weekday()) if mode == "week" else day
        span = 7 if mode == "week" else 1

        own = self.own_staff_ids
        all_staff = calendar_staff(self.clinic, staff_ids=own)
        chosen = self.request.GET.get("staff", "")
        staff_ids = own
        if chosen.isdigit() and any(member.pk == int(chosen) for member in all_staff):
            staff_ids = [int(chosen)]
        calendar = calendar_for(self.clinic, first_day=first_day, days=span, staff_ids=staff_ids)

        def link(**changes):
            params = {"view": mode, "date": day.isoformat(), "staff": chosen, **changes}
            return "?" + urlencode({k: v for k, v in params.items() if v})

        step = datetime.timedelta(days=span)
        context.update(
            calendar=calendar,
            mode=mode,
            day=day,
            first_day=first_day,
            last_day=first_day + step - datetime.timedelta(days=1),
            staff_options=all_staff,
            chosen_staff=chosen,
            prev_url=link(date=(day - step).isoformat()),
            next_url=link(date=(day + step).isoformat()),
            today_url=link(date=today.isoformat()),
            day_url=link(view="day"),
            week_url=link(view="week"),
            can_edit=self.is_front_desk,
            not_linked=own is not None and not own,
            statuses=BookingStatus.choices,
            slot_minutes=15,
        )
        return context


# --- Booking from a free slot -----------------------------------------------------------


class ClientSearchView(CalendarAccessMixin, View):
    """Type-ahead for the client picker: up to ten of the clinic's clients as JSON."""

    roles = FRONT_DESK

    def get(self, request):
        query = request.GET.get("q", "").strip()
        if len(query) < 2:
            return JsonResponse({"results": []})
        accounts = clinic_clients(self.clinic, search=query).filter(archived_at__isnull=True)[:10]
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
        label=gettext_lazy("Staff member"), queryset=StaffMember.objects.none()
    )
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
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

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["service"].queryset = Service.objects.filter(clinic=clinic, active=True)
        self.fields["staff"].queryset = StaffMember.objects.filter(clinic=clinic, active=True)
        self.client_account = None

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
        return datetime.datetime.combine(data["date"], data["time"], tzinfo=_clinic_tz(self.clinic))

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
            day = datetime.date.fromisoformat(str(data.get("date")))
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
        return [f"{slot.start.astimezone(_clinic_tz(self.clinic)):%H:%M}" for slot in slots]

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

        def choose(**change):
            return "?" + urlencode({**keep, **change})

        query = self.request.GET.get("q", "").strip()
        matches = clinic_clients(self.clinic, search=query).filter(archived_at__isnull=True)
        context["query"] = query
        context["matches"] = [
            (account, choose(client=account.pk)) for account in (matches[:10] if query else [])
        ]
        free = self._free_times(form)
        context["free_times"] = None if free is None else [(t, choose(time=t)) for t in free]
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
            )
        except DomainError as exc:
            field = {"start": "time"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return self.form_invalid(form)
        local = booking.start.astimezone(_clinic_tz(self.clinic))
        messages.success(
            self.request,
            _("Booked %(service)s for %(client)s on %(when)s.")
            % {
                "service": booking.service.name,
                "client": booking.client.name,
                "when": date_format(local, "DATETIME_FORMAT"),
            },
        )
        return redirect(
            reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": local.date().isoformat()})
        )


# --- Moving and reassigning ------------------------------------------------------------


class MoveBookingForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=StaffMember.objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy(
                "That staff member does not perform this service or is not taking bookings."
            )
        },
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        self.fields["staff"].queryset = StaffMember.objects.filter(
            clinic=booking.clinic, active=True, services=booking.service
        )


class MoveBookingView(CalendarAccessMixin, WagtailAdminTemplateMixin, FormView):
    """Reschedule and/or reassign. The calendar's drag and drop posts here and reads JSON
    (200 with the new time, or 400/409 with the reason: the box snaps back); the page
    itself is the keyboard-accessible form."""

    template_name = "booking_api/admin/booking_move.html"
    page_title = gettext_lazy("Move booking")
    header_icon = "date"
    roles = FRONT_DESK
    form_class = MoveBookingForm

    def get(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.booking.service.name} · {self.booking.client.name}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["booking"] = self.booking
        return kwargs

    def get_initial(self):
        local = self.booking.start.astimezone(_clinic_tz(self.clinic))
        return {"date": local.date(), "time": local.time(), "staff": self.booking.staff_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booking"] = self.booking
        context["clinic_tz"] = _clinic_tz(self.clinic)
        context["local_start"] = self.booking.start.astimezone(_clinic_tz(self.clinic))
        return context

    def form_invalid(self, form):
        if _wants_json(self.request):
            field, errors = next(iter(form.errors.items()))
            return JsonResponse({"detail": errors[0], "field": field}, status=400)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        start = datetime.datetime.combine(
            data["date"], data["time"], tzinfo=_clinic_tz(self.clinic)
        )
        staff = data["staff"] if data["staff"].pk != self.booking.staff_id else None
        try:
            booking = staff_booking_move(
                booking=self.booking,
                start=start,
                staff=staff,
                actor=self.request.user,
                request=self.request,
            )
        except DomainError as exc:
            if _wants_json(self.request):
                return JsonResponse(exc.as_dict(), status=exc.status)
            field = {"start": "time"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return super().form_invalid(form)
        local = booking.start.astimezone(_clinic_tz(self.clinic))
        message = _("Moved to %(when)s with %(staff)s.") % {
            "when": date_format(local, "DATETIME_FORMAT"),
            "staff": booking.staff.display_name,
        }
        if _wants_json(self.request):
            return JsonResponse(
                {
                    "detail": message,
                    "start": local.isoformat(),
                    "time": f"{local:%H:%M}–{booking.end.astimezone(local.tzinfo):%H:%M}",
                    "staff": booking.staff_id,
                }
            )
        messages.success(self.request, message)
        return redirect(
            reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": local.date().isoformat()})
        )


# --- The appointment page (therapists' workspace) --------------------------------------


class SessionNoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Session notes"), widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BookingDetailView(CalendarAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "booking_api/admin/booking_detail.html"
    page_title = gettext_lazy("Appointment")
    header_icon = "date"

    def get(self, request, *args, **kwargs):
        self.booking = self.get_booking(kwargs["pk"])
        audit_record(
            clinic=self.clinic,
            actor=request.user,
            action=AuditAction.VIEW,
            client=self.booking.client,
            summary=f"Viewed the appointment {self.booking.service.name} "
            f"of {self.booking.client.name}",
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.booking.client.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.booking
        tz = _clinic_tz(self.clinic)
        allowed = self.allowed_actions
        possible = TRANSITIONS[booking.status]
        labels = {
            "confirm": _("Confirm"),
            "start": _("Mark started"),
            "complete": _("Mark completed"),
            "no_show": _("Mark no-show"),
            "cancel": _("Cancel booking"),
        }
        context.update(
            booking=booking,
            clinic_tz=tz,
            local_start=booking.start.astimezone(tz),
            local_end=booking.end.astimezone(tz),
            movable=booking.is_upcoming,
            actions=[
                (action, labels[action]) for action in allowed if STAFF_ACTIONS[action] in possible
            ],
            notes=booking_session_notes(booking),
            earlier_notes=[
                n
                for n in client_session_notes(self.clinic, booking.client)
                if n.booking_id != booking.pk
            ],
            history=client_history(self.clinic, booking.client, exclude_booking_id=booking.pk),
            pinned_notes=_pinned_notes(self.clinic, booking.client),
            note_form=kwargs.get("note_form") or SessionNoteForm(),
            can_edit=self.is_front_desk,
            client_url=reverse("clinic_workspace:client_detail", args=[booking.client_id])
            if self.is_front_desk
            else None,
            calendar_url=reverse("booking_calendar:calendar")
            + "?"
            + urlencode({"date": booking.start.astimezone(tz).date().isoformat()}),
        )
        return context


def _pinned_notes(clinic, client):
    """The client's pinned internal notes (the clients app's notes, pinned first)."""
    return [note for note in notes_for_client(clinic, client) if note.pinned]


class BookingActionView(CalendarAccessMixin, View):
    """POST start / complete / no_show (and for front desk confirm / cancel)."""

    def post(self, request, pk, action):
        booking = self.get_booking(pk)
        if action not in self.allowed_actions:
            raise PermissionDenied
        try:
            booking = staff_booking_action(
                booking=booking,
                action=action,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The booking is now %(status)s.")
                % {"status": booking.get_status_display().lower()},
            )
        return redirect("booking_calendar:booking", pk=pk)


class SessionNoteView(BookingDetailView):
    def post(self, request, pk):
        self.booking = self.get_booking(pk)
        form = SessionNoteForm(request.POST)
        if form.is_valid():
            try:
                session_note_add(
                    booking=self.booking,
                    author=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Session note saved."))
                return redirect("booking_calendar:booking", pk=pk)
        return self.render_to_response(self.get_context_data(note_form=form))

    def get(self, request, *args, **kwargs):
        raise Http404


# --- Patch tests -----------------------------------------------------------------------


class PatchTestForm(forms.Form):
    tested_on = forms.DateField(
        label=gettext_lazy("Date of the test"), widget=forms.DateInput(attrs={"type": "date"})
    )
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=PatchTestResult.choices)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PatchTestAddView(CalendarAccessMixin, View):
    """Record a patch test from the client's "Patch tests" tab."""

    def post(self, request, client_pk):
        account = get_object_or_404(ClientAccount, pk=client_pk, clinic=self.clinic)
        back = reverse("clinic_workspace:client_detail", args=[account.pk]) + "#tab-patch_tests"
        form = PatchTestForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}: {errors[0]}")
            return redirect(back)
        try:
            patch_test_record(
                clinic=self.clinic,
                client=account,
                recorded_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as exc:
            label = form.fields[exc.field].label if exc.field in form.fields else ""
            messages.error(request, f"{label}: {exc.message}" if label else exc.message)
        else:
            messages.success(request, _("Patch test recorded."))
        return redirect(back)


def calendar_urlpatterns():
    return [
        path("", CalendarView.as_view(), name="calendar"),
        path("new/", NewBookingView.as_view(), name="new"),
        path("clients/", ClientSearchView.as_view(), name="client_search"),
        path("<int:pk>/", BookingDetailView.as_view(), name="booking"),
        path("<int:pk>/move/", MoveBookingView.as_view(), name="move"),
        path("<int:pk>/notes/", SessionNoteView.as_view(), name="session_note"),
        path(
            "<int:pk>/<slug:action>/",
            BookingActionView.as_view(),
            name="action",
        ),
        path("patch-tests/<int:client_pk>/", PatchTestAddView.as_view(), name="patch_test_add"),
    ]
