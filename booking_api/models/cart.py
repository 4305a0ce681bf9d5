from django.db import models
from django.db.models import Q

from booking_api.models.catalogue import Service
from booking_api.models.staff import StaffMember
from people.models import ClientAccount


class CartItem(models.Model):
    """A service a client saved to book later. Reserves nothing."""

    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="cart_items")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "service"], name="cart_service_once"),
        ]

    def __str__(self):
        return f"{self.service} in {self.client}'s cart"


class WaitlistEntry(models.Model):
    """A client waiting for a slot; told once, first come first served, when one frees."""

    client = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="waitlist")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date_from = models.DateField()
    date_to = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="waitlist_dates_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.client} waiting for {self.service}"
