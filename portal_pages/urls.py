"""The portal's self-service pages, on each clinic's own domain. Included by cms/urls.py
before Wagtail's page serving, which answers every other path with the clinic's pages."""

from django.urls import path

from portal_pages import (
    account_views,
    booking_views,
    card_views,
    document_views,
    feedback_views,
    game_views,
    loyalty_views,
    medical_views,
    membership_views,
    message_views,
    order_views,
    pay_link_views,
    payment_views,
    pet_views,
    photo_views,
    privacy_views,
    pwa_views,
    shop_views,
    views,
    wallet_views,
)

app_name = "portal"

urlpatterns = [
    path("book/", views.book_start, name="book"),
    path("book/location/", views.book_location, name="book_location"),
    path("book/services/", views.book_services, name="book_services"),
    path("book/category/<id:category_id>/", views.book_services, name="book_category"),
    path("book/service/<id:service_id>/", views.book_staff, name="book_staff"),
    path("book/service/<id:service_id>/<str:staff>/", views.book_date, name="book_date"),
    path(
        "book/service/<id:service_id>/<str:staff>/<str:day>/",
        views.book_time,
        name="book_time",
    ),
    path("book/confirm/", views.book_confirm, name="book_confirm"),
    path("book/done/<uuid:reference>/", views.book_done, name="book_done"),
    path("book/check-email/", views.book_check_email, name="book_check_email"),
    path("book/verify/", views.book_verify, name="book_verify"),
    path("bookings/", booking_views.my_bookings, name="bookings"),
    path("bookings/history/", booking_views.booking_history, name="booking_history"),
    path("bookings/<uuid:reference>/", booking_views.booking_detail, name="booking_detail"),
    path(
        "bookings/<uuid:reference>/calendar.ics",
        booking_views.booking_calendar,
        name="booking_calendar",
    ),
    path(
        "bookings/<uuid:reference>/check-in/",
        booking_views.booking_check_in_view,
        name="booking_check_in",
    ),
    path(
        "bookings/<uuid:reference>/reschedule/",
        booking_views.booking_reschedule_view,
        name="booking_reschedule",
    ),
    path(
        "bookings/<uuid:reference>/cancel/",
        booking_views.booking_cancel_view,
        name="booking_cancel",
    ),
    path(
        "bookings/<uuid:reference>/done/", booking_views.booking_link_done, name="booking_link_done"
    ),
    path("manifest.webmanifest", pwa_views.manifest, name="pwa_manifest"),
    path("pwa/icon-<int:size>.png", pwa_views.icon, name="pwa_icon"),
    path("sw.js", pwa_views.service_worker, name="pwa_service_worker"),
    path("favicon.ico", pwa_views.favicon, name="favicon"),
    path("offline/", pwa_views.offline, name="pwa_offline"),
    path("account/", account_views.profile, name="profile"),
    path("account/data/", privacy_views.privacy, name="privacy"),
    path("account/data/export/", privacy_views.privacy_export, name="privacy_export"),
    path(
        "account/data/download/<str:token>/",
        privacy_views.privacy_download,
        name="privacy_download",
    ),
    path("account/data/erasure/", privacy_views.privacy_erasure, name="privacy_erasure"),
    path("account/data/consent/", privacy_views.privacy_consent, name="privacy_consent"),
    path("menu/", account_views.menu, name="menu"),
    path("account/push/", account_views.push_subscription, name="push_subscription"),
    path("notifications/", account_views.notification_centre, name="notifications"),
    path("notifications/read/", account_views.notification_read, name="notification_read"),
    path("cart/", account_views.cart, name="cart"),
    path("cart/<id:item_id>/remove/", account_views.cart_item_remove, name="cart_remove"),
    path("cart/add/<id:service_id>/", account_views.cart_item_add, name="cart_add"),
]

