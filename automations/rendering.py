"""Message templates: ``{first_name}``-style placeholders, checked when a manager saves
an automation (an unknown one is an error naming the field) and filled when a nudge is
sent or previewed. Plain ``str.format`` fields only: no attribute or index access, so a
template cannot reach into the objects behind the values."""

import string

from django.utils.translation import gettext as _

from automations.models import AutomationKind

COMMON = ("first_name", "clinic", "link", "unsubscribe")
PLACEHOLDERS = {
    AutomationKind.REBOOK: (*COMMON, "service", "staff", "weeks"),
    AutomationKind.WINBACK: (*COMMON, "months", "service", "staff"),
    AutomationKind.BIRTHDAY: (*COMMON, "birthday_bonus"),
    AutomationKind.REVIEW: (*COMMON, "service", "rating"),
    AutomationKind.PET_HEALTH: (*COMMON, "pet", "due", "due_date", "service"),
}


class TemplateProblem(ValueError):
    pass


def placeholders_in(template: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateProblem(
            _("A { or } is not closed; write {{ or }} for the character itself.")
        ) from exc
    names = []
    for _text, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise TemplateProblem(
                _("Write placeholders as {name}, without dots, brackets or formats: %(f)s.")
                % {"f": "{" + field + "}"}
            )
        names.append(field)
    return names


def template_check(template: str, kind) -> None:
    allowed = PLACEHOLDERS[kind]
    for name in placeholders_in(template):
        if name not in allowed:
            raise TemplateProblem(
                _("Unknown placeholder {%(name)s}. This automation knows: %(known)s.")
                % {"name": name, "known": ", ".join("{" + n + "}" for n in allowed)}
            )


def render(template: str, values: dict) -> str:
    """Fill a checked template; a value the occasion lacks is left empty."""
    names = placeholders_in(template)
    return template.format_map({name: values.get(name, "") for name in names}).strip()
