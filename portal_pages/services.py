"""Writes of the patient portal. The portal has no rules of its own: these functions put
the other apps' services together for what a patient does in one step."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from booking_api.errors import BookingErrorCode
from booking_api.lifecycle import BookingStatus
from booking_api.models import BookingSource
from booking_api.selectors import booking_guest_pet
from booking_api.services import (
    booking_create,
    booking_guest_pet_record,
    booking_pet_link,
    booking_verify_hold,
)
from booking_api.services.messages import tell_client_to_verify
from booking_api.services.patch_tests import patch_test_check
from booking_api.services.policy import PAY_WHEN_BOOKING
from branding.errors import DomainError, NotAllowedError
from branding.models import GuestVerification
from branding.selectors import clinic_policy, feature_enabled
from notifications.services import Category, notify
from people.models import Species
from people.pet_selectors import active_pets_for_client, client_pet, pet_name_key
from people.pet_services import pet_create
from people.phones import phone_to_e164, region_for_clinic
from people.services import client_account_ensure, client_upsert, email_mark_verified, split_name
from portal_pages.errors import PortalErrorCode
from records.documents.selectors import forms_missing_for


class PortalError(DomainError):
    """A patient's request the portal cannot complete (the message says why)."""


def _guest_account_create(*, clinic, name, email, phone):
    """A first-time client who books without an account: a user without a password
    (they can set one, or sign in by emailed code, later) whose address is not confirmed
    yet, and their client account."""
    first, last = split_name(name)
    account = client_upsert(
        clinic=clinic, email=email, first_name=first, last_name=last, phone=phone
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=account.user, email=account.user.email, defaults={"primary": True}
    )
    return account


def guest_confirms_by_card(clinic) -> bool:
    """The clinic lets a guest's payment at booking confirm them (where it takes one)."""
    policy = clinic_policy(clinic)
    return (
        policy.guest_verification == GuestVerification.CARD
        and policy.payment_mode in PAY_WHEN_BOOKING
    )


def guest_hold_minutes(clinic) -> int:
    policy = clinic_policy(clinic)
    return (
        policy.payment_hold_minutes if guest_confirms_by_card(clinic) else policy.guest_hold_minutes
    )


@transaction.atomic
def guest_booking_hold(  # noqa: PLR0913
    *, clinic, service, start, staff=None, location=None, guest, notes="", pet=None
):
    """A visitor who is not signed in books as ``guest`` (name, email, phone).

    The visitor is answered the same whether or not the email has an account (issue 18
    #7): either way the time is only held, under that address's account — a new one for
    a new address; nothing the visitor typed is written to an existing one — for a short
    time, until the address confirms it from the link we email it (or, where the clinic
    chose so and takes payment when booking, until the visitor pays). Rules that depend
    on a client's history (forms to sign, a patch test) apply as for a new client,
    before the address is looked at.

    At a clinic that keeps pets, ``pet`` (name and species) is required. It is linked
    to the booking (issue 19): a new client's pet is added to their pets with the
    booking; an existing account's active pet of the same name is reused, never
    duplicated; an existing account without one gets no pet written from an
    unconfirmed address: the pet reaches staff as a line in the notes.

    Returns the held booking, or None when the address's account may not book online
    (deactivated, blocked): its owner is told why by email, the visitor is answered as
    for any other hold."""
    asks_pet = feature_enabled(clinic, "pets")
    if asks_pet and not (pet and (pet.get("name") or "").strip()):
        raise PortalError(
            _("Tell us your pet's name."), field="pet_name", code=PortalErrorCode.PET_REQUIRED
        )
    email = (guest["email"] or "").strip().lower()
    # Checked whoever the address belongs to, so a bad number is refused alike.
    phone = phone_to_e164(guest.get("phone", ""), region=region_for_clinic(clinic))
    if forms_missing_for(clinic, None, [service]):
        raise PortalError(
            _("This treatment needs forms signed first: please sign in or create an account."),
            field="email",
            code=PortalErrorCode.SIGN_IN_REQUIRED,
        )
    patch_test_check(clinic=clinic, client=None, service=service, start=start)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        client = _guest_account_create(clinic=clinic, name=guest["name"], email=email, phone=phone)
    elif not user.is_active:
        return None
    else:
        client = client_account_ensure(clinic=clinic, user=user)
    linked = _guest_pet(clinic, client, pet, new_client=user is None) if asks_pet else None
    pet_line = _pet_line(pet) if pet and linked is None else ""
    if pet_line:
        notes = f"{pet_line}\n{notes}".strip()
    card = guest_confirms_by_card(clinic)
    try:
        with transaction.atomic():
            booking = booking_create(
                clinic=clinic,
                client=client,
                service=service,
                staff=staff,
                location=location,
                start=start,
                source=BookingSource.PORTAL,
                client_notes=notes,
                actor=None,  # nobody has shown who they are yet
                pet=linked,
                status=None if card else BookingStatus.UNVERIFIED,
                hold_minutes=None if card else guest_hold_minutes(clinic),
            )
    except NotAllowedError as refused:
        if user is None or refused.code not in REFUSED_FOR_THE_ACCOUNT:
            raise
        _tell_owner_refused(clinic=clinic, user=user, service=service, start=start, why=refused)
        return None
    if asks_pet and pet_line:  # the account's own pet once the address confirms it
        booking_guest_pet_record(
            booking=booking, name=pet["name"], species=pet["species"], note_line=pet_line
        )
    if not card:
        tell_client_to_verify(booking)
    return booking


