from django.urls import path

from booking_api.api import cart

urlpatterns = [
    path("cart", cart.CartView.as_view(), name="cart"),
    path("cart/<id:item_id>", cart.CartItemView.as_view(), name="cart-item"),
    path("cart/<id:item_id>/book", cart.CartBookView.as_view(), name="cart-book"),
    path("waitlist", cart.WaitlistView.as_view(), name="waitlist"),
    path("waitlist/<id:entry_id>", cart.WaitlistEntryView.as_view(), name="waitlist-entry"),
]
