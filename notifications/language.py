"""The language a person is told things in at a clinic: their own choice (the portal's
switcher, the profile, the API: ``Preferences.language``), else the clinic's language.

``speaking_to(clinic, user)`` is where a message to one person is rendered: their
language, the clinic's wall clock and locale country (``branding.clinic_time``: a
Bulgarian patient of a London clinic reads "2.12.2026 г., 10:00" in London time), the
clinic's currency as each caller passes it. Every sender renders its title and body
inside it; the email channel renders its layout inside it too."""

import contextlib

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from branding import clinic_time
from branding.errors import DomainError
from branding.selectors import clinic_languages
from notifications.errors import NotificationErrorCode
from notifications.models import Preferences


def language_chosen(clinic, user) -> str:
    """The language ``user`` chose at ``clinic`` and the clinic still offers, or ""
    (none: the clinic's). One query; none without a person."""
    if user is None or not getattr(user, "pk", None):
        return ""
    chosen = (
        Preferences.objects.filter(clinic=clinic, user=user)
        .values_list("language", flat=True)
        .first()
    ) or ""
    return chosen if chosen in {code for code, _name in clinic_languages(clinic)} else ""


def language_for(clinic, user) -> str:
    """The language to tell ``user`` things in at ``clinic``."""
    return language_chosen(clinic, user) or clinic.language or "en"


@contextlib.contextmanager
def speaking_to(clinic, user):
    """Within the block, text is in ``user``'s language at ``clinic`` and times are the
    clinic's."""
    with translation.override(language_for(clinic, user)), clinic_time.override(clinic):
        yield


@transaction.atomic
def language_choose(*, clinic, user, language) -> Preferences:
    """Remember the language ``user`` reads at ``clinic`` (``""``: the clinic's). One the
    clinic does not offer is refused naming the field ``language``; nothing changes."""
    language = (language or "").strip().lower()
    offered = [code for code, _name in clinic_languages(clinic)]
    if language and language not in offered:
        raise DomainError(
            gettext("%(language)r is not a language offered here (offered: %(offered)s).")
            % {"language": language, "offered": ", ".join(offered)},
            field="language",
            code=NotificationErrorCode.LANGUAGE_NOT_OFFERED,
        )
    prefs, _created = Preferences.objects.get_or_create(clinic=clinic, user=user)
    if prefs.language != language:
        prefs.language = language
        prefs.save(update_fields=["language"])
    return prefs


def language_cookie_set(response, language):
    """The browser reads the portal in ``language`` (Django's language cookie, which
    LocaleMiddleware follows); ``""``: no cookie, the clinic's language applies."""
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
