"""``seed_demo``: two clinics from the files under demo/, people who can sign in, and a
command that changes nothing when run again."""

from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from PIL import Image

from branding.importing.runner import load_document, validate_document
from branding.models import (
    BookingPolicySettings,
    BrandingSettings,
    Clinic,
    Closure,
    FeatureSettings,
    Location,
)
from demo.management.commands.seed_demo import ADMIN_EMAIL, DEMO_PASSWORD
from notifications.models import Delivery, Notification
from people.models import ClientAccount, ClinicMembership
from tests.branding.test_import import MODELS
from tests.branding.test_import import snapshot as import_snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()
DEMO = Path(settings.BASE_DIR) / "demo"


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    rows = import_snapshot()
    for model in (EmailAddress, Notification, Delivery):
        rows[model._meta.label] = [
            tuple(sorted(r.items())) for r in model.objects.order_by("pk").values()
        ]
    return rows


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed once for the module inside an outer transaction that is rolled back at the end.
    Each test runs in its own savepoint on top of it, so what one test changes (seeding again,
    a password someone chose) is undone before the next test reads the seeded rows."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def test_demo_files_are_valid_and_logos_small():
    for name, logo in (("glow.yaml", "glow-logo.png"), ("riverside.yaml", "riverside-logo.png")):
        values = validate_document(load_document(DEMO / name))
        assert values["clinic"].branding.logo == logo
        path = DEMO / logo
        assert path.stat().st_size < 20_000
        with Image.open(path) as image:
            assert image.format == "PNG"


def test_seed_twice_changes_nothing(seeded):
    counts = {model._meta.label: model.objects.count() for model in MODELS}
    before = snapshot()
    seed()
    assert snapshot() == before
    assert {model._meta.label: model.objects.count() for model in MODELS} == counts
    assert Clinic.objects.count() == 2


def test_two_clinics_as_described(seeded):
    glow = Clinic.objects.get(slug="glow")
    riverside = Clinic.objects.get(slug="riverside")
    assert (glow.name, glow.site.hostname, glow.timezone, glow.currency) == (
        "Glow Aesthetics",
        "glow.localhost",
        "Europe/London",
        "GBP",
    )
    assert (riverside.name, riverside.site.hostname, riverside.timezone, riverside.currency) == (
        "Riverside Veterinary",
        "riverside.localhost",
        "America/New_York",
        "USD",
    )
    assert list(Location.objects.filter(clinic=glow).values_list("name", "is_main")) == [
        ("Glow Marylebone", True),
        ("Glow Soho", False),
    ]
    for clinic in (glow, riverside):
        christmas = Closure.objects.filter(location__clinic=clinic, date__month=12, date__day=25)
        assert christmas.count() == clinic.locations.count()
        branding = BrandingSettings.objects.get(site=clinic.site)
        assert branding.logo is not None
        roles = sorted(
            ClinicMembership.objects.filter(clinic=clinic).values_list("role", flat=True)
        )
        assert roles == ["manager", "staff", "therapist"]
        assert 3 <= ClientAccount.objects.filter(clinic=clinic).count() <= 4
        assert all(a.phone.startswith("+") for a in ClientAccount.objects.filter(clinic=clinic))
    glow_features = FeatureSettings.objects.get(site=glow.site)
    riverside_features = FeatureSettings.objects.get(site=riverside.site)
    assert (glow_features.games, glow_features.pets) == (True, False)
    assert (riverside_features.games, riverside_features.pets) == (True, True)
    glow_primary = BrandingSettings.objects.get(site=glow.site).primary_color
    assert glow_primary != BrandingSettings.objects.get(site=riverside.site).primary_color


def test_the_clinics_have_different_policies(seeded):
    glow = BookingPolicySettings.objects.get(site__clinic__slug="glow")
    riverside = BookingPolicySettings.objects.get(site__clinic__slug="riverside")
    assert (glow.late_cancel_fee_kind, glow.payment_mode, glow.deposit_percent) == (
        "percent",
        "deposit",
        20,
    )
    assert (riverside.late_cancel_fee_kind, riverside.payment_mode) == ("fixed", "none")
    assert riverside.no_show_blocks_online_booking is True


