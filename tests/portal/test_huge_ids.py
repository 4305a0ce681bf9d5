"""An id too long for the database's 64-bit columns is no such page (404), never a 500
from the database driver's overflow."""

import pytest

HUGE = "99999999999999999999"  # 20 digits: more than any id column holds


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/book/category/{HUGE}/",
        "/book/category/9223372036854775808/",
        f"/book/service/{HUGE}/",
        f"/cart/{HUGE}/remove/",
    ],
)
def test_a_huge_id_in_a_portal_url_is_not_found(portal, path):
    assert portal.get(path).status_code == 404


@pytest.mark.django_db
def test_a_huge_id_under_the_api_is_a_json_404(api):
    response = api.get(f"/api/v1/services/{HUGE}")
    assert response.status_code == 404
    assert response.json()["code"]
