"""Settings shared by every environment.

Everything that differs between deployments comes from environment variables; the
defaults are the embedded ones (SQLite, ORM job broker, database cache, local files) so
that the demo runs on a laptop with no setup. See the README's Configuration section.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as corsheaders_default_headers
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Proxies (load balancers) in front of the app that append to X-Forwarded-For: the client's
# real address, for rate limits and the audit trail, is read that many hops from the end
# (branding.client_address). 0: REMOTE_ADDR is the client and the header is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    # Our apps first so their templates and static files win.
    "branding",
    "people",  # app label "clients" (tables and AUTH_USER_MODEL keep their names)
    "notifications",
    "booking_api",
    "payments",
    "records",  # the client's record: forms, medical history, feedback, messages
    "loyalty",
    "reports",  # revenue impact: the managers' reports
    "privacy",  # data export, erasure, consent records
    "sync",  # the practice-system sync (docs/sync.md)
    "automations",  # nudges, per-clinic reminders, two-way SMS
    "commerce",  # packages and the purchases behind them
    "portal_pages",
    "demo",  # manage.py seed_demo (uses every app; nothing imports it)
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # API, jobs, sign-in, push
    "rest_framework",
    "corsheaders",
    "drf_idempotency",  # Idempotency-Key records (branding.api.idempotency)
    "knox",  # apps' device tokens (people.DeviceToken, KNOX_TOKEN_MODEL)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.headless",  # apps' sign-up, verification, reset, code sign-in (people.api.headless)
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "push_notifications",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Apps on the web: CORS for the configured origins only, on /api/ and /_allauth/.
    "corsheaders.middleware.CorsMiddleware",
    # gzip for the API's reads only, never pages or writes (BREACH: branding.compression).
    "branding.compression.ApiReadGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session: personal answers private, no-store; sign-out clears the device.
    "branding.privacy.PrivateResponseMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy for the portal and API.
    "csp.middleware.CSPMiddleware",
    "branding.privacy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "branding.middleware.ClinicMiddleware",
    # Wagtail's own admin views answer only for the person's clinic (issue 18 #4).
    "branding.admin_guard.ClinicAdminGuardMiddleware",
    "people.middleware.AdminClinicTimeMiddleware",
    # One query for the admin user's model permissions instead of Django's two.
    "people.middleware.AdminPermissionsMiddleware",
    "branding.service_busy.ServiceBusyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "branding.context_processors.clinic",
                "portal_pages.context_processors.portal_shell",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------
# SQLite by default: WAL so readers never block the writer, IMMEDIATE transactions so a
# transaction takes the write lock when it starts (no upgrade deadlocks), and a busy
# timeout so concurrent writers queue instead of failing.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Short OLTP queries only: PostgreSQL's JIT would compile a multi-join lookup
        # whose estimates are high on tiny, rarely analysed tables (half a second each).
        # A stuck statement or a lock held too long fails fast (a friendly 503, see
        # branding.service_busy) instead of holding a worker for a minute; 0 turns a
        # timeout off (e.g. for a long manual migration).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off"
            f" -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
            f" -c lock_timeout={DB_LOCK_TIMEOUT_MS}"
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Browser security headers ----------------------------------------------------------
# The portal and the API answer with a Content-Security-Policy without 'unsafe-inline':
# our scripts and styles are files, the one inline <style> (the clinic's colours) carries
# the request's nonce. Stripe.js (checkout's Payment Element) is the only other origin.
# The Wagtail and Django admins keep their own markup (inline scripts and styles), so they
# are left out of this policy rather than weakening it; they send X-Frame-Options DENY.
STRIPE_JS = "https://js.stripe.com"
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, STRIPE_JS],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": [STRIPE_JS, "https://hooks.stripe.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Features no page of ours uses are switched off; payment only for Stripe's frame.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), "
    'payment=(self "https://js.stripe.com")'
)

# --- Cache, background jobs ----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # A database cache is shared by every process (web and worker), so rate limits
    # hold across them; local memory would not.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_table",
        }
    }

Q_CLUSTER = {
    "name": "portal",
    "workers": int(os.environ.get("Q_WORKERS", "1")),
    "timeout": 60,
    "retry": 90,
    "max_attempts": 5,
    "catch_up": False,
    "ack_failures": True,
    "label": "Background jobs",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth and sign-in ----------------------------------------------------------------
AUTH_USER_MODEL = "clients.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Registration also asks for the name and mobile the clinic greets and texts them by.
ACCOUNT_SIGNUP_FORM_CLASS = "people.signup.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# An invitation or reset link proves the address: choosing the password signs them in.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600  # ten minutes, single use
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # Not allauth's: guest bookings in the wizard (portal_pages.views), per client
    # address and per email address, with the same limiter.
    "guest_booking": "5/h/ip,3/h/key",
    # Not allauth's: gift card balance look-ups by code (commerce), per client address,
    # so nobody guesses codes.
    "gift_card_lookup": "10/m/ip,60/h/ip",
}
# The other public or costly doors, portal and API alike (branding.ratelimits: per real
# client address, "user" per signed-in person; reads counted too). Over a limit: 429
# with Retry-After (the API's {"code": "throttled"}, the portal's "Too many requests" page).
PUBLIC_RATE_LIMITS = {
    "availability": "60/m/ip",  # the wizard's calendar and times, GET /api/v1/availability
    "referral_lookup": "20/m/ip,100/h/ip",  # /r/<code>/: nobody walks the codes
    "feedback_token": "20/m/ip",  # /feedback/<token>/
    "payment_link": "30/m/ip,200/h/ip",  # /pay/<token>/: a payment link's page
    "game_play": "20/m/ip,10/m/user",
    "upload": "20/m/ip,60/h/user",  # photos, pets' photos
    "message": "20/m/ip,10/m/user",  # new messages and replies, with their files
}
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
# allauth's headless API for the apps only (the portal keeps allauth's pages), at
# /_allauth/app/v1/: its flows end with a device token for the clinic (people.api.headless).
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "people.api.headless.DeviceTokenStrategy"
# Every password door (portal, app token, Wagtail admin, Django admin) signs in through
# people.signin: allauth's "login_failed" limit above, per client address and per person.
WAGTAILADMIN_USER_LOGIN_FORM = "people.admin.login.WagtailAdminLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "people.admin.login.StaffPasswordResetForm"
# Wagtail's private pages send visitors to the portal's sign-in, not to its own bare one.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
SOCIALACCOUNT_ADAPTER = "people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID", "")
GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET", "")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "OAUTH_PKCE_ENABLED": True,
    }
}
if GOOGLE_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["google"]["APPS"] = [
        {"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}
    ]

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("bg", _("Bulgarian"))]
# Staff choose the admin's language among the product's own (Account → Language); by
# default Wagtail lists the languages it ships, without Bulgarian.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English"), ("bg", "български")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Client photos: never under MEDIA_URL; served only through views that check access.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photo uploads: refused above this size or these dimensions, re-encoded no larger than
# PHOTO_STORED_MAX_SIDE on the longest side.
PHOTO_MAX_UPLOAD_BYTES = int(os.environ.get("PHOTO_MAX_UPLOAD_BYTES", 8 * 1024 * 1024))
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_STORED_MAX_SIDE = 2560
# A file a client attaches to a message (records.attachments): a PDF up to this size;
# pictures follow the photo limits above and are re-encoded the same way.
MESSAGE_ATTACHMENT_MAX_BYTES = int(os.environ.get("MESSAGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media (django-storages must be installed in that deployment). The
    # keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
        },
    }
    # Same bucket, private objects under private/, read through our views only.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": "private",
            "default_acl": "private",
            "custom_domain": None,
            "querystring_auth": True,
        },
    }

# --- Email and SMS -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Clinic Portal <no-reply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# SMS: files under var/sms by default; a provider's HTTP API in production.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "file")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))

# Absolute links into a clinic's portal (emails, SMS, PDFs): https://<clinic domain>.
PORTAL_URL_SCHEME = os.environ.get("PORTAL_URL_SCHEME", "https")
PORTAL_URL_PORT = os.environ.get("PORTAL_URL_PORT", "")
SMS_API_URL = os.environ.get("SMS_API_URL", "")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_FROM = os.environ.get("SMS_FROM", "")
# Two-way SMS: the provider's auth token that signs its inbound webhooks (Twilio's
# X-Twilio-Signature). Empty: /sms/inbound/ refuses every request.
SMS_WEBHOOK_AUTH_TOKEN = os.environ.get("SMS_WEBHOOK_AUTH_TOKEN", "")

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Clinic Portal"
# Staff avatars are the initials Wagtail draws, not Gravatar: no staff email hash is sent
# to a third party, and the admin works offline.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "txt", "png", "jpg", "jpeg"]
# Documents are always streamed by Wagtail's serve view after its checks (who may have
# them: people.documents), never redirected to the storage's own (e.g. S3) URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_I18N_ENABLED = False
# Staff see times on the wall clock of the clinic the admin works on
# (people.middleware.AdminClinicTimeMiddleware), so the profile offers no time zone.
WAGTAIL_USER_TIME_ZONES = []
# The page type a new clinic's site starts from (branding must not import portal_pages).
CLINIC_ROOT_PAGE_MODEL = "portal_pages.PortalHomePage"

# --- REST API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Apps: a django-rest-knox token per device and clinic (people.api.auth).
        "people.api.auth.DeviceTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every list: ?page=&page_size= (at most 100), {count, next, previous, results}.
    "DEFAULT_PAGINATION_CLASS": "branding.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "branding.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": "10/min"},
    # Every write (POST, PUT, PATCH, DELETE), per real client address and per person:
    # 429 with Retry-After and code "throttled" (rates: API_WRITE_RATES below).
    "DEFAULT_THROTTLE_CLASSES": [
        "branding.api.throttling.WritesPerAddressThrottle",
        "branding.api.throttling.WritesPerPersonThrottle",
    ],
    # DRF's throttles read X-Forwarded-For only this far (None would trust the client's).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Web apps on other origins may call the API (and allauth's headless API) from a browser:
# only these origins (comma-separated https://… values), never with cookies (apps send a
# token). Empty: none.
CORS_ALLOWED_ORIGINS = [
    origin.strip() for origin in os.environ.get("API_CORS_ORIGINS", "").split(",") if origin.strip()
]
CORS_URLS_REGEX = r"^/(api|_allauth)/"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (
    *corsheaders_default_headers,
    "idempotency-key",
    "if-none-match",
    "x-session-token",
    "x-device-name",
)
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Idempotency-Key", "Idempotent-Replayed"]
API_WRITE_RATES = {
    "address": os.environ.get("API_WRITE_RATE_PER_ADDRESS", "300/min"),
    "person": os.environ.get("API_WRITE_RATE_PER_PERSON", "60/min"),
}
# Apps' device tokens (django-rest-knox; people.DeviceToken adds the clinic and the
# device's name). A token lapses after 30 days unused; each use renews it (at most once
# an hour, a write), up to a year after signing in, then the app signs in again.
KNOX_TOKEN_MODEL = "clients.DeviceToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=365),
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}
# Idempotency-Key on the POSTs that create something (branding.api.idempotency): answers
# kept 24 hours; 4xx answers are replayed too (Stripe's rule), 5xx never.
IDEMPOTENCY = {"TTL_SECONDS": 24 * 3600, "LOCK_TTL_SECONDS": 60}
# Every app's error-code enum (branding.errors.ErrorCode), in layer order: DomainError
# accepts only these codes, and the OpenAPI schema and docs/api.md list them.
ERROR_CODE_ENUMS = [
    "branding.errors.BrandingErrorCode",
    "notifications.errors.NotificationErrorCode",
    "people.errors.PeopleErrorCode",
    "booking_api.errors.BookingErrorCode",
    "payments.errors.PaymentErrorCode",
    "records.errors.RecordsErrorCode",
    "loyalty.errors.LoyaltyErrorCode",
    "sync.errors.SyncErrorCode",
    "commerce.errors.CommerceErrorCode",
    "portal_pages.errors.PortalErrorCode",
    "privacy.errors.PrivacyErrorCode",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic Portal API",
    "DESCRIPTION": (
        "Everything a patient can do in the portal. The clinic is chosen by the Host "
        "header (each clinic has its own domain). Mobile apps sign in with "
        "POST /api/v1/auth/token and send `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["cms.api.public_endpoints_only"],
    # The Error shape and every app's error codes (ErrorCodeEnum), on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.error_responses",
    ],
    # Several models have a "kind" with their own choices: each gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "ThreadKindEnum": "records.models.messages.ThreadKind",
        "PhotoKindEnum": "people.models.photos.PhotoKind",
        "PageTypeEnum": "portal_pages.api.serializers.PageType",
        "SetupIntentStatusEnum": "payments.api.serializers.SETUP_INTENT_STATUSES",
        "BookingStatusEnum": "booking_api.models.BookingStatus",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
        "PaymentKindEnum": "payments.models.PaymentKind",
        "CardSetupStatusEnum": "payments.models.CardSetupStatus",
        "PaymentModeEnum": "branding.models.PaymentMode",
        "RewardKindEnum": "loyalty.models.rewards.RewardKind",
        "VoucherStatusEnum": "loyalty.models.rewards.VoucherStatus",
        "RewardRequestStatusEnum": "loyalty.models.rewards.RequestStatus",
        "PrizeKindEnum": "loyalty.models.games.PrizeKind",
        "GameKindEnum": "loyalty.models.games.GameKind",
        "FormKindEnum": "records.models.forms.FormKind",
        "PackageEntryKindEnum": "commerce.models.packages.EntryKind",
        "PurchaseKindEnum": "commerce.models.purchases.PurchaseKind",
        "PurchaseMethodEnum": "commerce.models.purchases.PurchaseMethod",
        "ProductKindEnum": "commerce.models.orders.ProductKind",
        "OrderStatusEnum": "commerce.models.orders.OrderStatus",
        "OrderPaymentEnum": "commerce.models.orders.OrderPayment",
        "ConsentKindEnum": "privacy.models.ConsentKind",
    },
}

# --- Payments ------------------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_local")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_local")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_local")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Each clinic is paid into its own Stripe account (payments.models.StripeAccount): a
# Connect account of this type, made from the admin's Payments account page…
STRIPE_CONNECT_ACCOUNT_TYPE = os.environ.get("STRIPE_CONNECT_ACCOUNT_TYPE", "standard")
# …or, in a single-clinic install, the clinic's own keys entered there (kept encrypted
# under STRIPE_KEYS_ENCRYPTION_KEY; empty: derived from SECRET_KEY).
STRIPE_ALLOW_OWN_KEYS = env_bool("STRIPE_ALLOW_OWN_KEYS", False)
STRIPE_KEYS_ENCRYPTION_KEY = os.environ.get("STRIPE_KEYS_ENCRYPTION_KEY", "")

# --- Push ----------------------------------------------------------------------------
PUSH_NOTIFICATIONS_SETTINGS = {
    # Production: the key itself (VAPID_PRIVATE_KEY, PEM or base64url) or a path to it;
    # the demo creates var/vapid_private.pem (manage.py ensure_vapid_keys).
    "WP_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY")
    or os.environ.get("VAPID_PRIVATE_KEY_PATH", str(VAR_DIR / "vapid_private.pem")),
    "WP_CLAIMS": {"sub": "mailto:" + os.environ.get("VAPID_CONTACT", "admin@localhost")},
    "UPDATE_ON_DUPLICATE_REG_ID": True,
}

# Native push to the clinic apps (notifications.providers). Unset = that platform is not
# offered: registering a device for it is refused. Key settings take the text or a path.
# FCM HTTP v1: a Google service account (JSON) that may send for the Firebase project.
FCM_SERVICE_ACCOUNT = os.environ.get("FCM_SERVICE_ACCOUNT", "")
FCM_API_BASE = os.environ.get("FCM_API_BASE", "https://fcm.googleapis.com")
FCM_TOKEN_URL = os.environ.get("FCM_TOKEN_URL", "")  # default: the service account's token_uri
# APNs: a token-based provider key (.p8), its key id, the team id and the app's bundle id.
APNS_KEY = os.environ.get("APNS_KEY", "")
APNS_KEY_ID = os.environ.get("APNS_KEY_ID", "")
APNS_TEAM_ID = os.environ.get("APNS_TEAM_ID", "")
APNS_TOPIC = os.environ.get("APNS_TOPIC", "")
APNS_BASE_URL = os.environ.get("APNS_BASE_URL", "https://api.push.apple.com")
APNS_CA_FILE = os.environ.get("APNS_CA_FILE", "")  # trust this CA too (a local server)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django_q": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# Wallet passes (loyalty.wallet): PEM text or a file path each; unset = not offered.
WALLET_APPLE_PASS_TYPE_ID = os.environ.get("WALLET_APPLE_PASS_TYPE_ID", "")
WALLET_APPLE_TEAM_ID = os.environ.get("WALLET_APPLE_TEAM_ID", "")
WALLET_APPLE_CERTIFICATE = os.environ.get("WALLET_APPLE_CERTIFICATE", "")
WALLET_APPLE_KEY = os.environ.get("WALLET_APPLE_KEY", "")
WALLET_APPLE_KEY_PASSWORD = os.environ.get("WALLET_APPLE_KEY_PASSWORD", "")
WALLET_APPLE_WWDR_CERTIFICATE = os.environ.get("WALLET_APPLE_WWDR_CERTIFICATE", "")
WALLET_GOOGLE_ISSUER_ID = os.environ.get("WALLET_GOOGLE_ISSUER_ID", "")
WALLET_GOOGLE_SERVICE_ACCOUNT = os.environ.get("WALLET_GOOGLE_SERVICE_ACCOUNT", "")
