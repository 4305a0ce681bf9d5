"""Delivery channels. Each is a function ``send(delivery)`` that raises on failure.
Later channels (SMS, push) register here; ``notify`` only plans deliveries for channels
that exist."""

from notifications.channels.email import send_email
from notifications.channels.sms import send_sms
from notifications.channels.webpush import send_webpush
from notifications.models import Channel

CHANNELS = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
    Channel.PUSH: send_webpush,
}
