from django.urls import path

from branding.api.views import ClinicIconView, ClinicView

urlpatterns = [
    path("clinic", ClinicView.as_view(), name="clinic"),
    path("clinic/icons/<int:size>.png", ClinicIconView.as_view(), name="clinic-icon"),
]
