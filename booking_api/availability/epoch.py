"""Datetimes as integer seconds since the epoch, computed by the database.

The engine reads thousands of booking intervals; turning each stored datetime into a
Python datetime and back to a number costs far more than the query. The database does
it in one pass instead. Django stores SQLite datetimes as UTC text, which julianday()
reads; PostgreSQL has EXTRACT(EPOCH)."""

from django.db.models import BigIntegerField, Func


class EpochSeconds(Func):
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)",
            **extra,
        )
