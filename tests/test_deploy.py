"""Deployment checks: production settings pass `check --deploy`, migrations match the
models, the environment switches on Redis, and SQLite runs in WAL with a busy timeout."""

import io
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

BASE_ENV_VARS = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "AWS_STORAGE_BUCKET_NAME")


def _run(args, *, settings_module, extra_env=None, timeout=300):
    env = {k: v for k, v in os.environ.items() if k not in BASE_ENV_VARS}
    # Keep the suite's own database choice (SQLite or the PostgreSQL of .ci/run).
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_production_settings_pass_check_deploy():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings_module="cms.settings.production",
        extra_env={
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "glow.example.com,riverside.example.com",
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output, output


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("SECRET_KEY", "ALLOWED_HOSTS"):
        values = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "glow.example.com"}
        del values[missing]
        env = {k: v for k, v in os.environ.items() if k != missing}
        env.update(values)
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=settings.BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.production"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0, missing
        assert missing in result.stderr


def test_migrations_match_the_models(db):
    """``makemigrations --check`` in this process (the suite's own settings): it exits
    non-zero, naming the changes, when a model differs from its migrations."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(f"makemigrations --check exited {exit.code}:\n{out.getvalue()}")


# Settings only (no django.setup()): reading them needs no app, nor django-storages.
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({"caches": settings.CACHES, "q": settings.Q_CLUSTER,
                  "db": settings.DATABASES["default"]["ENGINE"],
                  "storages": settings.STORAGES}, default=str))
"""


def _settings_with(extra_env, module="cms.settings.production"):
    result = _run(
        ["-c", PRINT_SETTINGS],
        settings_module=module,
        extra_env={
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "glow.example.com",
            **extra_env,
        },
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_redis_url_switches_cache_and_job_broker_to_redis():
    values = _settings_with({"REDIS_URL": "redis://cache.internal:6379/1"})
    cache = values["caches"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert values["q"]["redis"] == "redis://cache.internal:6379/1"
    assert "orm" not in values["q"]


def test_without_redis_everything_is_embedded():
    values = _settings_with({})
    assert values["caches"]["default"]["BACKEND"] == ("django.core.cache.backends.db.DatabaseCache")
    assert values["q"]["orm"] == "default"
    assert "redis" not in values["q"]
    assert values["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_database_url_switches_to_postgresql():
    values = _settings_with({"DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal"})
    assert values["db"] == "django.db.backends.postgresql"


def test_s3_bucket_switches_media_to_s3():
    values = _settings_with(
        {"AWS_STORAGE_BUCKET_NAME": "clinic-media", "AWS_S3_ENDPOINT_URL": "https://s3.local"}
    )
    media = values["storages"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "clinic-media"
    assert media["OPTIONS"]["endpoint_url"] == "https://s3.local"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip(f"The database is {connection.vendor}, not SQLite: WAL does not apply.")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000  # milliseconds
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
