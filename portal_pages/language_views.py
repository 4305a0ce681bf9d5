"""The footer's language switcher: Django's ``set_language`` (the portal's cookie), and
for a signed-in patient the same choice remembered at this clinic, so what the clinic
sends them (emails, texts, push, the notification centre) is in it too."""

from django.views.i18n import set_language as django_set_language

from branding.selectors import clinic_languages
from notifications.language import language_choose


def set_language(request):
    response = django_set_language(request)
    clinic = getattr(request, "clinic", None)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if (
        clinic is not None
        and request.user.is_authenticated
        and language in {code for code, _name in clinic_languages(clinic)}
    ):
        language_choose(clinic=clinic, user=request.user, language=language)
    return response
