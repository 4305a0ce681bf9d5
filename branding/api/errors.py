from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from branding.errors import DomainError


def exception_handler(exc, context):
    """Domain errors become a JSON body naming the field at fault, with the status the
    service chose (400, 403, 404 or 409)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    return drf_exception_handler(exc, context)
