import factory

from branding.models import Clinic, Location
from branding.services import clinic_upsert, location_upsert


class ClinicFactory(factory.django.DjangoModelFactory):
    """A clinic made the way the product makes one: site, home page, groups, collection.

    ``ClinicFactory(admin_groups=False)`` skips the admin groups and the collection until
    the first membership is granted (``membership_grant`` ensures them), as the shared
    ``clinic`` fixtures do: most tests never open the admin."""

    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic{n}")
    domain = factory.LazyAttribute(lambda o: f"{o.slug}.localhost")
    timezone = "Europe/London"
    currency = "GBP"
    language = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        connected = kwargs.pop("stripe_connected", True)
        clinic, _ = clinic_upsert(**kwargs)
        if connected:
            stripe_connect(clinic)
        return clinic


def stripe_connect(clinic, account_id=None):
    """The clinic's Stripe Connect account, onboarded (as a clinic that takes payment
    has): every Stripe call of the clinic carries ``Stripe-Account: acct_test_<slug>``.
    ``ClinicFactory(stripe_connected=False)`` makes a clinic without one."""
    from payments.models import StripeAccount

    account, _ = StripeAccount.objects.update_or_create(
        clinic=clinic,
        defaults={
            "kind": "connect",
            "account_id": account_id or f"acct_test_{clinic.slug}",
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
        },
    )
    return account


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    clinic = factory.SubFactory(ClinicFactory)
    key = factory.Sequence(lambda n: f"loc{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
    address = "1 High Street"
    is_main = False
    opening_hours = None
    closures = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return location_upsert(**kwargs)
