"""Delivery channels. Each is a function ``send(delivery)`` that raises on failure.
``notify`` only plans deliveries for channels that exist. Push is one channel, to
browsers and phones alike."""

from notifications.channels.email import send_email
from notifications.channels.push import send_push
from notifications.channels.sms import send_sms
from notifications.models import Channel

CHANNELS = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
    Channel.PUSH: send_push,
}
