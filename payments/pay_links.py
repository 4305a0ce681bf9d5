"""Payment links: the signed address a patient pays a payment request at, on the
clinic's own domain (``branding.links``), ``https://<clinic domain>/pay/<token>/``.

The token is a ``django.core.signing`` payload (salted) naming the link's random
``public_id`` (a UUID4), so it is both unguessable and tamper-proof; the token is the
credential, so the page needs no sign-in and shows nothing beyond what is to be paid.
A token is refused (404) when tampered with or at another clinic's domain; a link that
was cancelled, has expired or was paid is closed (``link_state``). Writes are in
``payments.services.pay_links``.
"""

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from branding.links import portal_reverse
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import PaymentLink, PaymentLinkStatus

PAY_LINK_SALT = "payments.pay_links"


def pay_link_token(link) -> str:
    # Not timestamped: the link's own ``expires_at`` says how long it works, and the same
    # link is the same address in every message.
    return signing.Signer(salt=PAY_LINK_SALT).sign_object(str(link.public_id))


def pay_link_url(link) -> str:
    """The absolute address the patient pays ``link`` at (the clinic's own domain)."""
    return portal_reverse(link.clinic, "portal:pay_link", token=pay_link_token(link))


def pay_link_for_token(token, *, clinic) -> PaymentLink:
    """``clinic``'s link a token names, or ``PaymentError`` (404): a tampered token, an
    unknown link or another clinic's all look the same."""
    try:
        public_id = signing.Signer(salt=PAY_LINK_SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError):
        public_id = None
    link = None
    if isinstance(public_id, str):
        link = (
            PaymentLink.objects.filter(clinic=clinic, public_id=public_id)
            .select_related("clinic", "booking__service", "booking__client__user", "payment")
            .first()
            if _is_uuid(public_id)
            else None
        )
    if link is None:
        raise PaymentError(
            _("This payment link is not valid. Please use the link exactly as it was sent."),
            field="token",
            status=404,
            code=PaymentErrorCode.LINK_INVALID,
        )
    return link


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def link_state(link, now=None) -> str:
    """``open``, ``paid``, ``cancelled`` or ``expired``."""
    if link.status == PaymentLinkStatus.OPEN and link.expires_at <= (now or timezone.now()):
        return "expired"
    return link.status


def links_for_booking(clinic, booking) -> list[PaymentLink]:
    return list(PaymentLink.objects.filter(clinic=clinic, booking=booking))
