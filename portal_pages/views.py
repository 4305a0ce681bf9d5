"""The portal's self-service pages: the booking wizard and my bookings. Thin: read
through ``portal_pages.selectors``, write through services, translate a DomainError
into a message on the page. A feature that is switched off answers 404."""

import datetime
import functools
import zoneinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from booking_api.action_links import ActionLinkError, booking_from_action_token
from booking_api.calendar_invites import booking_ics, google_calendar_link
from booking_api.lifecycle import UPCOMING_STATUSES
from booking_api.services import (
    BookingError,
    SlotTakenError,
    booking_cancel,
    booking_reschedule,
    cancellation_quote,
)
from booking_api.services.patch_tests import PatchTestRequiredError
from booking_api.services.policy import reschedule_refusal
from branding.errors import DomainError
from branding.selectors import clinic_features
from payments.selectors import attach_receipts, checkout_mode
from people.selectors import client_account_for_user
from portal_pages import selectors
from portal_pages.forms import CancelForm, GuestForm, NotesForm
from portal_pages.pet_forms import wizard_pet_field
from portal_pages.services import portal_booking_create
from records.documents.selectors import forms_missing_for


def feature_required(*names):
    """404 unless the clinic has every named feature switched on."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            features = clinic_features(request.clinic)
            if not all(features.get(name) for name in names):
                raise Http404(_("This page is not available."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _parse_month(value):
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not a date.") from exc


def _parse_start(value, clinic):
    """A slot's start from its epoch seconds (``t``), aware in the clinic's zone."""
    try:
        stamp = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.datetime.fromtimestamp(stamp, zoneinfo.ZoneInfo(clinic.timezone))


def _staff_ref(staff):
    return str(staff.pk) if staff else "any"


# --- Booking wizard ---------------------------------------------------------------------


@feature_required("online_booking")
def book_start(request):
    categories = selectors.wizard_categories(request.clinic)
    if len(categories) == 1:
        return redirect("portal:book_category", category_id=categories[0].pk)
    if not categories:
        return redirect("portal:book_services")
    return render(
        request, "portal_pages/book/categories.html", {"categories": categories, "step": 1}
    )


@feature_required("online_booking")
def book_services(request, category_id=None):
    services = selectors.wizard_services(request.clinic, category_id=category_id)
    category = services[0].category if services and category_id else None
    if category_id and not services:
        raise Http404("No such category.")
    return render(
        request,
        "portal_pages/book/services.html",
        {"services": services, "category": category, "step": 2},
    )


@feature_required("online_booking")
def book_staff(request, service_id):
    service = selectors.wizard_service(request.clinic, service_id)
    return render(
        request,
        "portal_pages/book/staff.html",
        {"service": service, "staff_members": list(service.staff.all()), "step": 3},
    )


def _book_again_fallback(request, service_id, staff_ref):
    # A "Book again" link may name someone who no longer does this service.
    try:
        service = selectors.wizard_service(request.clinic, service_id)
        return service, selectors.wizard_staff(service, staff_ref)
    except Http404:
        if staff_ref == "any":
            raise
        messages.info(request, _("Please choose who you would like to see."))
        raise _Redirect(reverse("portal:book_staff", args=[service_id])) from None


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


@feature_required("online_booking")
def book_date(request, service_id, staff):
    try:
        service, member = _book_again_fallback(request, service_id, staff)
    except _Redirect as go:
        return redirect(go.url)
    cal = selectors.month_calendar(
        request.clinic, service, staff=member, month=_parse_month(request.GET.get("month"))
    )
    return render(
        request,
        "portal_pages/book/date.html",
        {
            "service": service,
            "member": member,
            "staff_ref": _staff_ref(member),
            "cal": cal,
            "step": 4,
        },
    )


@feature_required("online_booking")
def book_time(request, service_id, staff, day):
    service = selectors.wizard_service(request.clinic, service_id)
    member = selectors.wizard_staff(service, staff)
    date = _parse_date(day)
    slots = selectors.day_slots(request.clinic, service, date, staff=member)
    return render(
        request,
        "portal_pages/book/time.html",
        {
            "service": service,
            "member": member,
            "staff_ref": _staff_ref(member),
            "date": date,
            "slots": slots,
            "step": 5,
        },
    )


def confirm_url(service, staff_ref, start):
    query = urlencode({"service": service.pk, "staff": staff_ref, "t": int(start.timestamp())})
    return f"{reverse('portal:book_confirm')}?{query}"


@feature_required("online_booking")
@require_http_methods(["GET", "POST"])
def book_confirm(request):
    clinic = request.clinic
    data = request.POST if request.method == "POST" else request.GET
    service_id = data.get("service")
    if not str(service_id).isdigit():
        return redirect("portal:book")
    service = selectors.wizard_service(clinic, int(service_id))
    staff_ref = data.get("staff") or "any"
    member = selectors.wizard_staff(service, staff_ref)
    start = _parse_start(data.get("t"), clinic)
    if start is None:
        return redirect("portal:book_date", service_id=service.pk, staff=staff_ref)
    times_url = reverse(
        "portal:book_time",
        kwargs={
            "service_id": service.pk,
            "staff": staff_ref,
            "day": start.date().isoformat(),
        },
    )
    signed_in = request.user.is_authenticated
    patch_test_offer = None
    form_class = NotesForm if signed_in else GuestForm
    form = form_class(request.POST or None)
    pet_field = wizard_pet_field(clinic, request.user)
    if pet_field:  # a vet practice: which pet is the appointment for?
        form.fields["pet"] = pet_field
    if request.method == "POST" and form.is_valid():
        guest = None
        if not signed_in:
            guest = {key: form.cleaned_data[key] for key in ("name", "email", "phone")}
        try:
            booking = portal_booking_create(
                clinic=clinic,
                service=service,
                staff=member,
                start=start,
                user=request.user,
                guest=guest,
                notes=form.cleaned_data["notes"],
                pet_id=form.cleaned_data.get("pet") or None,
            )
        except SlotTakenError:
            messages.warning(
                request,
                _("Sorry, that time has just been taken. Here are the times still free."),
            )
            return redirect(times_url)
        except BookingError as exc:
            if exc.field != "start":
                raise
            messages.warning(
                request, _("That time is no longer available. Here are the times still free.")
            )
            return redirect(times_url)
        except PatchTestRequiredError as exc:
            form.add_error(None, exc.message)
            patch_test_offer = exc.patch_test_service  # offered as a button beside the error
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if not signed_in:
                login(
                    request,
                    booking.client.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            if checkout_mode(booking):  # a deposit, full payment or card to save
                return redirect("portal:book_pay", reference=booking.reference)
            return redirect("portal:book_done", reference=booking.reference)
    here = confirm_url(service, staff_ref, start)
    # Forms the service requires and this client has not signed: booking waits for them.
    forms_missing = forms_missing_for(
        clinic, client_account_for_user(clinic, request.user), [service]
    )
    return render(
        request,
        "portal_pages/book/confirm.html",
        {
            "patch_test_offer": patch_test_offer,
            "forms_missing": forms_missing,
            "here": here,
            "service": service,
            "member": member,
            "staff_ref": staff_ref,
            "start": start,
            "stamp": int(start.timestamp()),
            "form": form,
            "times_url": times_url,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
            "step": 6,
        },
    )


def _own_booking(request, reference):
    client = client_account_for_user(request.clinic, request.user)
    return selectors.client_booking_by_reference(request.clinic, client, reference)


def book_done(request, reference):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    booking = _own_booking(request, reference)
    return render(
        request,
        "portal_pages/book/done.html",
        {"booking": booking, "google_url": google_calendar_link(booking), "step": 7},
    )


# --- My bookings ------------------------------------------------------------------------


def _signed_in(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@_signed_in
def my_bookings(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    return render(
        request,
        "portal_pages/bookings/list.html",
        {"upcoming": selectors.client_bookings(clinic, client, when="upcoming")},
    )


@feature_required("history")
@_signed_in
def booking_history(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    return render(
        request,
        "portal_pages/bookings/history.html",
        {
            "past": attach_receipts(
                selectors.client_bookings(clinic, client, when="past", limit=200)
            )
        },
    )


@_signed_in
def booking_detail(request, reference):
    booking = attach_receipts([_own_booking(request, reference)])[0]
    return render(
        request,
        "portal_pages/bookings/detail.html",
        {"booking": booking, "google_url": google_calendar_link(booking)},
    )


@_signed_in
def booking_calendar(request, reference):
    booking = _own_booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response


def _managed_booking(request, reference, action):
    """The booking to reschedule or cancel: by the signed link from an email (no sign-in
    needed), or the signed-in client's own. Returns (booking, token) or a response."""
    token = request.POST.get("token") or request.GET.get("token")
    if token:
        try:
            booking = booking_from_action_token(token, action, clinic=request.clinic)
        except ActionLinkError as exc:
            response = render(
                request, "portal_pages/bookings/link_error.html", {"message": exc.message}
            )
            response.status_code = exc.status
            return response
        if booking.reference != reference:
            raise Http404("No such booking.")
        return booking, token
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _own_booking(request, reference), ""


