from django.db import models


class Reminder(models.Model):
    """One reminder of one booking at one start time, sent at most once."""

    booking = models.ForeignKey(
        "booking_api.Booking", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16)  # e.g. "24h", "1h"
    for_start = models.DateTimeField()  # the booking start this reminder is about
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["sent_at", "skipped", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "for_start"], name="reminder_once_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.kind} reminder of booking {self.booking_id}"
