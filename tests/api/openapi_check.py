"""Real answers checked against the OpenAPI schema the API publishes (jsonschema).

drf-spectacular writes OpenAPI 3.0, whose schemas are JSON Schema with a few words of
their own: ``nullable`` (turned into a ``null`` alternative here). A response is
checked against the schema of its operation and status: the exact status, else the
``4XX``/``5XX`` range (the one error shape), else ``default``."""

import copy
import functools
import json
import re

import jsonschema
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def openapi() -> dict:
    """The published schema (as ``GET /api/schema/`` serves it)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def _json_schema(node):
    """OpenAPI 3.0's schema object as JSON Schema (``nullable`` → a null alternative)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node and "$ref" not in node and "enum" not in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _components() -> dict:
    return _json_schema(copy.deepcopy(openapi()["components"]))


@functools.cache
def _templates():
    found = []
    for template in openapi()["paths"]:
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        found.append((re.compile(f"^{pattern}$"), template))
    # Literal paths before templated ones (/cards/add before /cards/{id}).
    return sorted(found, key=lambda item: item[1].count("{"))


def operation_for(method, path):
    path = path.split("?")[0]
    for pattern, template in _templates():
        if pattern.match(path):
            operations = openapi()["paths"][template]
            if method.lower() in operations:
                return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the schema")


ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def response_schema(method, path, status):
    if status == 405:  # a method the path does not take: the one error shape
        return path, ERROR
    template, operation = operation_for(method, path)
    responses = operation["responses"]
    described = (
        responses.get(str(status))
        or responses.get(f"{str(status)[0]}XX")
        or responses.get("default")
    )
    assert described is not None, f"{method} {template} does not describe a {status} answer"
    return template, described


def assert_matches_schema(response, method=None, path=None):
    """The response (a Django test response) is as the schema describes it."""
    request = response.wsgi_request
    method = method or request.method
    path = path or request.path
    template, described = response_schema(method, path, response.status_code)
    content = described.get("content") or {}
    if response.status_code == 204 or not response.content:
        assert not content or response.status_code in (204, 304), (method, template)
        return None
    if "application/json" not in content:
        assert content, f"{method} {template} {response.status_code}: no content described"
        return None
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    schema = {**content["application/json"]["schema"], "components": _components()}
    schema = _json_schema(schema)
    body = response.json()
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(body), key=lambda e: list(e.path)
    )
    assert not errors, (
        f"{method} {template} {response.status_code} does not match the schema:\n"
        + "\n".join(f"  at {list(e.path)}: {e.message[:300]}" for e in errors[:10])
    )
    return body


class DjangoTestWsgi:
    """A WSGI app over Django's test handler: the test's transaction stays open (the
    plain WSGI handler would close the connection at the end of each request)."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=False)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        # (ClientHandler has closed the response already, keeping the connection open.)
        return [b"".join(response) if response.streaming else response.content]
