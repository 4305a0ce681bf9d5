from notifications.services import deliveries_requeue, delivery_send


def send_delivery(delivery_id):
    """django-q2 entry point: send one outbox row (idempotent)."""
    delivery_send(delivery_id=delivery_id)


def requeue_deliveries():
    """django-q2 schedule (every few minutes): queue outbox rows that are overdue —
    lost, stuck with a dead worker, or failed and due for a retry."""
    return len(deliveries_requeue())
