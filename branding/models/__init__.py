from branding.models.clinic import Clinic, Closure, Location, OpeningHours, Weekday
from branding.models.settings import (
    FEATURE_DEFAULTS,
    FEATURE_OPTIONS,
    BookingPolicySettings,
    BrandingSettings,
    FeatureSettings,
    FeeKind,
    Font,
    GuestVerification,
    PaymentMode,
    WebAppSettings,
)

__all__ = [
    "FEATURE_DEFAULTS",
    "FEATURE_OPTIONS",
    "BookingPolicySettings",
    "BrandingSettings",
    "Clinic",
    "Closure",
    "FeatureSettings",
    "WebAppSettings",
    "FeeKind",
    "Font",
    "GuestVerification",
    "Location",
    "OpeningHours",
    "PaymentMode",
    "Weekday",
]
