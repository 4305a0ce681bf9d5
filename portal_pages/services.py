"""Writes of the patient portal. The portal has no rules of its own: these functions put
the other apps' services together for what a patient does in one step."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from booking_api.models import BookingSource
from booking_api.services import booking_create
from branding.errors import DomainError
from people.pet_selectors import client_pet
from people.services import client_account_ensure, client_upsert, split_name
from portal_pages.errors import PortalErrorCode


class PortalError(DomainError):
    """A patient's request the portal cannot complete (the message says why)."""


@transaction.atomic
def guest_client_register(*, clinic, name, email, phone=""):
    """A first-time client who books without an account: a user without a password
    (they can set one, or sign in by emailed code, later) and their client account.

    An email that already has an account is refused: the person must sign in, so nobody
    can book into someone else's account, or be signed in as them."""
    email = (email or "").strip().lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise PortalError(
            _("There is already an account with this email. Please sign in to book."),
            field="email",
            code=PortalErrorCode.ACCOUNT_EXISTS,
        )
    first, last = split_name(name)
    account = client_upsert(
        clinic=clinic, email=email, first_name=first, last_name=last, phone=phone
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=account.user, email=account.user.email, defaults={"primary": True}
    )
    return account


@transaction.atomic
def portal_booking_create(
    *, clinic, service, start, staff=None, user=None, guest=None, notes="", pet_id=None
):
    """Book from the wizard, for the signed-in ``user`` or a new ``guest`` (a dict of
    name, email, phone), optionally for one of the client's pets (``pet_id``). All or
    nothing: if the slot was taken meanwhile, no guest account is left behind either."""
    if user is not None and user.is_authenticated:
        client = client_account_ensure(clinic=clinic, user=user)
        actor = user
    elif guest:
        client = guest_client_register(clinic=clinic, **guest)
        actor = client.user
    else:
        raise PortalError(
            _("Sign in, or tell us who you are, to book."),
            field="email",
            code=PortalErrorCode.SIGN_IN_REQUIRED,
        )
    pet = None
    if pet_id:
        pet = client_pet(clinic, client, pet_id)
        if pet is None or not pet.active:
            raise PortalError(
                _("Choose one of your own pets."), field="pet", code=PortalErrorCode.NOT_YOUR_PET
            )
    return booking_create(
        clinic=clinic,
        client=client,
        service=service,
        staff=staff,
        start=start,
        source=BookingSource.PORTAL,
        client_notes=notes,
        actor=actor,
        pet=pet,
    )


def default_dashboard_cards(clinic):
    """A sensible first dashboard for a clinic: (block type, value) pairs."""
    return [
        (
            "welcome",
            {
                "heading": _("Welcome to %(clinic)s") % {"clinic": clinic.name},
                "text": "<p>"
                + _("Book, move or cancel your appointments here, any time of day.")
                + "</p>",
            },
        ),
        ("upcoming", {"heading": _("Your next appointments"), "max_items": 3}),
        (
            "book_now",
            {
                "heading": _("Book an appointment"),
                "text": _("Choose a service and a time that suits you."),
                "button_label": _("Book now"),
                "show_book_again": True,
            },
        ),
        (
            "promotion",
            {
                "audience": "new",
                "heading": _("New here? Start with a consultation"),
                "text": "<p>" + _("Tell us what you would like to achieve.") + "</p>",
                "cta": {"label": _("Book a consultation"), "url": "/book/"},
            },
        ),
        ("notifications", {"heading": _("Notifications"), "max_items": 3}),
        (
            "instructions",
            {
                "heading": _("Before your visit"),
                "text": "<ul><li>"
                + _("Please arrive ten minutes early.")
                + "</li><li>"
                + _("Tell us about any allergies or medicines when you book.")
                + "</li></ul>",
            },
        ),
        ("policy", {"heading": _("Cancellation policy"), "show_summary": True}),
        ("cart", {"heading": _("Saved for later")}),
    ]


@transaction.atomic
def dashboard_cards_seed(*, clinic) -> bool:
    """Give the clinic's home page the default cards and publish it, if it has no cards
    yet (a manager's own arrangement is never overwritten). True if it changed."""
    page = clinic.site.root_page.specific
    if not hasattr(page, "cards") or len(page.cards):
        return False
    with translation.override(clinic.language or None):
        page.cards = default_dashboard_cards(clinic)
    page.save_revision().publish()
    return True


POLICY_PAGE_SLUG = "cancellation-policy"


@transaction.atomic
def policy_page_seed(*, clinic):
    """Give the clinic's portal a published cancellation policy page (under its home
    page) whose text uses the policy placeholders, unless it has one. Returns the page
    and whether it was created."""
    from portal_pages.models import PolicyPage

    home = clinic.site.root_page
    existing = PolicyPage.objects.child_of(home).first()
    if existing:
        return existing, False
    with translation.override(clinic.language or None):
        page = PolicyPage(
            title=_("Cancellation policy"),
            slug=POLICY_PAGE_SLUG,
            show_summary=True,
            body="<p>{}</p><p>{}</p>".format(
                _(
                    "You can cancel free of charge up to {free_cancellation_hours} before "
                    "your appointment. After that: {late_cancellation_fee}."
                ),
                _(
                    "You can move a booking up to {reschedule_limit} times, until "
                    "{reschedule_window_hours} before it starts."
                ),
            ),
        )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page, True
