from django.urls import path

from privacy.api.views import ConsentsView, ErasureView, ExportDownloadView, ExportView

urlpatterns = [
    path("privacy/export", ExportView.as_view(), name="privacy-export"),
    path(
        "privacy/export/download/<str:token>",
        ExportDownloadView.as_view(),
        name="privacy-export-download",
    ),
    path("privacy/erasure", ErasureView.as_view(), name="privacy-erasure"),
    path("privacy/consents", ConsentsView.as_view(), name="privacy-consents"),
]
