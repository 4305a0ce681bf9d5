"""What follows a booking change once it is stored: messages, reminders, the waitlist.
Each step is idempotent, so running this twice for one change does no harm."""


def booking_side_effects(*, booking_id, what, extra):
    # Filled in by the messaging work (confirmation + .ics, staff notice, reminders,
    # waitlist). Kept as one entry point so the booking services stay free of it.
    return None