def _done_url(request, booking, token):
    if token and not request.user.is_authenticated:
        return reverse("portal:booking_link_done", args=[booking.reference])
    return reverse("portal:booking_detail", args=[booking.reference])


@feature_required("self_reschedule")
@require_http_methods(["GET", "POST"])
def booking_reschedule_view(request, reference):
    found = _managed_booking(request, reference, "reschedule")
    if isinstance(found, HttpResponse):
        return found
    booking, token = found
    clinic = request.clinic
    if booking.status not in UPCOMING_STATUSES:
        refusal = _("This booking can no longer be moved.")
    else:
        refusal = reschedule_refusal(booking)
    if request.method == "POST" and not refusal:
        start = _parse_start(request.POST.get("t"), clinic)
        if start is None:
            return redirect(request.path + (f"?{urlencode({'token': token})}" if token else ""))
        try:
            booking = booking_reschedule(
                booking=booking,
                start=start,
                actor=request.user if request.user.is_authenticated else None,
                by_client=True,
            )
        except (SlotTakenError, BookingError) as exc:
            if isinstance(exc, BookingError) and exc.field not in ("start", None):
                raise
            messages.warning(
                request,
                _("Sorry, that time has just been taken. Here are the times still free."),
            )
            query = {"date": start.date().isoformat(), **({"token": token} if token else {})}
            return redirect(f"{request.path}?{urlencode(query)}")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Your appointment has been moved to %(when)s.")
                % {"when": _format_when(booking.start)},
            )
            return redirect(_done_url(request, booking, token))
    context = {"booking": booking, "token": token, "refusal": refusal}
    if not refusal:
        day = request.GET.get("date")
        if day:
            date = _parse_date(day)
            context["date"] = date
            context["slots"] = [
                slot
                for slot in selectors.day_slots(
                    clinic,
                    booking.service,
                    date,
                    staff=booking.staff,
                    ignore_booking_id=booking.pk,
                )
                if slot.start != booking.start
            ]
        else:
            context["cal"] = selectors.month_calendar(
                clinic,
                booking.service,
                staff=booking.staff,
                month=_parse_month(request.GET.get("month")),
                ignore_booking_id=booking.pk,
            )
    return render(request, "portal_pages/bookings/reschedule.html", context)


def _format_when(value):
    from django.utils.formats import date_format

    local = timezone.localtime(value)
    return f"{date_format(local, 'l j F')} {date_format(local, 'TIME_FORMAT')}"


@feature_required("self_cancel")
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request, reference):
    found = _managed_booking(request, reference, "cancel")
    if isinstance(found, HttpResponse):
        return found
    booking, token = found
    cancellable = booking.status in UPCOMING_STATUSES
    quote = cancellation_quote(booking) if cancellable else None
    form = CancelForm(request.POST or None)
    if request.method == "POST" and cancellable and form.is_valid():
        try:
            booking = booking_cancel(
                booking=booking,
                actor=request.user if request.user.is_authenticated else None,
                by_client=True,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your appointment has been cancelled."))
            return redirect(_done_url(request, booking, token))
    return render(
        request,
        "portal_pages/bookings/cancel.html",
        {
            "booking": booking,
            "token": token,
            "quote": quote,
            "cancellable": cancellable,
            "form": form,
        },
    )


def booking_link_done(request, reference):
    """Where a signed link lands after the change, for someone not signed in: just the
    message (the booking's details came by email)."""
    return render(request, "portal_pages/bookings/link_done.html", {})
