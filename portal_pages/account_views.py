"""The patient's own account pages: profile and communication preferences, web push
subscription, the notification centre and the cart. Thin: reads through selectors,
writes through the owning app's services; a switched-off feature answers 404."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from booking_api.cart_selectors import cart_items_for_client
from booking_api.preference_selectors import booking_preferences_for, preference_choices
from booking_api.services.cart import cart_add, cart_remove
from booking_api.services.preferences import booking_preferences_update
from branding.errors import DomainError
from branding.selectors import clinic_languages
from notifications.language import language_choose, language_cookie_set
from notifications.push import (
    push_enabled_for,
    push_subscription_delete,
    push_subscription_save,
    vapid_public_key,
)
from notifications.selectors import notifications_for_user
from notifications.services import notifications_mark_read, preferences_for, preferences_update
from people.selectors import client_account_for_user, devices_for
from people.services import client_account_ensure, client_contact_update, device_token_revoke
from portal_pages import selectors
from portal_pages.access import feature_required, safe_next_url
from portal_pages.account_forms import (
    PREFERENCE_FIELDS,
    BookingPreferencesForm,
    ContactForm,
    LanguageForm,
    PreferencesForm,
)

NOTIFICATIONS_PAGE_SIZE = 50


def _form_error(form, error: DomainError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _speak(response, language):
    """The portal follows the patient's choice too (Django's language cookie); the
    clinic's language is no cookie, so the clinic's default applies."""
    language_cookie_set(response, language)
    return response


@login_required
def menu(request):
    """Everything of the patient's in one list: the phone's "More" tab and the header's
    account icon."""
    return render(request, "portal_pages/account/menu.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    clinic, user = request.clinic, request.user
    account = client_account_ensure(clinic=clinic, user=user)
    prefs = preferences_for(clinic, user)
    contact_form = ContactForm(
        prefix="contact",
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": account.phone,
        },
    )
    prefs_form = PreferencesForm(prefix="prefs", instance=prefs)
    languages = clinic_languages(clinic)
    language_form = LanguageForm(
        prefix="lang",
        languages=languages,
        clinic_language=clinic.language,
        initial={"language": prefs.language},
    )
    choices = preference_choices(clinic)
    booking_prefs = booking_preferences_for(clinic, account)
    booking_form = BookingPreferencesForm(
        prefix="booking",
        choices=choices,
        initial={
            "location": booking_prefs.location if booking_prefs else None,
            "staff": booking_prefs.staff if booking_prefs else None,
            "services": list(booking_prefs.services.all()) if booking_prefs else [],
        },
    )
    if request.method == "POST":
        if request.POST.get("section") == "contact":
            contact_form = ContactForm(request.POST, prefix="contact")
            if contact_form.is_valid():
                try:
                    client_contact_update(clinic=clinic, user=user, **contact_form.cleaned_data)
                except DomainError as error:
                    _form_error(contact_form, error)
                else:
                    messages.success(request, _("Your contact details are saved."))
                    return redirect("portal:profile")
        elif request.POST.get("section") == "booking":
            booking_form = BookingPreferencesForm(request.POST, prefix="booking", choices=choices)
            if booking_form.is_valid():
                data = booking_form.cleaned_data
                try:
                    booking_preferences_update(
                        clinic=clinic,
                        client=account,
                        location=data.get("location"),
                        staff=data.get("staff"),
                        services=data.get("services") or [],
                    )
                except DomainError as error:
                    _form_error(booking_form, error)
                else:
                    messages.success(request, _("Your booking preferences are saved."))
                    return redirect("portal:profile")
        elif request.POST.get("section") == "language":
            language_form = LanguageForm(
                request.POST, prefix="lang", languages=languages, clinic_language=clinic.language
            )
            if language_form.is_valid():
                language = language_form.cleaned_data["language"]
                language_choose(clinic=clinic, user=user, language=language)
                messages.success(request, _("Your language is saved."))
                return _speak(redirect("portal:profile"), language)
        elif request.POST.get("section") == "devices":
            # Sign one of the person's apps out here (someone else's id changes nothing).
            if device_token_revoke(clinic=clinic, user=user, device_id=request.POST.get("device")):
                messages.success(request, _("That device is signed out."))
            return redirect("portal:profile")
        elif request.POST.get("section") == "preferences":
            # Unticked checkboxes are absent from the POST: every field is sent.
            changes = {name: f"prefs-{name}" in request.POST for name in PREFERENCE_FIELDS}
            # Offers switched on or off here is consent given or withdrawn: the privacy
            # app records it when told (notifications.events.marketing_changed).
            preferences_update(clinic=clinic, user=user, source="portal", **changes)
            messages.success(request, _("Your communication preferences are saved."))
            return redirect("portal:profile")
    return render(
        request,
        "portal_pages/account/profile.html",
        {
            "account": account,
            "contact_form": contact_form,
            "prefs_form": prefs_form,
            # Only where there is a choice to make.
            "language_form": language_form if len(languages) > 1 else None,
            "booking_form": booking_form,
            "vapid_public_key": vapid_public_key(),
            "push_on": push_enabled_for(clinic, user),
            "devices": [
                {"id": device.digest[:16], "name": device.name, "last_used_at": device.last_used_at}
                for device in devices_for(clinic, user)
            ],
        },
    )


@login_required
@require_http_methods(["POST", "DELETE"])
def push_subscription(request):
    """The browser's push subscription as JSON (PushSubscription.toJSON()): POST stores
    it, DELETE forgets it."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": _("Send JSON."), "field": "body"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": _("Send a JSON object."), "field": "body"}, status=400)
    if request.method == "DELETE":
        push_subscription_delete(
            clinic=request.clinic, user=request.user, endpoint=body.get("endpoint")
        )
        return HttpResponse(status=204)
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    try:
        push_subscription_save(
            clinic=request.clinic,
            user=request.user,
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            browser=str(body.get("browser") or "CHROME"),
        )
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"subscribed": True}, status=201)


