from django.db import transaction

from people.models import AuditAction
from people.services import audit_record
from reports.models import ReportSettings


@transaction.atomic
def report_settings_update(
    *, clinic, actor, rebooking_window_days, prize_window_days, point_value, request=None
):
    """Save how the clinic's reports count (the values are checked by the model's
    validators in the form), recording who changed it."""
    settings, _created = ReportSettings.objects.select_for_update().get_or_create(clinic=clinic)
    settings.rebooking_window_days = rebooking_window_days
    settings.prize_window_days = prize_window_days
    settings.point_value = point_value
    settings.full_clean()
    settings.save()
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        summary=(
            f"Report settings: rebooked within {rebooking_window_days} days, prize window "
            f"{prize_window_days} days, 100 points worth {point_value} minor units"
        ),
        request=request,
    )
    return settings
