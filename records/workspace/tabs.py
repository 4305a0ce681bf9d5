"""The account view's own tabs (Overview, Details, Appointments, Notes, Communication
log, Communication preferences, Audit trail), registered through the same hook as other
apps' tabs (see records/wagtail_hooks.py). Each context function only calls selectors."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from booking_api.appointment_extras import cancel_page_url
from booking_api.client_selectors import client_pets_in_bookings, client_timeline_page
from branding import clinic_time
from branding.money import format_money
from branding.selectors import clinic_languages
from people.account_tabs import ClientAccountTab, client_overview, per_request
from people.admin_toolkit.fields import date_picker_config
from people.models import ClinicMembership
from people.selectors import audit_for_client, notes_for_client
from records.workspace.access import EDITORS, may_edit
from records.workspace.communication import communication_context

# Inline-editable contact details: field name → (label, input type).
CONTACT_FIELDS = [
    ("first_name", _("First name"), "text"),
    ("last_name", _("Last name"), "text"),
    ("email", _("Email"), "email"),
    ("phone", _("Phone"), "tel"),
    ("date_of_birth", _("Date of birth"), "clinic-date"),
]
# The preferences staff see and change, in the order the portal shows them.
PREFERENCE_FIELDS = [
    "unsubscribed_all",
    "surveys",
    "postcards",
    "booking_email",
    "reminder_email",
    "reminder_sms",
    "message_email",
    "marketing_email",
    "marketing_sms",
    "push",
]


def _role(request):
    from people.admin_toolkit.workspace import request_admin_role

    return request_admin_role(request)


def calendar_url(name, *args, query=""):
    """A URL of the staff calendar (booking_api), or None while it is not installed."""
    try:
        return reverse(f"booking_calendar:{name}", args=args) + query
    except NoReverseMatch:
        return None


def overview_context(request, clinic, account):
    """What matters about the client, from every app's overview panels."""
    return {"overview": client_overview(request, clinic, account)}


def details_context(request, clinic, account):
    user = account.user
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "",
        "phone": account.phone,
        # in the clinic's order (dd/mm/yyyy in the UK), with the clinic-format picker
        "date_of_birth": account.date_of_birth.strftime(clinic_time.date_input_format())
        if account.date_of_birth
        else "",
    }
    membership = ClinicMembership.objects.filter(clinic=clinic, user=user).first()
    return {
        "can_edit": may_edit(_role(request)),
        "fields": [
            {"name": name, "label": label, "type": kind, "value": values[name]}
            for name, label, kind in CONTACT_FIELDS
        ],
        "date_placeholder": clinic_time.date_input_placeholder(),
        "date_picker": date_picker_config(),
        "staff_role": membership.get_role_display() if membership else None,
        "tags": ", ".join(account.tags),
        "field_url": reverse("clinic_workspace:client_field", args=[account.pk]),
        "status_url": reverse("clinic_workspace:client_status", args=[account.pk]),
    }


PAST_PER_PAGE = 25


