from django.urls import path

from branding.api.views import ClinicView

urlpatterns = [
    path("clinic", ClinicView.as_view(), name="clinic"),
]
