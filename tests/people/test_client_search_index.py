"""On PostgreSQL the client search is served by the trigram index the migration makes
(run with DATABASE_URL=postgres://…; skipped on SQLite, which scans the column)."""

import pytest
from django.db import connection

from people.models import ClientAccount
from people.selectors import clinic_clients
from tests.factories.clients import ClientAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The trigram index exists on PostgreSQL only.")


def test_the_search_column_has_a_trigram_index(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'client_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "gin_trgm_ops" in definition


def test_a_search_can_use_the_index(postgresql, clinic):
    user = UserFactory(first_name="Zoë", last_name="Ångström")
    account = ClientAccountFactory(clinic=clinic, user=user)
    accounts = clinic_clients(clinic, search="angstr")
    # The search term's condition as Django writes it (the clinic's own index would win
    # on a table this small).
    # No ordering or join: only the condition, so the plan is about the search alone.
    by_text = ClientAccount.objects.filter(search_text__contains="angstr").order_by().values("pk")

    with connection.cursor() as cursor:
        # With so few rows the planner would rather scan; forbid that to see the index
        # is usable for the query Django writes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # …and a full walk of another index (pkey) filtering every row: what is left is
        # a bitmap scan, which needs an index that serves the condition itself.
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = by_text.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "client_search_trgm" in plan
    assert list(accounts) == [account]
