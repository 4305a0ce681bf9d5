"""A clinic goes live without an engineer: a platform operator creates it from the admin
(name, domain, time zone, currency, language, first manager's email). In one
transaction: the clinic (``branding.services.clinic_upsert``: site, home page, media
collection, admin groups), the starter dashboard cards and policy page (as
``manage.py seed_portal``), and the manager's membership; after commit the manager is
emailed a single-use link on the clinic's own domain to choose a password."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Site

from branding.errors import DomainError
from branding.links import portal_origin
from branding.models import Clinic
from branding.services import clinic_upsert
from notifications.services import Category, notify
from people.models import StaffRole
from people.services import membership_grant, password_set_url, user_get_or_create
from portal_pages.errors import PortalErrorCode
from portal_pages.services import dashboard_cards_seed, policy_page_seed


@transaction.atomic
def clinic_launch(*, name, domain, timezone, currency, language, manager_email) -> Clinic:
    """Create a working clinic and invite its first manager. A name or domain already
    in use is refused naming the field, and nothing is written."""
    domain = (domain or "").strip().lower()
    slug = slugify(name or "")[:50]
    if not slug:
        raise DomainError(
            _("Give the clinic a name."), field="name", code=PortalErrorCode.CLINIC_NAME_INVALID
        )
    if Clinic.objects.filter(slug=slug).exists():
        raise DomainError(
            _("A clinic named %(name)s exists already.") % {"name": name},
            field="name",
            code=PortalErrorCode.CLINIC_EXISTS,
        )
    if Site.objects.filter(hostname__iexact=domain).exists():
        raise DomainError(
            _("%(domain)s is already in use.") % {"domain": domain},
            field="domain",
            code=PortalErrorCode.CLINIC_EXISTS,
        )
    clinic, _created = clinic_upsert(
        slug=slug,
        name=name,
        domain=domain,
        timezone=timezone,
        currency=currency,
        language=language,
    )
    dashboard_cards_seed(clinic=clinic)
    policy_page_seed(clinic=clinic)
    manager, _new = user_get_or_create(email=manager_email)
    membership_grant(clinic=clinic, user=manager, role=StaffRole.MANAGER)
    link = password_set_url(manager, base_url=portal_origin(domain))
    notify(
        clinic=clinic,
        user=manager,
        kind="staff.invitation",
        category=Category.ACCOUNT,
        title=_("You manage %(clinic)s") % {"clinic": clinic.name},
        body=_(
            "%(clinic)s is on the platform and you are its manager. Choose a password to "
            "sign in to the admin at %(admin)s, where you set up branding, services, "
            "staff and policies:\n\n%(link)s\n\nThe link works once."
        )
        % {"clinic": clinic.name, "admin": portal_origin(domain) + "/admin/", "link": link},
        url=link,
        idempotency_key=f"clinic-{clinic.pk}-manager-{manager.pk}-invitation",
    )
    return clinic
