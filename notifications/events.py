"""Events other apps may react to, sent after the change is committed (never another
app's ``post_save``)."""

from django.dispatch import Signal

# Offers (marketing) went from on to off or back for a person at a clinic, whichever door
# changed it. Sent with ``clinic``, ``user``, ``before`` and ``after`` (marketing switch →
# whether the person now takes it, "unsubscribe from all" counted) and ``source`` (the
# door: portal, api, staff, link, sms). The privacy app records it as consent.
marketing_changed = Signal()

MARKETING_SWITCHES = ("marketing_email", "marketing_sms")
