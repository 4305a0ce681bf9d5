"""Throwaway Django settings for the peer (django-appointment) benchmark.

Used only inside var/bench-peer-venv by ``bench.peer_appointment``; the database is a
SQLite file in a temporary directory named by ``BENCH_PEER_DB``, opened with the same
pragmas as the project's SQLite database so the two sides read alike.
"""

import os

SECRET_KEY = "bench-peer-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "phonenumber_field",
    "appointment",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["BENCH_PEER_DB"],
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
ROOT_URLCONF = "appointment.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The package's cleanup task needs django-q; without it, it only logs a warning.
APPOINTMENT_SLOT_DURATION = 15
APPOINTMENT_LEAD_TIME = (9, 0)
APPOINTMENT_FINISH_TIME = (17, 0)
APPOINTMENT_BUFFER_TIME = 0
