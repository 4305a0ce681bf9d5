import base64
import io

import pytest
from PIL import Image, ImageDraw

from records.documents.services import signed_form_create
from tests.factories.forms import FormTemplateFactory


@pytest.fixture
def consent(clinic):
    return FormTemplateFactory(clinic=clinic, title="Laser consent")


def answers_for(template, **by_label):
    """POST-style answers keyed by question key, given by label."""
    keys = {q["label"]: q["key"] for q in template.questions()}
    return {keys[label]: value for label, value in by_label.items()}


GOOD = {"Skin type": "Oily", "Are you pregnant?": "no", "How did you hear of us?": "Friend"}


def sign(template, client, **overrides):
    data = {
        "answers": answers_for(template, **GOOD),
        "typed_name": "Ada Lovelace",
        "signature": "",
        **overrides,
    }
    return signed_form_create(clinic=template.clinic, client=client, template=template, **data)


def drawn_signature():
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (150, 20), (290, 70)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


# The booking fixtures the portal tests use (a policy, a service, Emma, a signed-in patient).
from tests.portal.conftest import emma, policy, service, signed_in  # noqa: E402, F401
