"""Reads about a clinic. Every function takes the clinic first (or resolves it)."""

from django.core.exceptions import ObjectDoesNotExist
from wagtail.models import Collection

from branding.contrast import readable_text_on
from branding.models import (
    FEATURE_DEFAULTS,
    FEATURE_OPTIONS,
    BookingPolicySettings,
    BrandingSettings,
    Clinic,
    FeatureSettings,
    Location,
)
from branding.models.settings import FONT_STACKS

# The collection, inside a clinic's own, of documents anyone on its domain may download.
PUBLIC_COLLECTION_NAME = "Public"

# The clinic's three settings rows, joined to the clinic lookup: every page needs them.
# (Not the logo and favicon images: on PostgreSQL each further join costs more planning
# than the query it saves.)
SETTINGS_JOINS = (
    "site__brandingsettings",
    "site__featuresettings",
    "site__bookingpolicysettings",
)


def clinic_for_host(host):
    """The clinic whose domain is ``host`` (port ignored), or None. One query, which also
    brings the clinic's branding, feature and policy settings."""
    hostname = (host or "").split(":")[0].lower().rstrip(".")
    if not hostname:
        return None
    clinic = (
        Clinic.objects.select_related("site__root_page", *SETTINGS_JOINS)
        .filter(site__hostname=hostname)
        .first()
    )
    if clinic is not None:
        _keep_joined_settings(clinic)
    return clinic


def _keep_joined_settings(clinic):
    """Fill the per-instance caches below from the joined rows; a settings row that does
    not exist yet is left to be created on first use."""
    site = clinic.site
    for related, attr, value in (
        ("brandingsettings", "_branding_cache", lambda row: row),
        ("featuresettings", "_features_cache", lambda row: row.as_dict()),
        ("bookingpolicysettings", "_policy_cache", lambda row: row),
    ):
        try:
            row = getattr(site, related)
        except ObjectDoesNotExist:
            continue
        setattr(clinic, attr, value(row))


def _cached(clinic, attr, loader):
    # Settings rows are read many times per request; keep them on the instance.
    value = getattr(clinic, attr, None)
    if value is None:
        value = loader()
        setattr(clinic, attr, value)
    return value


def clinic_branding(clinic) -> BrandingSettings:
    return _cached(
        clinic,
        "_branding_cache",
        lambda: BrandingSettings.objects.select_related("logo", "favicon").get_or_create(
            site_id=clinic.site_id
        )[0],
    )


def clinic_features(clinic) -> dict:
    """Feature name → enabled, for every toggle."""
    return _cached(
        clinic,
        "_features_cache",
        lambda: FeatureSettings.objects.get_or_create(site_id=clinic.site_id)[0].as_dict(),
    )


def feature_enabled(clinic, name) -> bool:
    if name not in FEATURE_DEFAULTS:
        raise KeyError(f"Unknown feature toggle {name!r}")
    return clinic_features(clinic)[name]


def feature_option(clinic, name) -> str:
    """A feature setting that is a choice (``FEATURE_OPTIONS``), e.g. ``orders_payment``."""
    if name not in FEATURE_OPTIONS:
        raise KeyError(f"Unknown feature option {name!r}")
    settings = FeatureSettings.objects.get_or_create(site_id=clinic.site_id)[0]
    return getattr(settings, name)


def clinic_policy(clinic) -> BookingPolicySettings:
    return _cached(
        clinic,
        "_policy_cache",
        lambda: BookingPolicySettings.objects.get_or_create(site_id=clinic.site_id)[0],
    )


def clinic_theme(clinic) -> dict:
    """CSS custom properties for the clinic's portal."""
    branding = clinic_branding(clinic)
    return {
        "--brand-primary": branding.primary_color,
        "--brand-on-primary": readable_text_on(branding.primary_color),
        "--brand-accent": branding.accent_color,
        "--brand-on-accent": readable_text_on(branding.accent_color),
        "--brand-font": FONT_STACKS.get(branding.font, FONT_STACKS["system"]),
    }


def clinic_document_collections(clinic):
    """The clinic's media collection and its "Public" collection (each None until made):
    where its staff's documents and its public ones live, with the collections under
    them."""
    own = Collection.objects.filter(name__endswith=f"[{clinic.slug}]").first()
    if own is None:
        return None, None
    return own, own.get_children().filter(name=PUBLIC_COLLECTION_NAME).first()


def clinic_locations(clinic):
    """Locations with their opening hours and closures, main location first."""
    return list(
        Location.objects.filter(clinic=clinic).prefetch_related("opening_hours", "closures")
    )


def clinic_manifest(clinic, *, icon_url) -> dict:
    """The clinic's web app manifest: its name, colours and icons, so the installed
    portal looks like the clinic's own app. ``icon_url(size)`` gives an icon's URL."""
    from branding.icons import ICON_SIZES

    branding = clinic_branding(clinic)
    return {
        "id": "/",
        "name": clinic.name,
        "short_name": branding.app_name or clinic.name[:12],
        "lang": clinic.language,
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "theme_color": branding.primary_color,
        "background_color": "#ffffff",
        "icons": [
            {
                "src": icon_url(size),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }


def clinic_languages(clinic) -> list[tuple[str, str]]:
    """The languages a clinic's portal and messages speak, as ``(code, name)``: the
    platform's translations (``settings.LANGUAGES``), the clinic's own language first.
    The portal's switcher offers these; a person's choice must be one of them."""
    from django.conf import settings

    languages = list(settings.LANGUAGES)
    return sorted(languages, key=lambda item: item[0] != clinic.language)
