import factory

from records.models import FormKind, FormTemplate
from tests.factories.branding import ClinicFactory


def questions(*specs):
    """StreamField data for (type, label, required[, choices]) tuples."""
    blocks = []
    for spec in specs:
        kind, label, required, *rest = spec
        value = {"label": label, "help_text": "", "required": required}
        if kind == "choice":
            value["choices"] = rest[0]
        blocks.append({"type": kind, "value": value})
    return blocks


class FormTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormTemplate
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    title = factory.Sequence(lambda n: f"Consent form {n}")
    kind = FormKind.CONSENT
    intro = "Please read carefully."
    valid_for_months = 12
    fields = factory.LazyFunction(
        lambda: questions(
            ("text", "Skin type", True),
            ("yes_no", "Are you pregnant?", True),
            ("choice", "How did you hear of us?", False, ["Friend", "Web"]),
            ("date", "Date of last treatment", False),
            ("long_text", "Anything else?", False),
        )
    )

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.set(extracted)
