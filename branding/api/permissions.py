from django.http import Http404
from rest_framework.permissions import BasePermission

from branding.selectors import feature_enabled


class ClinicRequired(BasePermission):
    """The API only answers on a clinic's domain."""

    def has_permission(self, request, view):
        if getattr(request, "clinic", None) is None:
            raise Http404("No clinic at this address.")
        return True


def require_feature(name):
    """A permission class that answers 403 with a message when a feature is off."""

    class FeatureRequired(BasePermission):
        message = f"This clinic has turned off '{name.replace('_', ' ')}'."

        def has_permission(self, request, view):
            return feature_enabled(request.clinic, name)

    FeatureRequired.__name__ = f"Feature_{name}"
    return FeatureRequired
