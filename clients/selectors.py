from clients.models import ClientAccount, ClinicMembership


def client_account_for_user(clinic, user):
    """The signed-in person's own account at this clinic, or None."""
    if not user.is_authenticated:
        return None
    return ClientAccount.objects.filter(clinic=clinic, user=user).select_related("user").first()


def membership_for_user(clinic, user):
    if not user.is_authenticated:
        return None
    return ClinicMembership.objects.filter(clinic=clinic, user=user).first()


def clinic_ids_for_staff(user):
    """The clinics a person works at (superusers: every clinic)."""
    return list(ClinicMembership.objects.filter(user=user).values_list("clinic_id", flat=True))
