"""Packages as prepaid cover at booking (``booking_api.coverage``): offered only when the
client chooses, a session taken under the package's lock in the booking's
transaction. Refs are ``commerce:package:<id>``."""

from django.utils.translation import gettext as _

from booking_api.coverage import CoverOption
from branding import clinic_time
from branding.selectors import feature_enabled
from commerce.packages.selectors import usable_packages
from commerce.packages.services import FEATURE, package_session_use

PREFIX = "commerce:package:"


def _label(package):
    return _("Use a session of %(package)s (%(left)s left, valid until %(date)s)") % {
        "package": package.name,
        "left": package.balance,
        "date": clinic_time.format_date(package.expires_on),
    }


def options(*, clinic, client, service):
    if client is None or not feature_enabled(clinic, FEATURE):
        return []
    return [
        CoverOption(f"{PREFIX}{p.pk}", _label(p)) for p in usable_packages(clinic, client, service)
    ]


def apply(*, booking, ref, actor=None):
    if not str(ref).startswith(PREFIX):
        return None
    package_id = str(ref)[len(PREFIX) :]
    if not package_id.isdigit() or len(package_id) > 18:
        return None
    entry = package_session_use(package_id=int(package_id), booking=booking, actor=actor)
    return CoverOption(
        ref,
        _("A session of %(package)s (%(left)s left)")
        % {"package": entry.package.name, "left": entry.balance_after},
    )
