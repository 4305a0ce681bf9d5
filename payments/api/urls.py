from django.urls import path

from payments.api import views

urlpatterns = [
    path("checkout", views.CheckoutCreateView.as_view(), name="checkout"),
    path(
        "bookings/<int:pk>/checkout", views.BookingCheckoutView.as_view(), name="booking-checkout"
    ),
    path("payments/<int:pk>/confirm", views.PaymentConfirmView.as_view(), name="payment-confirm"),
]
