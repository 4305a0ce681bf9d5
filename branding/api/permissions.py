from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from branding.errors import FeatureDisabledError
from branding.selectors import feature_enabled


class ClinicRequired(BasePermission):
    """The API only answers on a clinic's domain."""

    def has_permission(self, request, view):
        if getattr(request, "clinic", None) is None:
            raise Http404("No clinic at this address.")
        return True


def require_feature(name):
    """A permission class that answers 403 ``feature_disabled`` with a message when a
    feature is off — to everyone, signed in or not (signing in would not help, so it is
    never the 401 DRF would make of a refused visitor)."""

    class FeatureRequired(BasePermission):
        def has_permission(self, request, view):
            if not feature_enabled(request.clinic, name):
                raise FeatureDisabledError(
                    _("This clinic has turned off '%(feature)s'.")
                    % {"feature": name.replace("_", " ")}
                )
            return True

    FeatureRequired.__name__ = f"Feature_{name}"
    return FeatureRequired
