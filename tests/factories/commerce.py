import factory

from commerce.models import PackagePlan


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
