"""A database that is busy (a lock held too long, a statement past its timeout, SQLite's
"database is locked") answers a friendly 503 with Retry-After, not a one-minute hang
followed by an HTML 500: JSON with code "service_busy" under /api/, a page elsewhere."""

import psycopg
import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY
from tests.fixtures.clinics import host_client

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the timeouts are PostgreSQL settings"
)


@pytest.mark.django_db
def test_a_locked_sqlite_database_answers_503_json_under_the_api(clinic, monkeypatch):
    from people.api import views

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "client_account_here", locked)
    api = host_client(clinic, APIClient)
    api.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    response = api.get("/api/v1/me")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["code"] == "service_busy"
    assert body["detail"]


@pytest.mark.django_db
def test_a_busy_database_answers_a_friendly_503_page_on_the_portal(clinic, monkeypatch):
    from allauth.account import views as account_views

    def timed_out(*args, **kwargs):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(account_views.LoginView, "get", timed_out)

    response = host_client(clinic).get("/accounts/login/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Content-Type"].startswith("text/html")
    assert b"busy" in response.content


@pytest.mark.django_db
def test_other_database_errors_are_not_hidden_as_busy(clinic, monkeypatch):
    from people.api import views

    def broken(*args, **kwargs):
        raise OperationalError("no such table: clients_clientaccount")

    monkeypatch.setattr(views, "client_account_here", broken)
    api = host_client(clinic, APIClient)
    api.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    with pytest.raises(OperationalError):
        api.get("/api/v1/me")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db
def test_app_connections_carry_the_statement_and_lock_timeouts():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement_timeout = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        lock_timeout = cursor.fetchone()[0]
    assert statement_timeout == "15s"
    assert lock_timeout == "5s"


@pytest.mark.postgres
@needs_postgres
# Committed rows (transaction=True), so the other connection can see and lock them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_lock_held_past_the_lock_timeout_answers_503_json(clinic, open_policy, service, emma):
    api = host_client(clinic, APIClient)
    api.force_authenticate(ClientAccountFactory(clinic=clinic).user)
    params = connection.settings_dict
    holder = psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    try:
        # Another transaction holds the therapist's row, as a slow booking would.
        holder.execute("SET lock_timeout = '5s'")  # never hang the suite
        holder.execute("SELECT id FROM booking_api_staffmember WHERE id = %s FOR UPDATE", [emma.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")  # the test's own, short wait
        payload = {"service": "consult", "staff": "emma", "start": f"{MONDAY}T10:00:00Z"}
        response = api.post("/api/v1/bookings", payload, format="json")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503, response.content
    assert response["Retry-After"]
    assert response.json()["code"] == "service_busy"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "json_answer"), [("/api/v1/clinic", True), ("/accounts/login/", False)]
)
def test_a_database_timeout_in_a_middleware_is_a_503_too(clinic, monkeypatch, path, json_answer):
    """The clinic look-up (and the session, the user) run in middleware, before any
    view: Django turns what they raise into the 500 page, so the 500 handler tells a
    busy database apart as well."""
    from django.test import Client

    from branding import middleware

    def locked(host):
        raise OperationalError("database is locked")

    monkeypatch.setattr(middleware, "clinic_for_host", locked)
    browser = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=False)
    response = browser.get(path)
    assert response.status_code == 503
    assert response["Retry-After"]
    if json_answer:
        assert response.json()["code"] == "service_busy"
    else:
        assert b"busy" in response.content


@pytest.mark.django_db
def test_any_other_error_in_a_middleware_stays_a_500(clinic, monkeypatch):
    from django.test import Client

    from branding import middleware

    def broken(host):
        raise OperationalError("no such table: branding_clinic")

    monkeypatch.setattr(middleware, "clinic_for_host", broken)
    browser = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=False)
    assert browser.get("/api/v1/clinic").status_code == 500
