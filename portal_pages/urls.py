"""The portal's self-service pages, on each clinic's own domain. Included by cms/urls.py
before Wagtail's page serving, which answers every other path with the clinic's pages."""

from django.urls import path

from portal_pages import message_views, pet_views, photo_views, views

app_name = "portal"

urlpatterns = [
    path("book/", views.book_start, name="book"),
    path("book/services/", views.book_services, name="book_services"),
    path("book/category/<int:category_id>/", views.book_services, name="book_category"),
    path("book/service/<int:service_id>/", views.book_staff, name="book_staff"),
    path("book/service/<int:service_id>/<str:staff>/", views.book_date, name="book_date"),
    path(
        "book/service/<int:service_id>/<str:staff>/<str:day>/",
        views.book_time,
        name="book_time",
    ),
    path("book/confirm/", views.book_confirm, name="book_confirm"),
    path("book/done/<uuid:reference>/", views.book_done, name="book_done"),
    path("bookings/", views.my_bookings, name="bookings"),
    path("bookings/history/", views.booking_history, name="booking_history"),
    path("bookings/<uuid:reference>/", views.booking_detail, name="booking_detail"),
    path(
        "bookings/<uuid:reference>/calendar.ics",
        views.booking_calendar,
        name="booking_calendar",
    ),
    path(
        "bookings/<uuid:reference>/reschedule/",
        views.booking_reschedule_view,
        name="booking_reschedule",
    ),
    path("bookings/<uuid:reference>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("bookings/<uuid:reference>/done/", views.booking_link_done, name="booking_link_done"),
]

# Pets, photos and messages (clients' own records).
urlpatterns += [
    path("pets/", pet_views.pets_list, name="pets"),
    path("pets/add/", pet_views.pet_add, name="pet_add"),
    path("pets/<int:pet_id>/", pet_views.pet_edit, name="pet_edit"),
    path("photos/", photo_views.photos_page, name="photos"),
    path("photos/<int:photo_id>/image", photo_views.photo_file, name="photo_file"),
    path("photos/<int:photo_id>/share/", photo_views.photo_share, name="photo_share"),
    path("photos/<int:photo_id>/remove/", photo_views.photo_remove, name="photo_remove"),
    path("messages/", message_views.messages_list, name="messages"),
    path("messages/<int:thread_id>/", message_views.message_thread, name="message_thread"),
]
