"""The calendar's URLs (``/admin/bookings/calendar/``, namespace ``booking_calendar``)."""

from django.urls import path

from booking_api.admin.calendar.appointment import (
    BookingActionView,
    BookingDetailView,
    FeeWaiveView,
    InternalNotesView,
)
from booking_api.admin.calendar.move import MoveBookingView
from booking_api.admin.calendar.new_booking import ClientSearchView, NewBookingView
from booking_api.admin.calendar.page import CalendarVersionView, CalendarView
from booking_api.admin.calendar.patch_tests import PatchTestAddView
from booking_api.admin.calendar.quick_view import QuickViewView
from booking_api.admin.calendar.resize import ResizeBookingView


def calendar_urlpatterns():
    return [
        path("", CalendarView.as_view(), name="calendar"),
        path("version/", CalendarVersionView.as_view(), name="version"),
        path("new/", NewBookingView.as_view(), name="new"),
        path("clients/", ClientSearchView.as_view(), name="client_search"),
        path("<id:pk>/", BookingDetailView.as_view(), name="booking"),
        path("<id:pk>/move/", MoveBookingView.as_view(), name="move"),
        path("<id:pk>/resize/", ResizeBookingView.as_view(), name="resize"),
        path("<id:pk>/quick/", QuickViewView.as_view(), name="quick_view"),
        path("<id:pk>/internal-notes/", InternalNotesView.as_view(), name="internal_notes"),
        path("<id:pk>/waive-fee/", FeeWaiveView.as_view(), name="waive_fee"),
        path(
            "<id:pk>/<slug:action>/",
            BookingActionView.as_view(),
            name="action",
        ),
        path("patch-tests/<id:client_pk>/", PatchTestAddView.as_view(), name="patch_test_add"),
    ]
