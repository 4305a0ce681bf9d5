"""The desk checkout's button on the staff appointment page
(``booking_api.appointment_extras``): "Checkout" for a visit the front desk may check
out, "Checkout (completed)" once done."""

from django.template.loader import render_to_string

from booking_api.lifecycle import VISIT_STATUSES
from commerce.desk.selectors import checkout_for_booking
from people.admin_toolkit.workspace import FRONT_DESK, request_admin_role


def appointment_checkout_panel(request, booking):
    if request_admin_role(request) not in FRONT_DESK:
        return ""
    checkout = checkout_for_booking(booking.clinic, booking.pk)
    if checkout is None and booking.status not in VISIT_STATUSES:
        return ""
    from commerce.desk.views import checkout_url

    return render_to_string(
        "commerce/desk/_appointment_button.html",
        {"url": checkout_url(booking.pk), "checkout": checkout},
        request=request,
    )
