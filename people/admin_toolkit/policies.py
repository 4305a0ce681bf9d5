"""Model permissions from the person's clinic role, for Wagtail's permission checks."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

from people.admin_toolkit.workspace import MANAGERS
from people.selectors import clinic_ids_with_role


class ClinicRolePermissionPolicy(BasePermissionPolicy):
    """Members with one of ``roles`` may do anything to the rows of their clinics
    (superusers: every clinic); members with one of ``view_roles`` (default: the same)
    may only list them. Rows are the model's with a ``clinic`` foreign key."""

    def __init__(self, model, roles=MANAGERS, view_roles=None):
        super().__init__(model)
        self.roles = tuple(roles)
        self.view_roles = tuple(view_roles) if view_roles is not None else self.roles

    def _roles(self, actions):
        actions = set(actions)
        roles = set(self.roles) if actions - {"view"} else set()
        if "view" in actions:
            roles |= set(self.view_roles)
        return tuple(sorted(roles))

    def _ids(self, user, actions):
        # Asked once per row by a listing: remember the answer on the request's user.
        cache = user.__dict__.setdefault("_admin_clinic_ids_by_roles", {})
        roles = self._roles(actions)
        if roles not in cache:
            cache[roles] = clinic_ids_with_role(user, roles)
        return cache[roles]

    def user_has_permission(self, user, action):
        return bool(self._ids(user, [action]))

    def user_has_permission_for_instance(self, user, action, instance):
        return instance.clinic_id in self._ids(user, [action])

    def instances_user_has_any_permission_for(self, user, actions):
        return self.model._default_manager.filter(clinic_id__in=self._ids(user, actions))

    def users_with_any_permission(self, actions):
        return (
            get_user_model().objects.filter(memberships__role__in=self._roles(actions)).distinct()
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        return (
            get_user_model()
            .objects.filter(
                memberships__clinic_id=instance.clinic_id,
                memberships__role__in=self._roles(actions),
            )
            .distinct()
        )
