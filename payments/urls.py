from django.urls import path

from payments import views

urlpatterns = [
    path("payments/stripe/webhook", views.stripe_webhook, name="stripe-webhook"),
    path(
        "payments/stripe/webhook/<slug:clinic_slug>",
        views.stripe_webhook,
        name="stripe-webhook-clinic",
    ),
]
