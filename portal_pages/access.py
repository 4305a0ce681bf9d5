"""Who may reach a portal page: the clinic's feature switches, signing in, and the
signed-in client's own booking (another person's is a 404)."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext as _

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
