from django.urls import path

from people.api import pets_photos
from people.api.views import DevicesView, DeviceView, MeView, TokenView

urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("auth/devices", DevicesView.as_view(), name="auth-devices"),
    path("auth/devices/<str:device>", DeviceView.as_view(), name="auth-device"),
    path("me", MeView.as_view(), name="me"),
    path("pets", pets_photos.PetsView.as_view(), name="pets"),
    path("pets/<id:pet_id>", pets_photos.PetView.as_view(), name="pet"),
    path("pets/<id:pet_id>/photo", pets_photos.PetPhotoView.as_view(), name="pet-photo"),
    path(
        "pets/<id:pet_id>/deactivate",
        pets_photos.PetDeactivateView.as_view(),
        name="pet-deactivate",
    ),
    path("photos", pets_photos.PhotosView.as_view(), name="photos"),
    path("photos/<id:photo_id>", pets_photos.PhotoView.as_view(), name="photo"),
    path("photos/<id:photo_id>/image", pets_photos.PhotoFileView.as_view(), name="photo-file"),
]
