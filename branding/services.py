"""Writes about a clinic: creating it (site, home page, groups), its locations and the
settings managers edit. Callers pass keyword arguments; every function is atomic."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from branding.errors import BrandingErrorCode, DomainError
from branding.models import (
    FEATURE_DEFAULTS,
    FEATURE_OPTIONS,
    BookingPolicySettings,
    BrandingSettings,
    Clinic,
    Closure,
    FeatureSettings,
    Location,
    OpeningHours,
    WebAppSettings,
)
from branding.selectors import PUBLIC_COLLECTION_NAME


class ClinicError(DomainError):
    pass


class Role:
    MANAGER = "manager"
    STAFF = "staff"
    THERAPIST = "therapist"
    ALL = (MANAGER, STAFF, THERAPIST)


PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}
SETTING_MODELS = [BrandingSettings, FeatureSettings, BookingPolicySettings, WebAppSettings]


def register_manager_setting(model) -> None:
    """A site setting of an app above branding (e.g. commerce's installments) that the
    clinic's managers may change, like the settings above: called from the app's
    ``AppConfig.ready``; the managers' groups get it when they are next ensured (a new
    clinic, a membership granted, and at every ``migrate``: ``branding.groups_on_migrate``)."""
    if model not in SETTING_MODELS:
        SETTING_MODELS.append(model)


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        # Django already translated the model's validation message.
        raise ClinicError(
            messages[0],
            field=None if field == "__all__" else field,
            code=BrandingErrorCode.CLINIC_INVALID,
        ) from exc


def _root_page_model():
    return apps.get_model(settings.CLINIC_ROOT_PAGE_MODEL)


@transaction.atomic
def clinic_upsert(
    *,
    slug,
    name,
    domain,
    timezone="Europe/London",
    currency="GBP",
    language="en",
    admin_groups=True,
) -> tuple[Clinic, bool]:
    """Create the clinic (with its Site, home page, media collection and admin groups) or
    update its details. Returns (clinic, created).

    ``admin_groups=False`` leaves the groups and the media collection to the first
    ``people.services.membership_grant`` (which ensures them): the test suite's cheap
    clinic, for the many tests that never open the admin."""
    clinic = Clinic.objects.select_related("site").filter(slug=slug).first()
    created = clinic is None
    if created:
        home_model = _root_page_model()
        tree_root = Page.get_first_root_node()
        home = tree_root.add_child(instance=home_model(title=name, slug=slug))
        site = Site.objects.create(
            hostname=domain, port=80, root_page=home, site_name=name, is_default_site=False
        )
        clinic = Clinic(site=site, slug=slug)
    clinic.name, clinic.timezone, clinic.currency, clinic.language = (
        name,
        timezone,
        currency,
        language,
    )
    _full_clean(clinic, exclude=["site"])
    if not created and (clinic.site.hostname, clinic.site.site_name) != (domain, name):
        clinic.site.hostname, clinic.site.site_name = domain, name
        clinic.site.save()
    clinic.save()
    if admin_groups:
        clinic_admin_groups_ensure(clinic)
    return clinic, created


def clinic_collection(clinic) -> Collection:
    """The clinic's own media collection (logos, promotions, documents). A document in it
    is for the clinic's staff only (``people.documents``)."""
    root = Collection.get_first_root_node()
    name = f"{clinic.name} [{clinic.slug}]"
    existing = Collection.objects.filter(name__endswith=f"[{clinic.slug}]").first()
    if existing:
        if existing.name != name:
            existing.name = name
            existing.save()
        return existing
    return root.add_child(name=name)


def clinic_public_collection(clinic, *, parent=None) -> Collection:
    """The "Public" collection inside the clinic's own: documents the clinic puts there
    are downloadable by anyone on its domain (leaflets linked from its pages).
    ``parent``: the clinic's own collection, when the caller has it already."""
    parent = parent or clinic_collection(clinic)
    existing = parent.get_children().filter(name=PUBLIC_COLLECTION_NAME).first()
    return existing or parent.add_child(name=PUBLIC_COLLECTION_NAME)


def clinic_group_name(clinic, role):
    return f"{clinic.slug}: {role}"


def _admin_permissions_wanted():
    """(app label, codename) of every permission the clinic's admin groups hold."""
    wanted = [("wagtailadmin", "access_admin")]
    wanted += [("wagtailcore", codename) for codename in PAGE_PERMISSIONS]
    wanted += [
        (app_label, codename)
        for app_label, codenames in COLLECTION_PERMISSIONS.items()
        for codename in codenames
    ]
    wanted += [
        (model._meta.app_label, f"change_{model._meta.model_name}") for model in SETTING_MODELS
    ]
    return wanted