@login_required
@feature_required("notifications")
def notification_centre(request):
    items = list(
        notifications_for_user(request.clinic, request.user).order_by("-created_at", "-id")[
            :NOTIFICATIONS_PAGE_SIZE
        ]
    )
    return render(request, "portal_pages/account/notifications.html", {"items": items})


@login_required
@feature_required("notifications")
@require_POST
def notification_read(request):
    """Mark one notification (``id``) or all of them read; another person's id is
    simply not found among the patient's own."""
    ids = None
    if request.POST.get("id"):
        try:
            ids = [int(request.POST["id"])]
        except ValueError as exc:
            raise Http404(_("No such notification.")) from exc
    notifications_mark_read(clinic=request.clinic, user=request.user, ids=ids)
    next_url = request.POST.get("next") or ""
    if ids and next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("portal:notifications")


@login_required
@feature_required("cart")
def cart(request):
    client = client_account_for_user(request.clinic, request.user)
    items = list(cart_items_for_client(request.clinic, client))
    return render(request, "portal_pages/account/cart.html", {"items": items})


@login_required
@feature_required("cart")
@require_POST
def cart_item_add(request, service_id):
    """ "Save for later" on a service: into the cart, then back where the patient was."""
    service = selectors.wizard_service(request.clinic, service_id)
    client = client_account_ensure(clinic=request.clinic, user=request.user)
    try:
        cart_add(clinic=request.clinic, client=client, service=service)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(service)s is saved for later.") % {"service": service.name})
    return redirect(safe_next_url(request) or "portal:cart")


@login_required
@feature_required("cart")
@require_POST
def cart_item_remove(request, item_id):
    client = client_account_for_user(request.clinic, request.user)
    if client is None:
        raise Http404(_("That item is not in your cart."))
    try:
        cart_remove(clinic=request.clinic, client=client, item_id=item_id)
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from your cart."))
    return redirect("portal:cart")
