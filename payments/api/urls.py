from django.urls import path

from payments.api import views

urlpatterns = [
    path("checkout", views.CheckoutCreateView.as_view(), name="checkout"),
    path("bookings/<id:pk>/checkout", views.BookingCheckoutView.as_view(), name="booking-checkout"),
    path("payments/<id:pk>", views.PaymentDetailView.as_view(), name="payment-detail"),
    path("payment-sheet", views.PaymentSheetView.as_view(), name="payment-sheet"),
    path("cards/add", views.CardAddView.as_view(), name="card-add"),
    path(
        "cards/add/<str:setup_intent>", views.CardAddRefreshView.as_view(), name="card-add-refresh"
    ),
    path("payments/<id:pk>/confirm", views.PaymentConfirmView.as_view(), name="payment-confirm"),
    path("bookings/<id:pk>/card-setup", views.CardSetupStartView.as_view(), name="card-setup"),
    path(
        "bookings/<id:pk>/card-setup/confirm",
        views.CardSetupConfirmView.as_view(),
        name="card-setup-confirm",
    ),
    path("cards", views.SavedCardListView.as_view(), name="saved-cards"),
    path("cards/<id:pk>", views.SavedCardDetailView.as_view(), name="saved-card"),
    path("payments", views.ReceiptListView.as_view(), name="receipts"),
    path(
        "payments/<id:pk>/receipt.pdf", views.PaymentReceiptView.as_view(), name="payment-receipt"
    ),
    path(
        "payments/<id:pk>/receipt/send",
        views.PaymentReceiptSendView.as_view(),
        name="payment-receipt-send",
    ),
    path("refunds/<id:pk>/receipt.pdf", views.RefundReceiptView.as_view(), name="refund-receipt"),
]
