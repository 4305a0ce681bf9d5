from django.db.models import Q
from django.utils import timezone

from people.models import AuditEntry, ClientAccount, ClinicMembership, DeviceToken


def user_permission_names(user):
    """``(direct, through_groups)``: the person's model permissions as Django's
    ``ModelBackend`` names them ("app_label.codename"), from their own and from their
    groups. One query (the backend asks twice)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Value

    names = ("content_type__app_label", "codename")
    direct = Permission.objects.filter(user=user).values_list(*names, Value("user"))
    grouped = Permission.objects.filter(group__user=user).values_list(*names, Value("group"))
    found = {"user": set(), "group": set()}
    for app_label, codename, source in direct.order_by().union(grouped.order_by(), all=True):
        found[source].add(f"{app_label}.{codename}")
    return found["user"], found["group"]


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


def _share_admin_profile(user, loaded):
    """Hand ``user`` the Wagtail profile read with ``loaded`` (the same person), so that
    ``user.wagtail_userprofile`` costs no query (a cached None: they have none)."""
    relation = user._meta.get_field("wagtail_userprofile")
    relation.set_cached_value(user, relation.get_cached_value(loaded, default=None))


def admin_clinic_and_role_for_user(user, *, host_clinic=None, chosen_clinic_id=None):
    """``(clinic, role)``: ``admin_clinic_for_user`` and, when it is known on the way,
    the person's role there (else None: ask ``clinic_role_for_user``). A staff member
    opening the admin on their own clinic's domain — every request of the workspace —
    costs one query for both (their membership there), which also brings their Wagtail
    profile (every admin page reads it for the time zone and language)."""
    if (
        host_clinic is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
    ):
        membership = (
            ClinicMembership.objects.filter(clinic=host_clinic, user=user)
            .select_related("user__wagtail_userprofile")
            .first()
        )
        if membership is not None:
            _share_admin_profile(user, membership.user)
            return host_clinic, membership.role
        # Not a member at this domain: their first membership (the host is known out).
        return admin_clinic_for_user(user), None
    return (
        admin_clinic_for_user(user, host_clinic=host_clinic, chosen_clinic_id=chosen_clinic_id),
        None,
    )


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


def clinic_clients(
    clinic,
    *,
    search="",
    tag="",
    vip=None,
    archived=False,
    last_visit_from=None,
    last_visit_to=None,
):
    """The clinic's client accounts with their users, filtered:

    - ``search``: words that must each appear in the name or email (any case or accent),
      or a phone number in any common form (see clients/search.py);
    - ``tag``: has this tag; ``vip``: True/False/None (either);
    - ``archived``: False hides archived clients (the default), True shows only them;
    - ``last_visit_from`` / ``last_visit_to``: dates bounding the last completed visit.
    """
    import json

    from django.db import connection
    from django.db.models import Max, Q

    from people.search import query_terms

    accounts = (
        ClientAccount.objects.filter(clinic=clinic, archived_at__isnull=not archived)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )
    for term in query_terms(search):
        # search_text and the terms are both lower case: a plain LIKE, which the
        # PostgreSQL trigram index serves.
        accounts = accounts.filter(search_text__contains=term)
    if tag:
        if connection.vendor == "postgresql":
            accounts = accounts.filter(tags__contains=[tag])
        else:  # SQLite has no JSON containment; match the stored JSON text instead
            accounts = accounts.filter(tags__icontains=json.dumps(tag))
    if vip is not None:
        accounts = accounts.filter(vip=vip)
    if last_visit_from or last_visit_to:
        accounts = accounts.annotate(
            last_visit=Max("bookings__start", filter=Q(bookings__status="completed"))
        )
        if last_visit_from:
            accounts = accounts.filter(last_visit__date__gte=last_visit_from)
        if last_visit_to:
            accounts = accounts.filter(last_visit__date__lte=last_visit_to)
    return accounts


def clinic_client_tags(clinic):
    """Every tag used on the clinic's clients, sorted (for the list's tag filter)."""
    combos = (
        ClientAccount.objects.filter(clinic=clinic)
        .exclude(tags=[])
        .order_by()  # DISTINCT over the tags alone, not the model's ordering columns
        .values_list("tags", flat=True)
        .distinct()
    )
    return sorted({tag for combo in combos for tag in combo or []}, key=str.casefold)


def client_ids_with_notes(clinic, ids):
    """Of these client account ids, the ones with internal notes at this clinic (for the
    notes icon beside a name in admin lists). One query."""
    from people.models import ClientNote

    return set(
        ClientNote.objects.filter(clinic=clinic, client_id__in=list(ids))
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )


def client_pinned_notes(clinic, ids) -> dict[int, list[str]]:
    """client id → the bodies of their pinned internal notes, for these ids (the pin
    marker on the desk's Today list). One query."""
    from people.models import ClientNote

    pinned = {}
    rows = ClientNote.objects.filter(clinic=clinic, client_id__in=list(ids), pinned=True)
    for client_id, body in rows.order_by("-created_at", "-pk").values_list("client_id", "body"):
        pinned.setdefault(client_id, []).append(body)
    return pinned


def notes_for_client(clinic, client):
    """The client's internal notes, pinned first then newest, with their authors."""
    from people.models import ClientNote

    return ClientNote.objects.filter(clinic=clinic, client=client).select_related("author")


def client_for_staff(clinic, pk):
    """A client account of this clinic by id, with its user, or None (another clinic's
    id finds nothing)."""
    return ClientAccount.objects.filter(clinic=clinic, pk=pk).select_related("user").first()


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


def devices_for(clinic, user):
    """The person's signed-in app devices at ``clinic``, newest first (lapsed ones not)."""
    return DeviceToken.objects.filter(clinic=clinic, user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


def audit_entries_between(clinic, start, end):
    """The clinic's audit entries made in [start, end) (aware datetimes), oldest first,
    with who made them and for which client. One query when evaluated."""
    return (
        AuditEntry.objects.filter(clinic=clinic, created_at__gte=start, created_at__lt=end)
        .select_related("actor", "client__user")
        .order_by("created_at", "pk")
    )