def _guest_pet(clinic, client, pet, *, new_client):
    """The pet a guest named, as the client's pet: their active pet of that name (case
    and accents ignored), else for a new client a new pet; else None (nothing the
    visitor typed is written to an existing account)."""
    key = pet_name_key(pet["name"])
    for existing in active_pets_for_client(clinic, client):
        if pet_name_key(existing.name) == key:
            return existing
    if not new_client:
        return None
    return pet_create(clinic=clinic, owner=client, name=pet["name"], species=pet["species"])


def _pet_line(pet):
    """The line leading the notes for the pet the visitor named, where no pet could be
    linked."""
    species = pet.get("species")
    return _("Pet: %(name)s (%(species)s)") % {
        "name": pet["name"],
        "species": Species(species).label if species in Species.values else species or "",
    }


# An existing account's own reasons not to book online: the visitor is not told them.
REFUSED_FOR_THE_ACCOUNT = (BookingErrorCode.CLIENT_DEACTIVATED, BookingErrorCode.CLIENT_BLOCKED)


def _tell_owner_refused(*, clinic, user, service, start, why):
    notify(
        clinic=clinic,
        user=user,
        kind="booking.guest_refused",
        category=Category.ACCOUNT,
        title=_("We could not hold your booking"),
        body=_(
            "Someone, perhaps you, asked to book %(service)s with this email address "
            "without signing in. We could not hold the time: %(why)s If it was not you, "
            "you can ignore this email."
        )
        % {"service": service.name, "why": why.message},
        idempotency_key=f"guest-refused-{user.pk}-{service.pk}-{int(start.timestamp())}",
        channels=["email"],
    )


@transaction.atomic
def guest_hold_confirm(*, clinic, booking):
    """The booking's address opened the link we emailed it: the booking goes ahead
    (``booking_verify_hold``), and the address is confirmed. Returns the booking and
    the person this confirmation signs in: a new client without a password of their
    own, who has just shown the address is theirs, and only on the confirmation that
    moved the booking (the link is no lasting sign-in); else None."""
    booking, confirmed_now = booking_verify_hold(booking_id=booking.pk)
    person = booking.client.user
    email_mark_verified(user=person)
    if confirmed_now:
        booking = _guest_pet_adopt(clinic, booking)
    newcomer = person if confirmed_now and not person.has_usable_password() else None
    return booking, newcomer


def _guest_pet_adopt(clinic, booking):
    """The address confirmed a guest booking whose account lacked the pet the visitor
    named: the pet is now the account's (its active pet of that name if it has one by
    now, else a new one), linked to the booking in place of the notes' line."""
    pending = booking_guest_pet(booking)
    if not pending or booking.pet_id is not None or not feature_enabled(clinic, "pets"):
        return booking
    pet = _guest_pet(clinic, booking.client, pending, new_client=True)
    return booking_pet_link(booking_id=booking.pk, pet=pet, note_line=pending.get("note_line", ""))


@transaction.atomic
def portal_booking_create(
    *,
    clinic,
    service,
    start,
    staff=None,
    location=None,
    user=None,
    notes="",
    pet_id=None,
    new_pet=None,
    package="",
):
    """Book from the wizard for the signed-in ``user``, optionally for one of the
    client's pets (``pet_id``) or a pet they name now (``new_pet``: name and species,
    added to their pets with the booking), on a package session the client chose
    (``package``). A visitor who is not signed in books through
    ``guest_booking_hold``."""
    if user is None or not user.is_authenticated:
        raise PortalError(
            _("Sign in, or tell us who you are, to book."),
            field="email",
            code=PortalErrorCode.SIGN_IN_REQUIRED,
        )
    client = client_account_ensure(clinic=clinic, user=user)
    pet = None
    if new_pet:  # a client booking their first visit names their pet: it joins their pets
        pet = pet_create(
            clinic=clinic, owner=client, name=new_pet["name"], species=new_pet["species"]
        )
    elif pet_id:
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
        location=location,
        start=start,
        source=BookingSource.PORTAL,
        client_notes=notes,
        actor=user,
        pet=pet,
        package=package,
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
        # Each of these shows only while its feature is on (the card's ``feature``).
        ("rewards", {"heading": _("Your rewards")}),
        ("pets", {"heading": _("Your pets")}),
        ("games", {"heading": _("Spin or scratch"), "text": _("Try your luck after each visit.")}),
        (
            "referrals",
            {"heading": _("Invite a friend"), "text": _("You both earn when they visit.")},
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
        page.cards = [
            (kind, _with_shown_defaults(kind, value))
            for kind, value in default_dashboard_cards(clinic)
        ]
    page.save_revision().publish()
    return True


def _with_shown_defaults(kind, value):
    """The card's value with every text the card would otherwise take from its block's
    default filled in the active language: a block's own default is a fixed English
    string ("You have no upcoming appointments.", "Read the full policy"), which a
    Bulgarian clinic's starter dashboard must not show."""
    from portal_pages.blocks import DashboardCards

    block = DashboardCards.base_blocks[kind]
    filled = {name: str(text) for name, text in block.shown_defaults.items()}
    return {**filled, **value}


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
