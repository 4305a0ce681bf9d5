"""Who may reach a portal page: the clinic's feature switches, signing in, and the
signed-in client's own booking (another person's is a 404)."""

import functools
import math

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from branding import ratelimits
from branding.selectors import clinic_features
from people.selectors import client_account_for_user
from portal_pages import selectors


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


def signed_in(view):
    """Send a visitor to sign in first, back to this page after."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def own_booking(request, reference):
    client = client_account_for_user(request.clinic, request.user)
    return selectors.client_booking_by_reference(request.clinic, client, reference)


# A visitor who booked without signing in reaches that booking's own pages (pay, done,
# calendar) from the browser that made or confirmed it, and nothing else of the account.
VISITOR_BOOKINGS = "portal_visitor_bookings"
VISITOR_BOOKINGS_KEPT = 10


def visitor_booking_remember(request, booking):
    references = [
        r for r in request.session.get(VISITOR_BOOKINGS, []) if r != str(booking.reference)
    ]
    request.session[VISITOR_BOOKINGS] = [*references, str(booking.reference)][
        -VISITOR_BOOKINGS_KEPT:
    ]


def visitor_booking(request, reference):
    """The signed-in client's own booking, or one this browser booked as a guest (or
    confirmed from the emailed link); 404 for anything else."""
    if request.user.is_authenticated:
        client = client_account_for_user(request.clinic, request.user)
        found = client and selectors.client_booking_by_reference_or_none(
            request.clinic, client, reference
        )
        if found:
            return found
    if str(reference) in request.session.get(VISITOR_BOOKINGS, []):
        return selectors.booking_by_reference(request.clinic, reference)
    if not request.user.is_authenticated:
        raise _SignInFirst
    raise Http404("No such booking.")


class _SignInFirst(Exception):
    """Raised by ``visitor_booking`` for a stranger: the view sends them to sign in."""


def visitor_page(view):
    """A booking page (``reference``) for its client or the visitor who booked it; a
    stranger is sent to sign in first, back here after."""

    @functools.wraps(view)
    def wrapped(request, reference, *args, **kwargs):
        try:
            booking = visitor_booking(request, reference)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())
        return view(request, booking, *args, **kwargs)

    return wrapped


def safe_next_url(request) -> str:
    """The ``next`` the form or link carries, if it stays on this portal; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def rate_limited(action, *, methods=("POST",)):
    """Refuse a request over the ``action``'s limit (``branding.ratelimits``: per real
    client address and per person) with the "Too many requests" page, 429 and
    Retry-After; ``methods``: the requests counted (reads too for costly ones)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = ratelimits.hit(request, action)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(request, wait):
    response = render(
        request, "429.html", {"wait_minutes": max(1, math.ceil(wait / 60))}, status=429
    )
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "private, no-store"
    return response
