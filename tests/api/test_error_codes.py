"""The error codes are published: the OpenAPI schema's Error component lists every
app's codes and every operation's refusal refers to it, and docs/api.md has a table of
them that is kept in step with the enums."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from branding.error_docs import BEGIN, END, error_codes_markdown, with_error_codes
from branding.errors import error_code_enums

pytestmark = pytest.mark.django_db

ALL_CODES = {member.value for enum in error_code_enums() for member in enum}
DOC = Path(settings.BASE_DIR) / "docs" / "api.md"


def test_the_schema_lists_every_code_in_the_error_component(openapi):
    schemas = openapi["components"]["schemas"]
    assert set(schemas["ErrorCodeEnum"]["enum"]) == ALL_CODES
    assert {"slot_taken", "card_declined", "no_plays_left", "forms_required"} <= ALL_CODES
    assert schemas["Error"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCodeEnum"}
    assert "`slot_taken` - 409" in schemas["ErrorCodeEnum"]["description"]


def test_every_operation_answers_refusals_with_the_error_component(openapi):
    refs = {
        (path, method): operation["responses"]["4XX"]["content"]["application/json"]["schema"]
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
    }
    assert refs and set(map(str, refs.values())) == {"{'$ref': '#/components/schemas/Error'}"}


def test_docs_api_md_has_every_code_and_is_in_step_with_the_enums():
    doc = DOC.read_text()
    block = doc[doc.index(BEGIN) : doc.index(END)]
    missing = sorted(code for code in ALL_CODES if f"| `{code}` |" not in block)
    assert not missing, f"docs/api.md misses {missing}: run manage.py error_codes --write"
    assert with_error_codes(doc) == doc, "docs/api.md is stale: run manage.py error_codes --write"


def test_the_command_prints_the_table_and_writes_it_between_the_markers(tmp_path, capsys):
    call_command("error_codes")
    assert capsys.readouterr().out.strip() == error_codes_markdown().strip()
    stale = f"# API\n\n{BEGIN}\n| `old` | 400 | gone |\n{END}\n\nafter\n"
    fresh = with_error_codes(stale)
    assert "`old`" not in fresh and "| `hold_expired` | 409 |" in fresh
    assert fresh.startswith("# API\n\n") and fresh.endswith(f"{END}\n\nafter\n")
