"""After ``migrate``, every clinic's admin groups hold what they should: a setting an
app registered since (``register_manager_setting``, e.g. installments) reaches the
managers of clinics that already exist at the next deploy, not only at their next new
membership."""

import logging

from django.apps import apps
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def _groups_ensure_after_last_app(sender, **kwargs):
    # post_migrate is sent once per app with models, in INSTALLED_APPS order; each app's
    # permissions are made by its own sending. Only after the last one do they all exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    from django.contrib.auth.models import Permission

    from branding.models import Clinic
    from branding.services import clinic_admin_groups_ensure

    for clinic in Clinic.objects.select_related("site__root_page"):
        try:
            clinic_admin_groups_ensure(clinic)
        except Permission.DoesNotExist as exc:  # a partial migrate: the next one does it
            logger.warning("Admin groups of %s not ensured: %s", clinic.slug, exc)
            return


def connect():
    post_migrate.connect(_groups_ensure_after_last_app, dispatch_uid="branding-groups-ensure")
