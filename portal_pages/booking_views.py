"""My bookings: upcoming and past visits, a booking's page and calendar file, and
rescheduling or cancelling under the clinic's policy (also through the signed links in
booking emails)."""

from urllib.parse import urlencode

from django.contrib import messages
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
    booking_check_in,
    booking_reschedule,
    cancellation_quote,
    quote_lines,
)
from booking_api.services.policy import reschedule_refusal, reschedules_left
from branding import clinic_time
from branding.errors import DomainError
from branding.selectors import clinic_policy, feature_enabled
from commerce.orders.selectors import client_orders
from commerce.selectors import client_purchases
from payments.selectors import attach_receipts
from people.selectors import client_account_for_user
from portal_pages import selectors
from portal_pages.access import feature_required, own_booking, signed_in, visitor_page
from portal_pages.forms import CancelForm
from portal_pages.params import parse_date, parse_month, parse_start


@signed_in
def my_bookings(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    return render(
        request,
        "portal_pages/bookings/list.html",
        {
            "upcoming": selectors.client_bookings(clinic, client, when="upcoming"),
            # Cancelled for a time still to come: their own list, not the past's.
            "cancelled": selectors.client_bookings(clinic, client, when="cancelled"),
            # Reschedule is offered only while moves are left (reschedules_left's limit).
            "reschedule_limit": clinic_policy(clinic).reschedule_limit,
        },
    )


@feature_required("history")
@signed_in
def booking_history(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    return render(
        request,
        "portal_pages/bookings/history.html",
        {
            "past": attach_receipts(
                selectors.client_bookings(clinic, client, when="past", limit=200)
            ),
            # What else they bought (packages…), with receipts: money records stay
            # visible even after the clinic stops selling.
            "purchases": client_purchases(clinic, client, paid_only=True) if client else [],
            # Orders of products and refills, where the clinic takes them.
            "orders": client_orders(clinic, client)
            if client and feature_enabled(clinic, "orders")
            else [],
        },
    )


@signed_in
def booking_detail(request, reference):
    booking = attach_receipts([own_booking(request, reference)])[0]
    return render(
        request,
        "portal_pages/bookings/detail.html",
        {
            "booking": booking,
            "google_url": google_calendar_link(booking),
            "money": selectors.booking_money_summary(booking),
            "moves_left": reschedules_left(booking),
        },
    )


@signed_in
@require_http_methods(["POST"])
def booking_check_in_view(request, reference):
    """ "I'm here": the signed-in client checks in to their own booking, inside the
    check-in window; back to where they pressed it."""
    booking = own_booking(request, reference)
    try:
        booking_check_in(booking=booking, actor=request.user, by_client=True, via="portal")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You're checked in. Please take a seat; we'll be with you shortly.")
        )
    back = request.POST.get("next")
    if back != reverse("portal:bookings"):
        back = reverse("portal:booking_detail", args=[reference])
    return redirect(back)


@visitor_page
def booking_calendar(request, booking):
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
    return own_booking(request, reference), ""


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
        start = parse_start(request.POST.get("t"), clinic)
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
                _("Your appointment has been moved to %(day)s at %(time)s.")
                % _when_parts(booking.start),
            )
            return redirect(_done_url(request, booking, token))
    context = {
        "booking": booking,
        "token": token,
        "refusal": refusal,
        "moves_left": reschedules_left(booking),
    }
    if not refusal:
        day = request.GET.get("date")
        if day:
            date = parse_date(day)
            context["date"] = date
            context["slots"] = [
                slot
                for slot in selectors.day_slots(
                    clinic,
                    booking.service,
                    date,
                    staff=booking.staff,
                    location=booking.location,
                    ignore_booking_id=booking.pk,
                    client=booking.client,
                )
                if slot.start != booking.start
            ]
            context["slot_groups"] = selectors.slots_by_part_of_day(clinic, context["slots"])
        else:
            context["cal"] = selectors.month_calendar(
                clinic,
                booking.service,
                staff=booking.staff,
                location=booking.location,
                month=parse_month(request.GET.get("month")),
                ignore_booking_id=booking.pk,
                client=booking.client,
            )
    return render(request, "portal_pages/bookings/reschedule.html", context)


def _when_parts(value):
    """Day and time for a sentence, in the clinic's "weekday" style like every other page
    (not Django's "2 p.m."); a time ending in a full stop loses it so the sentence's own stop
    is not doubled."""
    local = timezone.localtime(value)
    return {
        "day": clinic_time.format_date(local, "weekday"),
        "time": clinic_time.format_time(local).rstrip("."),
    }


def _clinic_datetime(clinic, value):
    """A deadline on the booking, on the clinic's clock and in its locale, in the style of
    the booking's own day ("Fri, 4 Dec 2026, 15:00"), as emails and receipts show it."""
    with clinic_time.override(clinic):
        return clinic_time.format_datetime(value, "weekday")


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
            "quote_lines": quote_lines(quote) if quote else [],
            "window_ends": _clinic_datetime(booking.clinic, quote.window_ends_at) if quote else "",
            "cancellable": cancellable,
            "form": form,
        },
    )


def booking_link_done(request, reference):
    """Where a signed link lands after the change, for someone not signed in: just the
    message (the booking's details came by email)."""
    return render(request, "portal_pages/bookings/link_done.html", {})
