from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """The client's record: consent and intake forms, medical history, post-visit
    feedback, messages, and the staff client-record workspace.

    It sits above bookings and payments (a survey follows a visit, a form can be required
    before booking), so it listens and registers rather than being called: the survey
    receiver on ``booking_completed``, the forms rule as a booking precondition.
    """

    name = "records"
    label = "records"
    verbose_name = "Client records"

    def ready(self):
        from booking_api.appointment_extras import (
            register_appointment_section,
            register_quick_view_annotation,
        )
        from booking_api.preconditions import register_booking_precondition
        from branding.services import register_manager_setting
        from records import receivers
        from records.documents.rules import forms_booking_precondition
        from records.medical.selectors import newest_allergies_expression
        from records.models import TreatmentSettings
        from records.treatment_admin import appointment_treatment_section

        receivers.connect()
        register_booking_precondition(forms_booking_precondition)
        register_appointment_section(appointment_treatment_section)
        register_quick_view_annotation("allergies", newest_allergies_expression)
        # Managers keep the clinic's own list of treatment areas (Settings).
        register_manager_setting(TreatmentSettings)
