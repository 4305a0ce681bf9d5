"""Two demo clinics, imported from the clinic files under ``demo/`` through the same code
as ``import_clinic``, plus what a demo needs on top: people who can sign in with a known
password, a superuser, and a little history for each patient. Idempotent: running it
again changes nothing."""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from branding.importing import ImportFileError, import_clinic_file

DEMO_DIR = Path(__file__).resolve().parents[2]  # demo/, beside this app's code
DEMO_FILES = ("glow.yaml", "riverside.yaml")
DEMO_PASSWORD = "demo-pass-1234"
ADMIN_EMAIL = "admin@example.com"
PORT = int(os.environ.get("PORT", "8000"))  # as scripts/run_demo.sh serves it


class Command(BaseCommand):
    help = (
        "Import the two demo clinics (demo/glow.yaml, demo/riverside.yaml), give their "
        f"people the password {DEMO_PASSWORD!r} (only if they have none), verify their "
        "email, create the superuser admin@example.com and seed patients' notifications. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        logins = []  # (email, role, clinic, password)
        clinics = []
        with transaction.atomic():
            for name in DEMO_FILES:
                try:
                    ctx = import_clinic_file(DEMO_DIR / name)
                except ImportFileError as exc:
                    raise CommandError(f"demo/{name} was not imported:\n{exc.message}") from exc
                clinics.append(ctx.clinic)
                for membership in ctx.refs.get("team", {}).values():
                    demo_login_ensure(membership.user)
                    logins.append(
                        (membership.user.email, membership.role, ctx.clinic.name, DEMO_PASSWORD)
                    )
                for account in ctx.refs.get("client", {}).values():
                    demo_login_ensure(account.user)
                    logins.append((account.user.email, "patient", ctx.clinic.name, DEMO_PASSWORD))
                demo_stripe_connect(ctx.clinic)
                seed_patient_notifications(ctx.clinic, ctx.refs.get("client", {}).values())
                demo_pictures(ctx.clinic)
                demo_visit_points(ctx.clinic)
                if ctx.clinic.slug == "glow":
                    demo_glow_plans(ctx.clinic)
            practice_connect(clinics)
            admin_ensure()
            logins.append((ADMIN_EMAIL, "superuser", "(all, /admin/)", DEMO_PASSWORD))
        self._report(clinics, logins)

    def _report(self, clinics, logins):
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready."))
        out.write("")
        for clinic in clinics:
            out.write(f"  {clinic.name:<24} http://{clinic.site.hostname}:{PORT}/")
        first = clinics[0].site.hostname if clinics else "localhost"
        out.write(f"  {'Admin (Wagtail)':<24} http://{first}:{PORT}/admin/")
        out.write(f"  {'Django admin':<24} http://{first}:{PORT}/django-admin/")
        out.write("")
        out.write(
            "Passwords are set only for people who had none; a password changed since "
            "is left alone."
        )
        headers = ("email", "role", "clinic", "password")
        widths = [max(len(str(row[i])) for row in [headers, *logins]) for i in range(4)]
        line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031
        out.write(line.format(*headers))
        out.write(line.format(*("-" * w for w in widths)))
        for row in logins:
            out.write(line.format(*row))


def demo_visit_points(clinic):
    """The demo's completed visits earn their points, as a visit completed in the product
    does (an import brings history, not a ledger), so patients have points to redeem.
    Once per visit, however often the demo is seeded."""
    from booking_api.models import Booking, BookingStatus
    from loyalty.services import points_for_completed_booking

    for booking_id in Booking.objects.filter(
        clinic=clinic, status=BookingStatus.COMPLETED
    ).values_list("pk", flat=True):
        points_for_completed_booking(booking_id)


GLOW_AGREEMENT = "Glow membership agreement"


def demo_glow_plans(clinic):
    """What Glow sells beyond single visits (its file switches packages, gift cards and
    memberships on): a course of three facials, and a monthly membership with one
    facial a month and 10% off, signed for with a consent form first. Found again by
    name, so a second seeding adds nothing and a manager's later edits are kept."""
    from booking_api.models import Service
    from commerce.models import MembershipPlan, PackagePlan
    from records.models import FormKind, FormTemplate

    facial = Service.objects.get(clinic=clinic, key="facial")
    plan, created = PackagePlan.objects.get_or_create(
        clinic=clinic,
        name="3 facials",
        defaults={
            "description": "Three Signature facials, to use within a year.",
            "sessions": 3,
            "price": 22_500,  # £225.00 instead of £255.00
            "validity_days": 365,
        },
    )
    if created:
        plan.services.set([facial])
    agreement, _ = FormTemplate.objects.get_or_create(
        clinic=clinic,
        title=GLOW_AGREEMENT,
        defaults={
            "kind": FormKind.CONSENT,
            "intro": (
                "Glow membership is billed monthly to your card until you cancel; "
                "cancelling ends it at the end of the paid month. One Signature facial "
                "a month is included (unused ones expire) and every treatment is 10% off."
            ),
            "valid_for_months": 0,
            "fields": [
                {
                    "type": "yes_no",
                    "value": {
                        "label": "I agree to be billed monthly until I cancel.",
                        "help_text": "",
                        "required": True,
                    },
                }
            ],
        },
    )
    membership, created = MembershipPlan.objects.get_or_create(
        clinic=clinic,
        name="Glow monthly",
        defaults={
            "description": "One Signature facial a month and 10% off every treatment.",
            "price": 6_500,  # £65.00 a month
            "discount_percent": 10,
            "credits_per_period": 1,
            "agreement": agreement,
        },
    )
    if created:
        membership.credit_services.set([facial])


def demo_pictures(clinic):
    """Service pictures and staff photos drawn locally (``demo.artwork``), in the
    clinic's media collection, for whatever has none yet: a manager's own choice in the
    admin is kept. The same drawing is found again by its hash, so nothing is added
    twice."""
    from booking_api.models import Service, StaffMember
    from booking_api.services.catalogue import service_upsert, staff_upsert
    from demo.artwork import service_picture, staff_portrait

    for service in Service.objects.filter(clinic=clinic, image__isnull=True):
        image = _demo_image(clinic, service.name, service_picture(service.name))
        service_upsert(clinic=clinic, key=service.key, image=image)
    for member in StaffMember.objects.filter(clinic=clinic, photo__isnull=True):
        image = _demo_image(clinic, member.display_name, staff_portrait(member.display_name))
        staff_upsert(clinic=clinic, key=member.key, photo=image)


def _demo_image(clinic, title, data):
    import hashlib

    from django.core.files.images import ImageFile
    from django.utils.text import slugify
    from wagtail.images import get_image_model

    from branding.services import clinic_collection

    digest = hashlib.sha1(data).hexdigest()
    collection = clinic_collection(clinic)
    model = get_image_model()
    image = model.objects.filter(collection=collection, file_hash=digest).first()
    if image is None:
        from io import BytesIO

        image = model(title=title, collection=collection, file_hash=digest)
        image.file = ImageFile(BytesIO(data), name=f"{slugify(title)}.png")
        image.save()
    return image


def demo_stripe_connect(clinic):
    """Each demo clinic is paid into its own (pretend) connected Stripe account,
    ``acct_demo_<slug>``, onboarded: its Stripe calls carry that ``Stripe-Account``, which
    the demo's local test server (no Connect) accepts and ignores. A clinic that already
    has an account keeps it."""
    from payments.models import StripeAccount, StripeAccountKind

    StripeAccount.objects.get_or_create(
        clinic=clinic,
        defaults={
            "kind": StripeAccountKind.CONNECT,
            "account_id": f"acct_demo_{clinic.slug}",
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
        },
    )


def demo_login_ensure(user):
    """Let a demo person sign in: the demo password if they have no usable one yet, and
    their email verified (allauth requires it) and primary."""
    from allauth.account.models import EmailAddress

    if not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def admin_ensure():
    """The platform superuser, created once with the demo password."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(
            email=ADMIN_EMAIL, password=DEMO_PASSWORD, first_name="Demo", last_name="Admin"
        )
    demo_login_ensure(user)
    return user


def seed_patient_notifications(clinic, accounts):
    """Patients with history: a couple of in-app notifications each (bookings come from
    the booking engine later). Stable idempotency keys, so seeding twice adds nothing;
    in-app only (no channels), so the demo sends no email or SMS."""
    from notifications.services import Category, notify

    for account in accounts:
        user = account.user
        messages = [
            (
                "welcome",
                Category.ACCOUNT,
                f"Welcome to {clinic.name}",
                f"Hello {user.get_short_name()}, your client account at {clinic.name} is "
                "ready. You can book, reschedule and see your history here.",
                "/",
            ),
            (
                "visit-thanks",
                Category.MESSAGE,
                "Thank you for your visit",
                f"Thank you for visiting {clinic.name}. We hope to see you again soon — "
                "reply from the portal if you have any questions.",
                "",
            ),
        ]
        for kind, category, title, body, url in messages:
            notify(
                clinic=clinic,
                user=user,
                kind=f"demo.{kind}",
                category=category,
                title=title,
                body=body,
                url=url,
                idempotency_key=f"demo:{clinic.slug}:{account.key}:{kind}",
                channels=[],
            )


def practice_connect(clinics):
    """Riverside syncs with the demo's local practice system (``sync.fake_practice``,
    started by scripts/run_demo.sh on PRACTICE_PORT), every minute."""
    import os

    from sync.services.connections import connection_save

    port = os.environ.get("PRACTICE_PORT", "8430")
    for clinic in clinics:
        if clinic.slug == "riverside":
            connection_save(
                clinic=clinic,
                kind="rest",
                base_url=f"http://127.0.0.1:{port}",
                credentials={"api_key": "demo-key"},
                staff_map={},
                interval_minutes=1,
            )
