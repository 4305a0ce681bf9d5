"""Signals other apps listen to, so that they can follow the booking lifecycle without
booking_api importing them (loyalty earns points on completion, forms send a post-visit
survey…).

``booking_changed`` is sent from the booking side-effects task, i.e. after the change is
committed, with ``booking`` (as it is now) and ``what``: "created", "rescheduled" or the
new status ("completed", "cancelled", "no_show", "refunded", …). The task may run more
than once for one change, so receivers must be idempotent; they should be quick and
queue their own django-q2 task for slow work.
"""

from django.dispatch import Signal

booking_changed = Signal()
