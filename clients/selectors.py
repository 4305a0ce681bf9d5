from clients.models import AuditEntry, ClientAccount, ClinicMembership


def client_account_for_user(clinic, user):
    """The signed-in person's own account at this clinic, or None."""
    if not user.is_authenticated:
        return None
    return ClientAccount.objects.filter(clinic=clinic, user=user).select_related("user").first()


def membership_for_user(clinic, user):
    if not user.is_authenticated:
        return None
    return ClinicMembership.objects.filter(clinic=clinic, user=user).first()


def admin_clinics_for_user(user):
    """The clinics a person may work on in the Wagtail admin: the clinics they are a
    member of (superusers: every clinic). One query when evaluated."""
    from branding.models import Clinic

    clinics = Clinic.objects.select_related("site").order_by("name")
    if not user.is_authenticated or not user.is_active:
        return clinics.none()
    if user.is_superuser:
        return clinics
    return clinics.filter(memberships__user=user).distinct()


def admin_clinic_for_user(user, *, host_clinic=None, chosen_clinic_id=None):
    """The clinic the admin works on for this person, or None.

    The clinic whose domain the admin is opened on (``host_clinic``, i.e.
    ``request.clinic``) if they are a member there, else their first membership.
    Superusers work on any clinic: the one they switched to (``chosen_clinic_id``),
    else the host's, else the first."""
    clinics = admin_clinics_for_user(user)
    if user.is_authenticated and user.is_superuser and chosen_clinic_id:
        chosen = clinics.filter(pk=chosen_clinic_id).first()
        if chosen:
            return chosen
    if host_clinic is not None and clinics.filter(pk=host_clinic.pk).exists():
        return host_clinic
    return clinics.first()


def clinic_role_for_user(clinic, user):
    """The person's role at the clinic ("manager", "staff", "therapist"), or None.
    Superusers count as managers everywhere."""
    if clinic is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "manager"
    membership = membership_for_user(clinic, user)
    return membership.role if membership else None


def clinic_ids_with_role(user, roles):
    """Ids of the clinics where the person holds one of ``roles`` (superusers: all)."""
    from branding.models import Clinic

    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Clinic.objects.values_list("pk", flat=True))
    return list(
        ClinicMembership.objects.filter(user=user, role__in=roles).values_list(
            "clinic_id", flat=True
        )
    )


def clinic_clients(clinic, *, search=""):
    """The clinic's client accounts with their users, optionally matching ``search``:
    a phone number in any common form, or words that must each match a name or email."""
    import re
    from contextlib import suppress

    from django.db.models import Q

    from branding.errors import DomainError
    from clients.phones import phone_to_e164, region_for_clinic

    accounts = ClientAccount.objects.filter(clinic=clinic).select_related("user")
    search = (search or "").strip()
    if re.fullmatch(r"[+\d\s().-]{3,}", search) and any(ch.isdigit() for ch in search):
        digits = re.sub(r"\D", "", search)
        match = Q(phone__contains=digits)
        with suppress(DomainError):  # not a whole number: the digits alone still match
            match |= Q(phone=phone_to_e164(search, region=region_for_clinic(clinic)))
        return accounts.filter(match)
    for word in search.split():
        accounts = accounts.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return accounts


def clinic_memberships(clinic):
    """The clinic's staff memberships with their users, managers first."""
    return (
        ClinicMembership.objects.filter(clinic=clinic)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )


def audit_for_client(clinic, client):
    """The client's audit entries at this clinic, newest first, with who made them.
    One query when evaluated; another clinic's client yields nothing."""
    return (
        AuditEntry.objects.filter(clinic=clinic, client=client)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
