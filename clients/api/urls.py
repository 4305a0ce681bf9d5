from django.urls import path

from clients.api import messages
from clients.api.views import MeView, TokenView

urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("me", MeView.as_view(), name="me"),
    path("messages", messages.MessagesView.as_view(), name="messages"),
    path("messages/<int:thread_id>", messages.ThreadView.as_view(), name="message-thread"),
]
