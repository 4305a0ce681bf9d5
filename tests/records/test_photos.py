"""Photo uploads: checked by content, size and dimensions, stored re-encoded without
EXIF, served only to their owner, the clinic's staff, or from the slideshow."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from people.models import AuditEntry, Photo
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import PetFactory, image_bytes, upload
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def photo_url(account, photo):
    return reverse(
        "client_records:photo_file", kwargs={"client_pk": account.pk, "photo_id": photo.pk}
    )


def test_a_text_file_named_jpg_is_refused_naming_the_field(vet_portal, settings):
    response = vet_portal.post(
        "/photos/", {"image": upload("holiday.jpg", b"just some text, not a picture")}
    )
    assert response.status_code == 200
    assert "image" in response.context["form"].errors
    assert "not an image" in response.context["form"].errors["image"][0]
    assert not Photo.objects.exists() and not stored_files(settings)


def test_a_file_over_the_size_limit_is_refused(vet_portal, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = image_bytes("PNG", size=(1200, 1200))
    noise = Image.frombytes("RGB", (1200, 1200), bytes(range(256)) * (1200 * 1200 * 3 // 256))
    out = io.BytesIO()
    noise.save(out, format="BMP")  # uncompressed: ~4.3 MB
    response = vet_portal.post("/photos/", {"image": upload("big.jpg", out.getvalue())})
    errors = response.context["form"].errors["image"]
    assert "the limit is 2 MB" in errors[0]
    assert not Photo.objects.exists()
    assert len(big) < settings.PHOTO_MAX_UPLOAD_BYTES  # a small one of the same kind passes
    assert vet_portal.post("/photos/", {"image": upload("ok.png", big)}).status_code == 302


def test_an_image_with_too_many_pixels_is_refused(vet_portal, settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    response = vet_portal.post(
        "/photos/", {"image": upload("wide.png", image_bytes("PNG", size=(2000, 1000)))}
    )
    assert "2000×1000 pixels" in response.context["form"].errors["image"][0]
    assert not Photo.objects.exists() and not stored_files(settings)


def test_exif_is_stripped_and_the_image_re_encoded(vet_portal, owner, settings):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0132] = "2024:01:01 10:00:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    original = image_bytes("JPEG", size=(300, 200), exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif()  # the upload does carry EXIF
    assert b"SpyCam" in original

    assert (
        vet_portal.post(
            "/photos/", {"image": upload("me.jpg", original), "shareable": "on"}
        ).status_code
        == 302
    )
    photo = Photo.objects.get(client=owner)
    assert photo.shareable and photo.content_type == "image/jpeg"
    with photo.image.open("rb") as fh:
        stored = fh.read()
    assert stored != original and b"SpyCam" not in stored
    reopened = Image.open(io.BytesIO(stored))
    assert not reopened.getexif() and "exif" not in reopened.info
    assert reopened.size == (300, 200) == (photo.width, photo.height)
    # The owner gets it back through the checking view; the path is not public.
    response = vet_portal.get(reverse("portal:photo_file", kwargs={"photo_id": photo.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert not photo.image.name.startswith(settings.MEDIA_URL.strip("/"))
    assert "private" in response["Cache-Control"]


def test_only_the_owner_and_the_clinics_staff_see_a_photo(
    vet, owner, vet_portal, vet_admin, glow_on
):
    vet_portal.post("/photos/", {"image": upload()})
    photo = Photo.objects.get()
    file_url = reverse("portal:photo_file", kwargs={"photo_id": photo.pk})

    neighbour = host_client(vet)
    neighbour.force_login(ClientAccountFactory(clinic=vet).user)
    assert neighbour.get(file_url).status_code == 404
    assert host_client(vet).get(file_url).status_code == 404  # signed out
    # The same id on another clinic's domain, even by its owner's own login.
    at_glow = host_client(glow_on)
    at_glow.force_login(owner.user)
    assert at_glow.get(file_url).status_code == 404

    assert vet_admin.get(photo_url(owner, photo)).status_code == 200
    glow_staff = host_client(glow_on)
    glow_staff.force_login(MembershipFactory(clinic=glow_on, role="manager").user)
    assert glow_staff.get(photo_url(owner, photo)).status_code == 404
    # Another client of the same clinic in the URL: not found either.
    other = ClientAccountFactory(clinic=vet)
    assert vet_admin.get(photo_url(other, photo)).status_code == 404
    # Nor can another client change its sharing or remove it.
    assert (
        neighbour.post(reverse("portal:photo_remove", kwargs={"photo_id": photo.pk})).status_code
        == 404
    )
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_staff_star_and_heart_and_the_slideshow_shows_only_shared_stars(
    vet, owner, vet_portal, vet_admin
):
    vet_portal.post("/photos/", {"image": upload(), "shareable": "on"})
    vet_portal.post("/photos/", {"image": upload()})
    shared, private = Photo.objects.order_by("pk")
    for photo in (shared, private):
        response = vet_admin.post(
            reverse(
                "client_records:photo_mark", kwargs={"client_pk": owner.pk, "photo_id": photo.pk}
            ),
            {"starred": "1", "favourite": "1"},
        )
        assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.starred and shared.favourite
    assert AuditEntry.objects.filter(client=owner, summary=f"Marked photo #{shared.pk}").exists()

    from people.photo_selectors import slideshow_photos

    assert [p.pk for p in slideshow_photos(vet)] == [shared.pk]
    visitor = host_client(vet)  # anyone on the clinic's home screen
    assert (
        visitor.get(reverse("portal:photo_file", kwargs={"photo_id": shared.pk})).status_code == 200
    )
    assert (
        visitor.get(reverse("portal:photo_file", kwargs={"photo_id": private.pk})).status_code
        == 404
    )
    # The owner withdraws consent: out of the slideshow at once.
    vet_portal.post(
        reverse("portal:photo_share", kwargs={"photo_id": shared.pk}), {"shareable": "0"}
    )
    assert slideshow_photos(vet) == []


def test_a_pet_photo_must_be_of_the_owners_own_pet(vet, owner, vet_portal):
    theirs = PetFactory(owner=ClientAccountFactory(clinic=vet))
    mine = PetFactory(owner=owner)
    response = vet_portal.post("/photos/", {"image": upload(), "pet": theirs.pk})
    assert "pet" in response.context["form"].errors
    assert vet_portal.post("/photos/", {"image": upload(), "pet": mine.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.photo.pet_id == mine.pk and mine.photo.kind == "pet"
