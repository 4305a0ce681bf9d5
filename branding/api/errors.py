from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from branding.errors import BrandingErrorCode, DomainError


def exception_handler(exc, context):
    """Domain errors become a JSON body naming the field at fault, with the status the
    service chose (400, 403, 404 or 409). A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a
    JSON 400 too."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, RequestDataTooBig):  # else Django's HTML 400 page, not JSON
        refused = DomainError(_("The request is too large."), code=BrandingErrorCode.BODY_TOO_LARGE)
        return Response(refused.as_dict(), status=refused.status)
    return drf_exception_handler(exc, context)
