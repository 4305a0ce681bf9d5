import factory
from django.contrib.auth import get_user_model

from people.models import ClientAccount, ClinicMembership, StaffRole
from people.services import membership_grant
from tests.factories.branding import ClinicFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    # Hashed before the insert: one write per person, not an insert and a second save.
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """People in tests have confirmed their address unless a test says otherwise
        (``UserFactory(verified_email=False)``)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class ClientAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientAccount

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(UserFactory)
    phone = "+447700900123"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A staff member of a clinic, in the clinic's admin group for the role."""

    class Meta:
        model = ClinicMembership

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffRole.STAFF

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return membership_grant(**kwargs)
