from django.urls import path

from people.api import forms, messages, pets_photos
from people.api.views import MeView, TokenView

urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("me", MeView.as_view(), name="me"),
    path("messages", messages.MessagesView.as_view(), name="messages"),
    path("messages/<int:thread_id>", messages.ThreadView.as_view(), name="message-thread"),
    path("pets", pets_photos.PetsView.as_view(), name="pets"),
    path("pets/<int:pet_id>", pets_photos.PetView.as_view(), name="pet"),
    path("photos", pets_photos.PhotosView.as_view(), name="photos"),
    path("photos/<int:photo_id>/image", pets_photos.PhotoFileView.as_view(), name="photo-file"),
    path("forms", forms.FormsView.as_view(), name="forms"),
    path("forms/<int:form_id>", forms.FormView.as_view(), name="form"),
    path("forms/<int:form_id>/sign", forms.FormSignView.as_view(), name="form-sign"),
    path("signed-forms/<int:signed_id>/pdf", forms.SignedFormPdfView.as_view(), name="signed-pdf"),
    path("medical-history", forms.MedicalHistoryView.as_view(), name="medical-history"),
]