def _login(host, email, password):
    client = Client(HTTP_HOST=host)
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response


def test_a_seeded_patient_signs_in_with_the_demo_password(seeded):
    account = ClientAccount.objects.filter(clinic__slug="glow").first()
    client, response = _login("glow.localhost", account.user.email, DEMO_PASSWORD)
    assert response.status_code == 302, response.content[:500]
    assert client.session["_auth_user_id"] == str(account.user.pk)


def test_a_wrong_password_does_not_sign_in(seeded):
    account = ClientAccount.objects.filter(clinic__slug="riverside").first()
    client, response = _login("riverside.localhost", account.user.email, "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_and_admin_can_sign_in(seeded):
    manager = ClinicMembership.objects.get(clinic__slug="riverside", role="manager").user
    _, response = _login("riverside.localhost", manager.email, DEMO_PASSWORD)
    assert response.status_code == 302
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_superuser and admin.is_staff
    _, response = _login("glow.localhost", ADMIN_EMAIL, DEMO_PASSWORD)
    assert response.status_code == 302


def test_demo_people_have_verified_primary_email(seeded):
    people = User.objects.filter(memberships__isnull=False) | User.objects.filter(
        client_accounts__isnull=False
    )
    for user in people.distinct():
        address = EmailAddress.objects.get(user=user)
        assert (address.email, address.verified, address.primary) == (user.email, True, True)


def test_a_password_someone_chose_is_left_alone(seeded):
    user = ClientAccount.objects.filter(clinic__slug="glow").first().user
    user.set_password("my-own-secret-99")
    user.save()
    seed()
    user.refresh_from_db()
    assert user.check_password("my-own-secret-99")
    assert not user.check_password(DEMO_PASSWORD)


def test_patients_have_a_little_history(seeded):
    for account in ClientAccount.objects.all():
        notifications = Notification.objects.filter(clinic=account.clinic, user=account.user)
        # (besides the "+N points" notices of their completed visits)
        assert notifications.exclude(kind="points_added").count() == 2
    assert not Delivery.objects.exists()  # in-app only: the demo sends nothing


def test_output_lists_urls_and_logins(seeded):
    assert "http://glow.localhost:8000/" in seeded
    assert "http://riverside.localhost:8000/" in seeded
    assert "/admin/" in seeded
    for user in User.objects.all():
        assert user.email in seeded
    line = next(line for line in seeded.splitlines() if "amelia.hart@glow.example.com" in line)
    assert line.split() == [
        "amelia.hart@glow.example.com",
        "manager",
        "Glow",
        "Aesthetics",
        DEMO_PASSWORD,
    ]


def test_demo_patients_have_points_for_their_completed_visits(seeded):
    """Olivia's two completed Glow visits earned points, so a demo patient can redeem;
    seeding again (test above) posts nothing more."""
    from loyalty.models import LedgerEntry
    from loyalty.selectors import balance
    from people.models import ClientAccount

    olivia = ClientAccount.objects.get(
        clinic__slug="glow", user__email="olivia.bennett@example.com"
    )
    assert LedgerEntry.objects.filter(client=olivia, kind="earn").count() == 2
    assert balance(olivia.clinic, olivia) > 0


def test_every_demo_service_and_staff_member_has_a_picture_drawn_locally(seeded):
    from wagtail.images import get_image_model

    from booking_api.models import Service, StaffMember

    assert not Service.objects.filter(image__isnull=True).exists()
    assert not StaffMember.objects.filter(photo__isnull=True).exists()
    images = get_image_model().objects.count()
    seed()  # found again by their hash: nothing added
    assert get_image_model().objects.count() == images
    glow = Clinic.objects.get(slug="glow")
    service = Service.objects.filter(clinic=glow).select_related("image").first()
    assert service.image.collection.get_parent() is not None  # the clinic's collection


def test_each_demo_clinic_is_paid_into_its_own_connected_account(seeded):
    from payments.models import StripeAccount
    from payments.stripe_api import account_problem, stripe_client

    accounts = {a.clinic.slug: a for a in StripeAccount.objects.select_related("clinic")}
    assert {slug: a.account_id for slug, a in accounts.items()} == {
        "glow": "acct_demo_glow",
        "riverside": "acct_demo_riverside",
    }
    for account in accounts.values():
        assert account_problem(account.clinic) is None
        assert stripe_client(account.clinic).options["stripe_account"] == account.account_id
    # A clinic whose manager connected another account keeps it when seeded again.
    StripeAccount.objects.filter(clinic__slug="glow").update(account_id="acct_real_one")
    seed()
    assert StripeAccount.objects.get(clinic__slug="glow").account_id == "acct_real_one"


def test_the_shops_take_orders(seeded):
    from commerce.models import Product

    glow = Clinic.objects.get(slug="glow")
    riverside = Clinic.objects.get(slug="riverside")
    assert FeatureSettings.objects.get(site=glow.site).orders_payment == "order"
    assert FeatureSettings.objects.get(site=riverside.site).orders_payment == "pickup"
    assert Product.objects.filter(clinic=glow, kind="retail").count() == 3
    assert sorted(Product.objects.filter(clinic=riverside).values_list("kind", flat=True)) == [
        "food",
        "food",
        "medication",
    ]
    assert Product.objects.get(name="Vitamin C brightening serum").price == 3800


def test_glow_sells_packages_gift_cards_and_a_membership(seeded):
    """Packages, gift cards and memberships are on at Glow, with a plan of each to try:
    a patient sees them in the portal. Seeding again adds no second plan or form."""
    from commerce.models import MembershipPlan, PackagePlan
    from records.models import FormTemplate

    glow = Clinic.objects.get(slug="glow")
    features = FeatureSettings.objects.get(site=glow.site)
    assert (features.packages, features.gift_cards, features.memberships, features.orders) == (
        True,
        True,
        True,
        True,
    )
    package = PackagePlan.objects.get(clinic=glow)
    assert (package.name, package.sessions, package.active) == ("3 facials", 3, True)
    assert list(package.services.values_list("key", flat=True)) == ["facial"]
    plan = MembershipPlan.objects.get(clinic=glow)
    assert (plan.interval, plan.credits_per_period, plan.price) == ("month", 1, 6500)
    assert list(plan.credit_services.values_list("key", flat=True)) == ["facial"]
    assert plan.agreement.kind == "consent" and plan.agreement.fields
    seed()
    assert PackagePlan.objects.filter(clinic=glow).count() == 1
    assert MembershipPlan.objects.filter(clinic=glow).count() == 1
    assert FormTemplate.objects.filter(clinic=glow).count() == 1

    account = ClientAccount.objects.get(clinic=glow, user__email="olivia.bennett@example.com")
    client, _ = _login("glow.localhost", account.user.email, DEMO_PASSWORD)
    assert "3 facials" in client.get("/packages/").content.decode()
    assert "Glow monthly" in client.get("/memberships/").content.decode()
    join = client.get(f"/memberships/plans/{plan.pk}/join/").content.decode()
    assert "Sign Glow membership agreement" in join  # the form comes first, then a card
    sign_page = client.get(f"/documents/forms/{plan.agreement.pk}/sign/").content.decode()
    assert "I agree to be billed monthly until I cancel." in sign_page
    assert client.get("/gift-cards/").status_code == 200


def test_riverside_has_games_refills_and_no_plans(seeded):
    from commerce.models import MembershipPlan, PackagePlan
    from loyalty.models import Game

    riverside = Clinic.objects.get(slug="riverside")
    features = FeatureSettings.objects.get(site=riverside.site)
    assert (features.games, features.orders, features.packages) == (True, True, False)
    assert Game.objects.filter(clinic=riverside, active=True).exists()
    assert not PackagePlan.objects.filter(clinic=riverside).exists()
    assert not MembershipPlan.objects.filter(clinic=riverside).exists()
    account = ClientAccount.objects.get(clinic=riverside, user__email="emily.carter@example.com")
    client, _ = _login("riverside.localhost", account.user.email, DEMO_PASSWORD)
    assert "Paw wheel" in client.get("/games/").content.decode()
