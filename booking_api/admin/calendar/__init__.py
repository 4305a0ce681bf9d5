"""The staff calendar in the Wagtail admin (``/admin/bookings/calendar/``, namespace
``booking_calendar``): day and week views of all staff or one (``page``), booking a
client into a free slot (``new_booking``), moving a booking by drag and drop or a form,
or giving it to someone else (``move``), and the appointment page where therapists run
the lifecycle and write session notes (``appointment``). Also recording patch tests from
the client's account (``patch_tests``).

Every view works on the request's admin clinic only; a booking or client of another
clinic is not found (404). Front desk (managers and staff) see and change everything;
a therapist sees only the bookings of the staff profile they sign in as, may start,
complete or mark no-show and write notes on those, and never creates, moves, reassigns
or cancels (``access``). Writes go through ``booking_api.services.staff_actions``
(audited)."""
