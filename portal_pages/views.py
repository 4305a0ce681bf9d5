"""The booking wizard: service, staff, day, time, details and confirmation. Thin: read
through ``portal_pages.selectors``, write through services, translate a DomainError into
a message on the page. A feature that is switched off answers 404."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from booking_api.action_links import ActionLinkError, booking_from_verify_token
from booking_api.calendar_invites import google_calendar_link
from booking_api.services import (
    BookingError,
    SlotTakenError,
    cancellation_terms,
)
from booking_api.services.patch_tests import PatchTestRequiredError
from branding import clinic_time
from branding.errors import DomainError
from branding.selectors import clinic_policy
from payments.selectors import checkout_mode
from people.selectors import client_account_for_user
from portal_pages import selectors
from portal_pages.access import (
    feature_required,
    rate_limited,
    safe_next_url,
    visitor_booking_remember,
    visitor_page,
)
from portal_pages.forms import GuestForm, NotesForm
from portal_pages.params import parse_date, parse_month, parse_start
from portal_pages.pet_forms import wizard_pet_clean, wizard_pet_fields
from portal_pages.services import (
    guest_booking_hold,
    guest_confirms_by_card,
    guest_hold_confirm,
    guest_hold_minutes,
    portal_booking_create,
)
from portal_pages.shop_forms import wizard_package_field
from records.documents.selectors import forms_missing_for

WIZARD_PET_KEY = "book_pet"


def _remember_pet(request):
    """A "Book" link for one pet (``?pet=<id>``, from a health reminder) chooses that
    pet on the confirm step; only the client's own active pets are ever offered there."""
    pet = request.GET.get("pet", "")
    if pet.isdigit() and len(pet) <= 18:
        request.session[WIZARD_PET_KEY] = int(pet)


def _staff_ref(staff):
    return str(staff.pk) if staff else "any"


WIZARD_LOCATION_KEY = "book_location"


@dataclass
class _Where:
    """Where the patient books: ``location`` (None: wherever there is time), and
    whether this clinic asks (more than one location takes bookings)."""

    location: object
    locations: list

    @property
    def asks(self):
        return len(self.locations) > 1


def _where(request):
    """The location chosen on the wizard's first step (kept in the session), if it
    still takes bookings here; None at a clinic with one (nothing to choose)."""
    locations = selectors.wizard_locations(request.clinic)
    chosen = request.session.get(WIZARD_LOCATION_KEY)
    location = next((loc for loc in locations if loc.pk == chosen), None)
    return _Where(location=location if len(locations) > 1 else None, locations=locations)


def _ask_where_first(request, where):
    """At a clinic with several locations, a step reached without choosing one (a "Book
    again" link, a bookmark) asks where first, then comes back."""
    if where.asks and where.location is None:
        return redirect(f"{reverse('portal:book')}?{urlencode({'next': request.get_full_path()})}")
    return None


def _wizard_page(request, template, context, where):
    """Render a wizard step, counted by ``selectors.wizard_progress``."""
    context = {
        **context,
        "where": where,
        **selectors.wizard_progress(request.clinic, context["step"]),
    }
    return render(request, template, context, status=context.pop("status", 200))


# --- Booking wizard ---------------------------------------------------------------------


@feature_required("online_booking")
def book_start(request):
    _remember_pet(request)
    where = _where(request)
    if where.asks and (where.location is None or "where" in request.GET):
        prefs = selectors.wizard_preferences(request.clinic, request.user)
        chosen = where.location.pk if where.location else prefs.location_id
        locations = sorted(where.locations, key=lambda loc: loc.pk != prefs.location_id)
        for location in locations:
            location.preferred = location.pk == prefs.location_id
            location.chosen = location.pk == chosen
        return _wizard_page(
            request,
            "portal_pages/book/locations.html",
            {"locations": locations, "next": safe_next_url(request), "step": 0},
            where,
        )
    categories = selectors.wizard_categories(request.clinic, where.location)
    if len(categories) == 1:
        return redirect("portal:book_category", category_id=categories[0].pk)
    if not categories:
        return redirect("portal:book_services")
    return _wizard_page(
        request, "portal_pages/book/categories.html", {"categories": categories, "step": 1}, where
    )


