from django.urls import include, path

from booking_api.api import pets, views
from booking_api.api.preferences import PreferencesView

urlpatterns = [
    path("services", views.ServiceListView.as_view(), name="service-list"),
    path("staff", views.StaffListView.as_view(), name="staff-list"),
    path("locations", views.LocationListView.as_view(), name="location-list"),
    path("availability", views.AvailabilityView.as_view(), name="availability"),
    path("bookings", views.BookingListCreateView.as_view(), name="booking-list"),
    path("bookings/<id:pk>", views.BookingDetailView.as_view(), name="booking-detail"),
    path(
        "bookings/<id:pk>/reschedule",
        views.BookingRescheduleView.as_view(),
        name="booking-reschedule",
    ),
    path("bookings/<id:pk>/cancel", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("bookings/<id:pk>/check-in", views.BookingCheckInView.as_view(), name="booking-check-in"),
    path("bookings/<id:pk>/calendar.ics", views.BookingCalendarView.as_view(), name="booking-ics"),
    path("preferences", PreferencesView.as_view(), name="preferences"),
    path("pets/<id:pet_id>/remove", pets.PetRemoveView.as_view(), name="pet-remove"),
    path("", include("booking_api.api.cart_urls")),
]
