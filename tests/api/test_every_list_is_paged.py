"""Every list under /api/v1/ is paged the one way bookings are: the schema promises the
``{"count", "next", "previous", "results"}`` envelope (never a bare array), and each list,
walked as a signed-in patient, answers that envelope, reads ``page_size=101`` as 100 (the
cap) and answers a page past the end with the JSON ``404 not_found``."""

import re

import pytest

from branding.api.pagination import MAX_PAGE_SIZE, ApiPagination
from branding.models.settings import FEATURE_DEFAULTS
from branding.services import features_update
from tests.api.openapi_check import openapi

pytestmark = pytest.mark.django_db

ENVELOPE = {"count", "next", "previous", "results"}


def _json_200(operation):
    return operation["responses"].get("200", {}).get("content", {}).get("application/json", {})


def list_paths():
    """GET operations of the published schema whose answer is a list (the paged envelope)."""
    paths = []
    for path, operations in openapi()["paths"].items():
        schema = _json_200(operations.get("get", {"responses": {}})).get("schema", {})
        if schema.get("$ref", "").startswith("#/components/schemas/Paginated"):
            paths.append(path)
    return sorted(paths)


def test_no_answer_under_v1_is_a_bare_array_and_every_list_takes_page_and_page_size():
    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            schema = _json_200(operation).get("schema", {})
            assert schema.get("type") != "array", f"{method.upper()} {path} answers a bare array"
    components = openapi()["components"]["schemas"]
    for path in list_paths():
        operation = openapi()["paths"][path]["get"]
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}, path
        name = _json_200(operation)["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(components[name]["properties"]) == ENVELOPE, path
    # The walk below covers what the issue listed (and what was paged before).
    assert len(list_paths()) >= 27


@pytest.fixture
def page_sizes(monkeypatch):
    """The page size ApiPagination used for each answer it paged."""
    used = []
    paginate = ApiPagination.paginate_queryset

    def spy(self, queryset, request, view=None):
        page = paginate(self, queryset, request, view=view)
        used.append(self.page.paginator.per_page)
        return page

    monkeypatch.setattr(ApiPagination, "paginate_queryset", spy)
    return used


@pytest.mark.usefixtures("open_policy")
def test_every_list_is_paged_like_bookings_with_the_page_size_capped(
    clinic, patient, patient_api, service, emma, bought, page_sizes
):
    features_update(clinic=clinic, **dict.fromkeys(FEATURE_DEFAULTS, True))
    filled = {"{id}": str(bought.pk)}  # /packages/{id}/history: the patient's package
    query = {
        "/api/v1/packages/options": {"service": service.key},
        "/api/v1/memberships/options": {"service": service.key},
    }
    walked = []
    for template in list_paths():
        path = re.sub(r"\{[^}]+\}", lambda m: filled[m.group(0)], template)
        params = query.get(template, {})
        before = len(page_sizes)
        response = patient_api.get(path, {**params, "page_size": 101})
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        assert set(body) == ENVELOPE, path
        assert isinstance(body["results"], list) and body["previous"] is None, path
        assert body["count"] == len(body["results"]) and body["next"] is None, path
        # Through the one pagination class, page_size=101 read as the cap (as bookings).
        assert page_sizes[before:] == [MAX_PAGE_SIZE], path
        beyond = patient_api.get(path, {**params, "page_size": 101, "page": 2})
        assert beyond.status_code == 404 and beyond.json()["code"] == "not_found", path
        walked.append(template)
    assert "/api/v1/bookings" in walked
    for listed in (
        "services",
        "staff",
        "locations",
        "cards",
        "cart",
        "forms",
        "games",
        "gift-cards/bought",
        "loyalty/requests",
        "loyalty/rewards",
        "loyalty/vouchers",
        "messages",
        "packages",
        "packages/plans",
        "packages/options",
        "packages/{id}/history",
        "memberships",
        "memberships/plans",
        "memberships/options",
        "pets",
        "photos",
        "purchases",
        "waitlist",
        "auth/devices",
        "push/devices",
        "privacy/consents",
    ):
        assert f"/api/v1/{listed}" in walked, listed
