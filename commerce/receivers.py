"""Commerce follows bookings through booking_api's named events (sent after commit): a
booking a package covered gives its session back when cancelled in time, and keeps it
used for a no-show only where the package says so; what a gift card paid towards a
booking cancelled in time goes back to the card; a membership credit used for a booking
cancelled in time comes back. Each receiver queues an idempotent
task."""

from booking_api.signals import booking_cancelled, booking_no_show
from commerce.models import CreditKind, EntryKind, GiftCardEntry, MembershipEntry, PackageEntry
from commerce.tasks import queue


def _covered(booking_id):
    return PackageEntry.objects.filter(booking_id=booking_id, kind=EntryKind.USE).exists()


def _booking_cancelled(sender, booking_id, event_id=None, **kwargs):
    if _covered(booking_id):
        queue("package_booking_cancelled", booking_id, event_id)
    if MembershipEntry.objects.filter(booking_id=booking_id, kind=CreditKind.USE).exists():
        queue("membership_booking_cancelled", booking_id)
    if GiftCardEntry.objects.filter(payment__booking_id=booking_id).exists():
        queue("gift_card_booking_cancelled", booking_id)


def _booking_no_show(sender, booking_id, **kwargs):
    if _covered(booking_id):
        queue("package_booking_no_show", booking_id)


def connect():
    booking_cancelled.connect(_booking_cancelled, dispatch_uid="commerce.package_on_cancel")
    booking_no_show.connect(_booking_no_show, dispatch_uid="commerce.package_on_no_show")
