"""/healthz tells a load balancer the truth: it touches the database (SELECT 1) and the
cache (set then get), and answers 503 naming what failed."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_database_and_cache_work():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_naming_the_database_when_its_query_fails(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert b"database" in response.content


def test_healthz_answers_503_naming_the_cache_when_it_fails(monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("cache server gone")

    monkeypatch.setattr(cache, "set", broken_set)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert b"cache" in response.content
    assert b"database" not in response.content


def test_healthz_answers_503_when_the_cache_forgets_what_it_was_given(monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert b"cache" in response.content