def _page_number(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def appointments_context(request, clinic, account):
    """Every upcoming booking and the past ones 25 at a time (``?past_page=``)."""
    pets = client_pets_in_bookings(clinic, account)
    pet_id = request.GET.get("pet")
    pet_id = int(pet_id) if pet_id and pet_id.isdigit() else None
    timeline = client_timeline_page(
        clinic,
        account,
        pet_id=pet_id,
        page=_page_number(request, "past_page"),
        per_page=PAST_PER_PAGE,
    )
    for booking in (*timeline.upcoming, *timeline.past):
        booking.open_url = calendar_url("booking", booking.pk)
        booking.move_url = calendar_url("move", booking.pk)
        # The page that asks first (reason, refund, fee); the appointment page without one.
        booking.cancel_url = cancel_page_url(booking) or booking.open_url
        booking.amount_display = format_money(booking.price, booking.currency)
    pet_query = f"&pet={pet_id}" if pet_id else ""
    return {
        "upcoming": timeline.upcoming,
        "past": timeline.past,
        "past_page": timeline.page,
        "newer_url": f"?tab=appointments{pet_query}&past_page={timeline.page - 1}#tab-appointments"
        if timeline.page > 1
        else None,
        "older_url": f"?tab=appointments{pet_query}&past_page={timeline.page + 1}#tab-appointments"
        if timeline.has_next
        else None,
        "pets": pets,
        "pet_id": pet_id,
        "can_change": may_edit(_role(request)),
    }


def client_notes(request, clinic, account):
    """The client's notes (pinned first), read once for the header and the Notes tab."""
    return per_request(
        request, ("notes", account.pk), lambda: list(notes_for_client(clinic, account))
    )


def notes_context(request, clinic, account):
    return {
        "notes": client_notes(request, clinic, account),
        "create_url": reverse("clinic_workspace:client_note_create", args=[account.pk]),
    }


def preferences_context(request, clinic, account):
    from notifications.models import Preferences
    from notifications.services import preferences_for

    prefs = preferences_for(clinic, account.user)
    return {
        "preferences": [
            {
                "name": name,
                "label": Preferences._meta.get_field(name).verbose_name,
                "on": getattr(prefs, name),
            }
            for name in PREFERENCE_FIELDS
        ],
        "can_edit": may_edit(_role(request)),
        "update_url": reverse("clinic_workspace:client_preferences", args=[account.pk]),
        # What the clinic's messages to them are written in (their choice in the portal
        # or app, else the clinic's language).
        "language": dict(clinic_languages(clinic)).get(prefs.language or clinic.language, ""),
        "language_chosen": bool(prefs.language),
    }


AUDIT_PER_PAGE = 50


def audit_context(request, clinic, account):
    """The audit trail 50 entries at a time, newest first (``?audit_page=``)."""
    page = _page_number(request, "audit_page")
    offset = (page - 1) * AUDIT_PER_PAGE
    entries = list(audit_for_client(clinic, account)[offset : offset + AUDIT_PER_PAGE + 1])
    return {
        "audit_entries": entries[:AUDIT_PER_PAGE],
        "page": page,
        "newer_url": f"?tab=audit&audit_page={page - 1}#tab-audit" if page > 1 else None,
        "older_url": f"?tab=audit&audit_page={page + 1}#tab-audit"
        if len(entries) > AUDIT_PER_PAGE
        else None,
    }


def _editors_only(request, clinic, account):
    return _role(request) in EDITORS


def own_tabs():
    return [
        ClientAccountTab(
            key="overview",
            label=_("Overview"),
            order=10,
            template_name="records/admin/tabs/overview.html",
            get_context=overview_context,
            group="client",
        ),
        ClientAccountTab(
            key="details",
            label=_("Details"),
            order=15,
            template_name="records/admin/tabs/details.html",
            get_context=details_context,
            group="client",
        ),
        ClientAccountTab(
            key="appointments",
            label=_("Appointments"),
            order=20,
            template_name="records/admin/tabs/appointments.html",
            get_context=appointments_context,
            group="visits",
        ),
        ClientAccountTab(
            key="notes",
            label=_("Notes"),
            order=30,
            template_name="records/admin/tabs/notes.html",
            get_context=notes_context,
            group="client",
        ),
        ClientAccountTab(
            key="preferences",
            label=_("Communication preferences"),
            order=80,
            template_name="records/admin/tabs/preferences.html",
            get_context=preferences_context,
            is_shown=_editors_only,
            group="messages",
        ),
        ClientAccountTab(
            key="communication",
            label=_("Communication log"),
            order=85,
            template_name="records/admin/tabs/communication.html",
            get_context=communication_context,
            is_shown=_editors_only,
            group="messages",
        ),
        ClientAccountTab(
            key="audit",
            label=_("Audit trail"),
            order=1000,
            template_name="records/admin/tabs/audit.html",
            get_context=audit_context,
            is_shown=_editors_only,
            group="admin",
        ),
    ]
