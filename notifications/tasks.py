from notifications.services import delivery_send


def send_delivery(delivery_id):
    """django-q2 entry point: send one outbox row (idempotent)."""
    delivery_send(delivery_id=delivery_id)
