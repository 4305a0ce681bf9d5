import datetime

import factory

from booking_api.models import Service, ServiceCategory, StaffMember, TimeOff, WorkingHours
from branding.models import Location
from tests.factories.branding import ClinicFactory


def main_location(clinic):
    location = Location.objects.filter(clinic=clinic, is_main=True).first()
    if location is None:
        location = Location.objects.create(
            clinic=clinic, key="main", name=clinic.name, is_main=True
        )
    return location


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    clinic = factory.SubFactory(ClinicFactory)
    category = factory.LazyAttribute(
        lambda o: ServiceCategory.objects.get_or_create(clinic=o.clinic, name="Treatments")[0]
    )
    key = factory.Sequence(lambda n: f"service{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 30
    price = 4500
    buffer_before_minutes = 0
    buffer_after_minutes = 0
    slot_step_minutes = 15


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member. ``hours`` maps weekday → [("09:00", "17:00"), ...] at the main
    location (default: Monday to Sunday 09:00–17:00); ``services`` they perform."""

    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    key = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"Therapist {n}")

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.add(*extracted)

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = {day: [("09:00", "17:00")] for day in range(7)}
        location = kwargs.get("location") or main_location(obj.clinic)
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff=obj,
                weekday=day,
                start=datetime.time.fromisoformat(s),
                end=datetime.time.fromisoformat(e),
                location=location,
            )
            for day, ranges in extracted.items()
            for s, e in ranges
        )


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    staff = factory.SubFactory(StaffFactory)
    start = factory.LazyFunction(lambda: datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=3))


def wagtail_image(title="Picture", size=(800, 600), color=(180, 120, 200)):
    """A Wagtail image (a PNG made here) for a service's picture or a staff photo."""
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    )
