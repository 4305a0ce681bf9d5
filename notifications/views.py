"""The unsubscribe page. GET only shows a confirm button (mail scanners follow links);
POST unsubscribes — from the page, or from the mail program itself (RFC 8058 one-click,
which posts without our CSRF token, hence csrf_exempt: the signed token is the proof)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.models import Preferences
from notifications.services import preferences_update
from notifications.unsubscribe import BadUnsubscribeToken, read_unsubscribe_token


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, field = read_unsubscribe_token(token, clinic=request.clinic)
    except BadUnsubscribeToken as exc:
        raise Http404(_("This unsubscribe link is not valid.")) from exc
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404(_("This unsubscribe link is not valid."))
    label = Preferences._meta.get_field(field).verbose_name
    done = request.method == "POST"
    if done:
        preferences_update(clinic=request.clinic, user=user, source="link", **{field: False})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"label": label, "done": done, "email": user.email},
    )
