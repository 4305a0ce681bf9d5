"""The test suite: SQLite file (so threads get their own connections) unless
DATABASE_URL names another server; jobs run synchronously; email kept in memory."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, Q_CLUSTER, VAR_DIR

SECRET_KEY = "test-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]

# Each test run gets its own database, so several runs on one machine never collide.
_RUN = os.environ.get("TEST_DB_SUFFIX", str(os.getpid()))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so concurrent tests get separate connections to one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_RUN}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_portal_{_RUN}"}

Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# The practice sync retries a failing remote at once in tests (production: 1, 4, 15 s).
SYNC_RETRY_DELAYS = (0, 0)
MEDIA_ROOT = VAR_DIR / "test-media"
SMS_FILE_PATH = VAR_DIR / "test-sms"
# One folder per run and xdist worker: both workers' databases number their clinics from
# 1, so a shared folder mixed one worker's client files into the other's assertions.
PRIVATE_MEDIA_ROOT = (
    VAR_DIR / "test-private" / f"{_RUN}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# WhiteNoise scans every static file when its middleware starts, and every test client
# starts the middleware again (a fifteenth of a second each); in autorefresh mode it looks
# a file up when it is asked for instead, as in development.
WHITENOISE_AUTOREFRESH = True