@feature_required("online_booking")
@require_http_methods(["POST"])
def book_location(request):
    """The location step's choice: kept for the rest of the wizard."""
    location = selectors.wizard_location(request.clinic, request.POST.get("location"))
    if location is None:
        messages.warning(request, _("Please choose one of our locations."))
        return redirect(f"{reverse('portal:book')}?where=1")
    request.session[WIZARD_LOCATION_KEY] = location.pk
    return redirect(safe_next_url(request) or reverse("portal:book"))


@feature_required("online_booking")
def book_services(request, category_id=None):
    where = _where(request)
    if redirect_to := _ask_where_first(request, where):
        return redirect_to
    prefs = selectors.wizard_preferences(request.clinic, request.user)
    services = selectors.wizard_services(
        request.clinic,
        category_id=category_id,
        location=where.location,
        favourites=prefs.service_ids,
    )
    category = services[0].category if services and category_id else None
    if category_id and not services:
        raise Http404("No such category.")
    return _wizard_page(
        request,
        "portal_pages/book/services.html",
        {"services": services, "category": category, "step": 2},
        where,
    )


@feature_required("online_booking")
def book_staff(request, service_id):
    where = _where(request)
    if redirect_to := _ask_where_first(request, where):
        return redirect_to
    service = selectors.wizard_service(request.clinic, service_id, where.location)
    prefs = selectors.wizard_preferences(request.clinic, request.user)
    return _wizard_page(
        request,
        "portal_pages/book/staff.html",
        {
            "service": service,
            "staff_members": selectors.wizard_staff_choices(service, prefs.staff_id),
            "step": 3,
        },
        where,
    )


def _book_again_fallback(request, service_id, staff_ref, location):
    # A "Book again" link may name someone who no longer does this service (here).
    try:
        service = selectors.wizard_service(request.clinic, service_id, location)
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
@rate_limited("availability", methods=("GET", "POST"))
def book_date(request, service_id, staff):
    where = _where(request)
    if redirect_to := _ask_where_first(request, where):
        return redirect_to
    try:
        service, member = _book_again_fallback(request, service_id, staff, where.location)
    except _Redirect as go:
        return redirect(go.url)
    _remember_pet(request)
    cal = selectors.month_calendar(
        request.clinic,
        service,
        staff=member,
        location=where.location,
        month=parse_month(request.GET.get("month")),
        client=client_account_for_user(request.clinic, request.user),
    )
    return _wizard_page(
        request,
        "portal_pages/book/date.html",
        {
            "service": service,
            "member": member,
            "staff_ref": _staff_ref(member),
            "cal": cal,
            "step": 4,
        },
        where,
    )


