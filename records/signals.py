"""Signals other apps listen to, so that records need not import them.

``feedback_submitted`` is sent after the commit of a client's post-visit survey answer,
with ``feedback``. Receivers must be idempotent (loyalty awards its review points once
per feedback) and quick: queue a task for slow work.
"""

from django.dispatch import Signal

feedback_submitted = Signal()
