from django.urls import path

from payments.api import views

urlpatterns = [
    path("checkout", views.CheckoutCreateView.as_view(), name="checkout"),
    path(
        "bookings/<int:pk>/checkout", views.BookingCheckoutView.as_view(), name="booking-checkout"
    ),
    path("payments/<int:pk>/confirm", views.PaymentConfirmView.as_view(), name="payment-confirm"),
    path("bookings/<int:pk>/card-setup", views.CardSetupStartView.as_view(), name="card-setup"),
    path(
        "bookings/<int:pk>/card-setup/confirm",
        views.CardSetupConfirmView.as_view(),
        name="card-setup-confirm",
    ),
    path("cards", views.SavedCardListView.as_view(), name="saved-cards"),
    path("cards/<int:pk>", views.SavedCardDetailView.as_view(), name="saved-card"),
    path(
        "payments/<int:pk>/receipt.pdf", views.PaymentReceiptView.as_view(), name="payment-receipt"
    ),
    path(
        "payments/<int:pk>/receipt/send",
        views.PaymentReceiptSendView.as_view(),
        name="payment-receipt-send",
    ),
    path("refunds/<int:pk>/receipt.pdf", views.RefundReceiptView.as_view(), name="refund-receipt"),
]
