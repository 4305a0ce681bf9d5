"""How admin fetch endpoints answer errors: one JSON shape, the API's
(``branding/api/errors.py``): ``{"detail", "code", "field", "errors"}``, with the status
the refusal carries. The admin's scripts show ``detail`` (beside ``field`` when named)."""

from django.http import JsonResponse

from branding.errors import DomainError
from people.errors import PeopleErrorCode


def wants_json(request):
    """A ``fetch`` caller (Accept: application/json) rather than a plain form post."""
    return "application/json" in request.headers.get("Accept", "")


def json_error(error):
    """A ``DomainError`` as the admin's (and the API's) JSON error."""
    return JsonResponse(error.as_dict(), status=error.status)


def json_form_errors(form):
    """An invalid form as a 400 JSON error: the first message is the ``detail`` and its
    field the ``field``; ``errors`` holds every field's messages."""
    errors = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    field, messages = next(iter(errors.items()))
    body = DomainError(
        messages[0], field=None if field == "__all__" else field, code=PeopleErrorCode.INVALID
    ).as_dict()
    body["errors"] = errors
    return JsonResponse(body, status=400)
