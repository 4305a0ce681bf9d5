import factory

from commerce.models import MembershipPlan, PackagePlan


class PackagePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackagePlan
        skip_postgeneration_save = True

    name = "Six laser sessions"
    sessions = 6
    price = 30000
    validity_days = 365

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipPlan
        skip_postgeneration_save = True

    name = "Glow club"
    price = 3000
    interval = "month"

    @factory.post_generation
    def credit_services(self, create, extracted, **kwargs):
        if create and extracted:
            self.credit_services.set(extracted)

    @factory.post_generation
    def discount_services(self, create, extracted, **kwargs):
        if create and extracted:
            self.discount_services.set(extracted)
