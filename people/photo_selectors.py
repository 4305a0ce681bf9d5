"""Reads about photos, clinic first. Who may see a photo's file is decided here, once,
for every door."""

from branding.selectors import clinic_features
from people.models import Photo, PhotoKind

SLIDESHOW_SIZE = 12


def photos_for_client(clinic, client):
    """The client's photos at this clinic, newest first, with their pet. One query."""
    if client is None:
        return Photo.objects.none()
    return Photo.objects.filter(clinic=clinic, client=client).select_related("pet")


def client_photo(clinic, client, photo_id):
    """The client's own photo by id, or None."""
    return photos_for_client(clinic, client).filter(pk=photo_id).first()


def clinic_photo(clinic, photo_id):
    """One of the clinic's photos by id, for staff; None if it is another clinic's."""
    return Photo.objects.filter(clinic=clinic, pk=photo_id).select_related("client").first()


def slideshow_photos(clinic, *, limit=SLIDESHOW_SIZE):
    """The clinic's home-screen slideshow: photos staff starred whose owners agreed to
    share them, newest first. One query."""
    return list(
        Photo.objects.filter(clinic=clinic, starred=True, shareable=True).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def photo_for_viewer(clinic, photo_id, *, client=None, is_staff=False):
    """The photo whose file the viewer may see, or None: their own (``client``), any of
    the clinic's for its staff, and anyone's that is in the slideshow (starred and
    shared). Another clinic's photo is never found. With ``selfies`` off only pets'
    photos are served (at a clinic with ``pets``: the pet form takes them)."""
    photo = Photo.objects.filter(clinic=clinic, pk=photo_id).first()
    if photo is None:
        return None
    features = clinic_features(clinic)
    if not features["selfies"] and not (features["pets"] and photo.kind == PhotoKind.PET):
        return None
    if is_staff or (client is not None and photo.client_id == client.pk):
        return photo
    if photo.starred and photo.shareable:
        return photo
    return None