@transaction.atomic
def clinic_admin_groups_ensure(clinic) -> dict[str, Group]:
    """The clinic's admin groups, one per role, with permissions scoped to its own site,
    pages and media. A member of one clinic's group has no rights in another clinic.

    Idempotent, and a constant number of queries (about a dozen when everything is
    there, whatever is missing): it runs for every new clinic and every membership
    granted."""
    names = {clinic_group_name(clinic, role): role for role in Role.ALL}
    groups = {names[group.name]: group for group in Group.objects.filter(name__in=names)}
    for name, role in names.items():
        if role not in groups:
            groups[role], _ = Group.objects.get_or_create(name=name)
    groups = {role: groups[role] for role in Role.ALL}

    # Two IN lists rather than one OR per permission: the same rows, and a query that is
    # much cheaper to build. The few extra rows (a codename of another app) are dropped.
    wanted = _admin_permissions_wanted()
    perms = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.filter(
            content_type__app_label__in={app_label for app_label, _ in wanted},
            codename__in={codename for _, codename in wanted},
        ).select_related("content_type")
    }
    missing_perms = [key for key in wanted if key not in perms]
    if missing_perms:
        raise Permission.DoesNotExist(f"Permissions missing: {missing_perms}")

    # Every role may open the admin.
    access_admin = perms[("wagtailadmin", "access_admin")]
    through = Group.permissions.through
    has_access = set(
        through.objects.filter(group__in=groups.values(), permission=access_admin).values_list(
            "group_id", flat=True
        )
    )
    missing_access = [group for group in groups.values() if group.pk not in has_access]
    if missing_access:
        through.objects.bulk_create(
            [through(group_id=group.pk, permission_id=access_admin.pk) for group in missing_access]
        )

    manager = groups[Role.MANAGER]
    home = clinic.site.root_page
    _ensure_rows(
        GroupPagePermission,
        {"group": manager, "page": home},
        [perms[("wagtailcore", codename)] for codename in PAGE_PERMISSIONS],
    )
    # The permissions on the clinic's collection reach its "Public" collection too.
    collection = clinic_collection(clinic)
    clinic_public_collection(clinic, parent=collection)
    _ensure_rows(
        GroupCollectionPermission,
        {"group": manager, "collection": collection},
        [
            perms[(app_label, codename)]
            for app_label, codenames in COLLECTION_PERMISSIONS.items()
            for codename in codenames
        ],
    )
    _ensure_rows(
        GroupSitePermission,
        {"group": manager, "site": clinic.site},
        [
            perms[(model._meta.app_label, f"change_{model._meta.model_name}")]
            for model in SETTING_MODELS
        ],
    )
    return groups


def _ensure_rows(model, scope, permissions):
    """One ``model`` row per permission for ``scope`` (group and page/collection/site):
    those already there are left alone, the others are made in one insert."""
    present = set(model.objects.filter(**scope).values_list("permission_id", flat=True))
    missing = [model(permission=perm, **scope) for perm in permissions if perm.pk not in present]
    if missing:
        model.objects.bulk_create(missing)


@transaction.atomic
def location_upsert(
    *, clinic, key, name, address="", phone="", is_main=False, opening_hours=None, closures=None
) -> Location:
    """Create or update a location. ``opening_hours`` maps weekday (0=Mon) to a list of
    (start, end) times; ``closures`` is a list of dates. Both replace what was there, and
    rows are rewritten only when they differ, so re-importing changes nothing."""
    location = Location.objects.filter(clinic=clinic, key=key).first() or Location(
        clinic=clinic, key=key
    )
    if is_main:
        other = Location.objects.filter(clinic=clinic, is_main=True).exclude(key=key).first()
        if other:
            raise ClinicError(
                gettext("%(location)s is already the main location of %(clinic)s.")
                % {"location": other.name, "clinic": clinic.name},
                field="is_main",
                code=BrandingErrorCode.MAIN_LOCATION_TAKEN,
            )
    location.name, location.address, location.phone, location.is_main = (
        name,
        address,
        phone,
        is_main,
    )
    _full_clean(location, exclude=["clinic"])
    location.save()
    if opening_hours is not None:
        _replace_opening_hours(location, opening_hours)
    if closures is not None:
        _replace_closures(location, closures)
    return location


def _replace_opening_hours(location, opening_hours):
    wanted = {
        (weekday, start, end) for weekday, ranges in opening_hours.items() for start, end in ranges
    }
    for weekday, start, end in wanted:
        if end <= start:
            raise ClinicError(
                gettext(
                    "Opening hours on weekday %(weekday)s: end %(end)s is before start %(start)s."
                )
                % {"weekday": weekday, "end": end, "start": start},
                field="opening_hours",
                code=BrandingErrorCode.OPENING_HOURS_INVALID,
            )
    current = {(h.weekday, h.start, h.end): h.pk for h in location.opening_hours.all()}
    stale = [pk for key, pk in current.items() if key not in wanted]
    OpeningHours.objects.filter(pk__in=stale).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=w, start=s, end=e)
        for (w, s, e) in wanted
        if (w, s, e) not in current
    )


def _replace_closures(location, closures):
    wanted = set(closures)
    current = {c.date: c.pk for c in location.closures.all()}
    Closure.objects.filter(pk__in=[pk for d, pk in current.items() if d not in wanted]).delete()
    Closure.objects.bulk_create(
        Closure(location=location, date=d) for d in sorted(wanted) if d not in current
    )


def _settings_update(model, clinic, fields, exclude=()):
    instance, _ = model.objects.get_or_create(site_id=clinic.site_id)
    for name, value in fields.items():
        setattr(instance, name, value)
    _full_clean(instance, exclude=["site", *exclude])
    instance.save()
    for attr in ("_branding_cache", "_features_cache", "_policy_cache"):
        if hasattr(clinic, attr):
            delattr(clinic, attr)
    return instance


@transaction.atomic
def branding_update(*, clinic, **fields) -> BrandingSettings:
    return _settings_update(BrandingSettings, clinic, fields, exclude=["logo", "favicon"])


@transaction.atomic
def features_update(*, clinic, **toggles) -> FeatureSettings:
    unknown = set(toggles) - set(FEATURE_DEFAULTS) - set(FEATURE_OPTIONS)
    if unknown:
        raise ClinicError(
            gettext("Unknown feature toggle %(name)r.") % {"name": sorted(unknown)[0]},
            field=sorted(unknown)[0],
            code=BrandingErrorCode.UNKNOWN_FEATURE,
        )
    return _settings_update(FeatureSettings, clinic, toggles)


@transaction.atomic
def policy_update(*, clinic, **fields) -> BookingPolicySettings:
    return _settings_update(BookingPolicySettings, clinic, fields)