@feature_required("online_booking")
@rate_limited("availability", methods=("GET", "POST"))
def book_time(request, service_id, staff, day):
    where = _where(request)
    if redirect_to := _ask_where_first(request, where):
        return redirect_to
    service = selectors.wizard_service(request.clinic, service_id, where.location)
    member = selectors.wizard_staff(service, staff)
    date = parse_date(day)
    client = client_account_for_user(request.clinic, request.user)
    slots = selectors.day_slots(
        request.clinic, service, date, staff=member, location=where.location, client=client
    )
    # On a wide screen the day's month stays beside its times (one screen, as booking
    # apps show it); a phone shows the times alone.
    cal = selectors.month_calendar(
        request.clinic,
        service,
        staff=member,
        location=where.location,
        month=date,
        client=client,
    )
    return _wizard_page(
        request,
        "portal_pages/book/time.html",
        {
            "service": service,
            "member": member,
            "staff_ref": _staff_ref(member),
            "date": date,
            "cal": cal,
            "slots": slots,
            "slot_groups": selectors.slots_by_part_of_day(request.clinic, slots),
            "step": 5,
        },
        where,
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
    where = _where(request)
    if request.method == "POST" and data.get("location"):  # where the page said
        where.location = selectors.wizard_location(clinic, data["location"]) or where.location
    elif redirect_to := _ask_where_first(request, where):
        return redirect_to
    service = selectors.wizard_service(clinic, int(service_id), where.location)
    staff_ref = data.get("staff") or "any"
    member = selectors.wizard_staff(service, staff_ref)
    start = parse_start(data.get("t"), clinic)
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
    # A vet practice: which pet is the appointment for? (A new client names theirs.)
    form.fields.update(wizard_pet_fields(clinic, request.user))
    pet_field = form.fields.get("pet")
    if pet_field is not None:
        chosen = str(request.session.get(WIZARD_PET_KEY, ""))
        if chosen in {value for value, _label in pet_field.choices}:
            pet_field.initial = chosen  # the pet a "Book" link (a health reminder) named
    package_field = wizard_package_field(clinic, request.user, service)
    if package_field:  # prepaid sessions: the patient may choose one, never by default
        form.fields["package"] = package_field
    form.fields["notes"] = form.fields.pop("notes")  # the pet and package asked first
    status = 200
    valid = request.method == "POST" and form.is_valid()
    # One of the client's pets, or "another pet" named now (added with the booking).
    pet_id, new_pet = wizard_pet_clean(form) if valid else (None, None)
    if valid and form.is_valid():  # naming "another pet" may have added an error
        guest = None
        if not signed_in:
            guest = {key: form.cleaned_data[key] for key in ("name", "email", "phone")}
        if guest and not _guest_may_book(request, guest["email"]):
            form.add_error(None, guest_limit_message())
            status = 429
        else:
            try:
                if guest:
                    return _guest_hold(
                        request, service, member, where.location, start, guest, form, new_pet
                    )
                booking = portal_booking_create(
                    clinic=clinic,
                    service=service,
                    staff=member,
                    location=where.location,
                    start=start,
                    user=request.user,
                    notes=form.cleaned_data["notes"],
                    pet_id=pet_id,
                    new_pet=new_pet,
                    # A choice sent without being offered is still the service's to
                    # refuse (another patient's, spent), never silently dropped.
                    package=form.cleaned_data.get("package")
                    or ("" if package_field else request.POST.get("package", "")),
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
                    request,
                    _("That time is no longer available. Here are the times still free."),
                )
                return redirect(times_url)
            except PatchTestRequiredError as exc:
                form.add_error(None, exc.message)
                patch_test_offer = exc.patch_test_service  # offered as a button beside it
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if checkout_mode(booking):  # a deposit, full payment or card to save
                    return redirect("portal:book_pay", reference=booking.reference)
                return redirect("portal:book_done", reference=booking.reference)
    return _confirm_page(
        request,
        where=where,
        service=service,
        member=member,
        staff_ref=staff_ref,
        start=start,
        form=form,
        patch_test_offer=patch_test_offer,
        status=status,
    )


def _cancellation_terms(clinic, service, start):
    """The cancellation policy for this time, with the moment free cancellation ends on
    the clinic's clock and in its locale."""
    terms = cancellation_terms(clinic, start=start, price=service.price, currency=clinic.currency)
    with clinic_time.override(clinic):
        free_until = clinic_time.format_datetime(terms.window_ends_at, "weekday")
    return {"terms": terms, "free_until": free_until}


def _confirm_page(
    request, *, where, service, member, staff_ref, start, form, patch_test_offer=None, status=200
):
    clinic = request.clinic
    times_url = reverse(
        "portal:book_time",
        kwargs={"service_id": service.pk, "staff": staff_ref, "day": start.date().isoformat()},
    )
    here = confirm_url(service, staff_ref, start)
    # Forms the service requires and this client has not signed: booking waits for them.
    client = client_account_for_user(clinic, request.user)
    forms_missing = forms_missing_for(clinic, client, [service])
    return _wizard_page(
        request,
        "portal_pages/book/confirm.html",
        {
            "patch_test_offer": patch_test_offer,
            "forms_missing": forms_missing,
            "here": here,
            "service": service,
            "member": member,
            "assigned": None
            if member
            else selectors.wizard_assigned_staff(clinic, service, start, where.location),
            "staff_ref": staff_ref,
            "start": start,
            "stamp": int(start.timestamp()),
            "form": form,
            "times_url": times_url,
            "guest_hold_minutes": guest_hold_minutes(clinic),
            "guest_pays": guest_confirms_by_card(clinic),
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
            "booking_instructions": clinic_policy(clinic).booking_instructions,
            "cancellation": _cancellation_terms(clinic, service, start),
            "payment": selectors.wizard_payment(clinic, service, client),
            "step": 6,
            "status": status,
        },
        where,
    )


# --- Guests: booking without signing in (issue 18 #7) ---------------------------------------


def guest_limit_message():
    return _(
        "You have asked to book several times in a short while. Please try again later, "
        "or call the clinic."
    )


def _guest_may_book(request, email):
    """Guest holds are limited per client address and per email address (allauth's
    limiter, ACCOUNT_RATE_LIMITS["guest_booking"]), so nobody fills a diary."""
    return ratelimit.consume(request, action="guest_booking", key=email.strip().lower())


GUEST_HOLD = "portal_guest_hold"


def _guest_hold(request, service, member, location, start, guest, form, pet):  # noqa: PLR0913
    """Hold the time and answer alike whether or not the email has an account: check
    your email (or pay, where the clinic lets a payment confirm a guest)."""
    booking = guest_booking_hold(
        clinic=request.clinic,
        service=service,
        staff=member,
        location=location,
        start=start,
        guest=guest,
        notes=form.cleaned_data["notes"],
        pet=pet,
    )
    request.session[GUEST_HOLD] = {
        "email": guest["email"].strip().lower(),
        "service": service.name,
        "start": start.isoformat(),
        "minutes": guest_hold_minutes(request.clinic),
        "pet": pet["name"] if pet else "",  # what the visitor typed: the same answer for all
    }
    if booking is not None and booking.awaits_payment:  # the clinic lets paying confirm
        visitor_booking_remember(request, booking)
        return redirect("portal:book_pay", reference=booking.reference)
    return redirect("portal:book_check_email")


@feature_required("online_booking")
def book_check_email(request):
    hold = request.session.get(GUEST_HOLD)
    if not hold:
        return redirect("portal:book")
    start = datetime.datetime.fromisoformat(hold["start"])
    return render(
        request,
        "portal_pages/book/check_email.html",
        {
            "email": hold["email"],
            "service_name": hold["service"],
            "start": start,
            "minutes": hold["minutes"],
            "pet_name": hold.get("pet", ""),
            **selectors.wizard_progress(request.clinic, 7),
        },
    )


@feature_required("online_booking")
@require_http_methods(["GET", "POST"])
def book_verify(request):
    """The link we emailed a guest. Opening it only asks (mail scanners open links);
    the button confirms the booking and the address. Someone without a password of
    their own (a new client) is signed in: they have just shown the address is theirs.
    Anyone else reaches this booking's pages from this browser and signs in as usual."""
    token = request.POST.get("token") or request.GET.get("token")
    try:
        booking = booking_from_verify_token(token, clinic=request.clinic)
    except ActionLinkError as exc:
        return render(
            request, "portal_pages/book/verify.html", {"error": exc.message}, status=exc.status
        )
    if request.method == "POST":
        try:
            booking, newcomer = guest_hold_confirm(clinic=request.clinic, booking=booking)
        except BookingError as exc:
            return render(
                request,
                "portal_pages/book/verify.html",
                {"error": exc.message, "booking": booking},
                status=exc.status,
            )
        visitor_booking_remember(request, booking)
        if newcomer is not None and not request.user.is_authenticated:
            login(request, newcomer, backend="django.contrib.auth.backends.ModelBackend")
        if checkout_mode(booking):
            return redirect("portal:book_pay", reference=booking.reference)
        return redirect("portal:book_done", reference=booking.reference)
    return render(
        request,
        "portal_pages/book/verify.html",
        {"booking": booking, "token": token, **selectors.wizard_progress(request.clinic, 7)},
    )


@visitor_page
def book_done(request, booking):
    return render(
        request,
        "portal_pages/book/done.html",
        {
            "booking": booking,
            "google_url": google_calendar_link(booking),
            "money": selectors.booking_money_summary(booking),
            "booking_instructions": clinic_policy(request.clinic).booking_instructions,
            **selectors.wizard_progress(request.clinic, 7),
        },
    )
