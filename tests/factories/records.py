"""Pets, photos and message threads, and images to upload."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people.models import Pet, Species
from tests.factories.clients import ClientAccountFactory


class PetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pet

    owner = factory.SubFactory(ClientAccountFactory)
    clinic = factory.SelfAttribute("owner.clinic")
    name = factory.Sequence(lambda n: f"Pet{n}")
    species = Species.DOG


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), exif=None):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, image_bytes() if content is None else content, content_type=content_type
    )