# Payments: the wizard's checkout step, saved cards, receipts.
urlpatterns += [
    path("book/pay/<uuid:reference>/", payment_views.checkout, name="book_pay"),
    path("packages/", shop_views.packages_page, name="packages"),
    path("packages/<id:plan_id>/buy/", shop_views.package_buy, name="package_buy"),
    path(
        "packages/<id:plan_id>/installments/",
        shop_views.package_buy_installments,
        name="package_buy_installments",
    ),
    path("gift-cards/", shop_views.gift_cards_page, name="gift_cards"),
    path("memberships/", membership_views.memberships_page, name="memberships"),
    path(
        "memberships/plans/<id:plan_id>/join/",
        membership_views.membership_join_page,
        name="membership_join",
    ),
    path("memberships/<id:pk>/", membership_views.membership_page, name="membership"),
    path(
        "memberships/<id:pk>/cancel/",
        membership_views.membership_cancel_view,
        name="membership_cancel",
    ),
    path("gift-cards/balance/", shop_views.gift_card_balance_page, name="gift_card_balance"),
    path("shop/", order_views.shop_page, name="shop"),
    path("orders/", order_views.orders_page, name="orders"),
    path("orders/<uuid:reference>/", order_views.order_detail, name="order_detail"),
    path("orders/<uuid:reference>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("purchases/<uuid:reference>/pay/", shop_views.purchase_pay, name="purchase_pay"),
    path(
        "purchases/<uuid:reference>/receipt.pdf",
        shop_views.purchase_receipt,
        name="purchase_receipt",
    ),
    path("account/cards/", payment_views.saved_cards, name="saved_cards"),
    path("account/cards/add/", card_views.card_add, name="card_add"),
    path(
        "account/cards/<id:card_id>/remove/",
        payment_views.saved_card_remove,
        name="saved_card_remove",
    ),
    path(
        "receipts/payment/<id:payment_id>.pdf",
        payment_views.payment_receipt,
        name="payment_receipt",
    ),
    path(
        "receipts/payment/<id:payment_id>/send/",
        payment_views.payment_receipt_send,
        name="payment_receipt_send",
    ),
    path(
        "receipts/refund/<id:refund_id>.pdf",
        payment_views.refund_receipt,
        name="refund_receipt",
    ),
]

# Pets, photos and messages (clients' own records).
urlpatterns += [
    path("pets/", pet_views.pets_list, name="pets"),
    path("pets/add/", pet_views.pet_add, name="pet_add"),
    path("pets/<id:pet_id>/", pet_views.pet_edit, name="pet_edit"),
    path("pets/<id:pet_id>/remove/", pet_views.pet_remove, name="pet_remove"),
    path("photos/", photo_views.photos_page, name="photos"),
    path("photos/<id:photo_id>/image", photo_views.photo_file, name="photo_file"),
    path("photos/<id:photo_id>/share/", photo_views.photo_share, name="photo_share"),
    path("photos/<id:photo_id>/remove/", photo_views.photo_remove, name="photo_remove"),
    path("messages/", message_views.messages_list, name="messages"),
    path("messages/new/", message_views.message_new, name="message_new"),
    path("messages/<id:thread_id>/", message_views.message_thread, name="message_thread"),
    path(
        "messages/files/<id:message_id>/",
        message_views.message_attachment,
        name="message_attachment",
    ),
]

# Forms and documents, medical history, the post-visit survey.
urlpatterns += [
    path("documents/", document_views.documents, name="documents"),
    path(
        "documents/forms/<id:template_id>/sign/",
        document_views.document_sign,
        name="document_sign",
    ),
    path("documents/signed/<id:signed_id>.pdf", document_views.document_pdf, name="document_pdf"),
    path("medical-history/", medical_views.medical_history, name="medical_history"),
    path("feedback/<str:token>/", feedback_views.feedback, name="feedback"),
    path("pay/<str:token>/", pay_link_views.pay_link, name="pay_link"),
]

# Games: spin the wheel and scratch cards.
urlpatterns += [
    path("games/", game_views.game_list, name="games"),
    path("games/<id:game_id>/", game_views.game_detail, name="game"),
    path("games/<id:game_id>/play/", game_views.game_play_view, name="game_play"),
    path("wallet/", wallet_views.wallet_page, name="wallet"),
    path("wallet/membership.pkpass", wallet_views.wallet_apple_pass, name="wallet_apple"),
]

# Rewards and referrals.
urlpatterns += [
    path("rewards/", loyalty_views.rewards_page, name="rewards"),
    path("rewards/<id:reward_id>/redeem/", loyalty_views.reward_redeem_view, name="reward_redeem"),
    path(
        "rewards/<id:reward_id>/request/", loyalty_views.reward_request_view, name="reward_request"
    ),
    path("referrals/", loyalty_views.referrals_page, name="referrals"),
    path("r/<str:code>/", loyalty_views.referral_link, name="referral_link"),
]
