"""Zhusan settings: one module, every value from the environment.

Each variable is documented in docs/configuration.md. Defaults are safe for
the demo (SQLite, DEBUG on only when asked for); production refuses to start
without a secret key and encryption keys.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zhusan.core import demo_env

# Lets Django's generic classes be subscripted at run time as the type
# annotations subscript them (ModelAdmin[User], TextField[str, str]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = env_str(name, default) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]


# The demo's generated settings (var/demo.env, written by `make demo`) when the
# demo's own database is in use: `zhusan audit verify` then works as is.
demo_env.apply()

DEBUG = env_bool("ZHUSAN_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required unless ZHUSAN_DEBUG=true")
    SECRET_KEY = "dev-only-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()


def _derived_fernet_key(secret: str) -> str:
    digest = hashlib.sha256(("zhusan-field-encryption:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# Fernet keys for fields of the "severe" sensitivity class; the first encrypts,
# all decrypt, so keys rotate by putting a new one in front.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG and not env_bool("ZHUSAN_TESTING", False):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required unless ZHUSAN_DEBUG=true")
    FIELD_ENCRYPTION_KEYS = [_derived_fernet_key(SECRET_KEY)]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "zhusan.core",
    "zhusan.accounts",
    "zhusan.audit",
    "zhusan.registry",
    "zhusan.matching",
    "zhusan.reporting",
    "zhusan.operations",
    "zhusan.mywork",
    "zhusan.instruments",
    "zhusan.rehabilitation",
    "zhusan.rehabilitation.care",
    "zhusan.rehabilitation.sessions",
    "zhusan.reintegration",
    "zhusan.reintegration.support",
    "zhusan.reintegration.followup",
    "zhusan.dataprotection",
    "zhusan.dataprotection.rights",
    "zhusan.dataprotection.sharing",
    "zhusan.planning",
    "zhusan.tracker",
    "zhusan.demo",
]

# The task queue: Django's task framework with the database backend, so that a
# queued job survives a restart and needs no other service; `zhusan worker`
# runs the tasks (`make demo` starts one). ZHUSAN_TASKS=immediate runs each
# task inside the call that enqueues it (the test suite does).
TASKS_MODE = env_str("ZHUSAN_TASKS", "database")
if TASKS_MODE not in {"database", "immediate"}:
    raise ImproperlyConfigured("ZHUSAN_TASKS must be 'database' or 'immediate'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_MODE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zhusan.accounts.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhusan.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhusan.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Health and metrics (zhusan/core/health.py, docs/deployment.md). /health/ is
# open to the load balancer; /metrics answers only to this bearer token and
# does not exist without one.
ZHUSAN_METRICS_TOKEN = env_str("ZHUSAN_METRICS_TOKEN") or ""
ZHUSAN_HEALTH_QUEUE_STALE_SECONDS = env_int("ZHUSAN_HEALTH_QUEUE_STALE_SECONDS", 900)
ZHUSAN_HEALTH_MIN_FREE_MB = env_int("ZHUSAN_HEALTH_MIN_FREE_MB", 512)
# A job (or a worker) not heard of for this long has stopped (core.jobs,
# core.workers); a task whose worker stopped runs again at most this many
# times in all, when it is declared safe to.
ZHUSAN_JOB_STALE_SECONDS = env_int("ZHUSAN_JOB_STALE_SECONDS", 120)
ZHUSAN_TASK_ATTEMPTS = env_int("ZHUSAN_TASK_ATTEMPTS", 3)
# Duplicate proposals at registration score at most this many candidates,
# the most telling (matching.candidates.MAX_CANDIDATES; docs/benchmarks.md).
ZHUSAN_DUPLICATE_CANDIDATES = env_int("ZHUSAN_DUPLICATE_CANDIDATES", 600)

ROOT_URLCONF = "zhusan.urls"
WSGI_APPLICATION = "zhusan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhusan.core.context_processors.zhusan",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if not _database_url:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    _database_url = f"sqlite:///{BASE_DIR / 'var' / 'zhusan.sqlite3'}"
# Connections to PostgreSQL are kept open between requests (opening one is
# a new server process: about a fifth of a page's time, measured in
# docs/benchmarks.md) and checked before reuse, so a restarted database costs
# no failed request. SQLite's are files: nothing to keep.
_keeps_connections = _database_url.startswith(("postgres", "pgsql"))
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 300 if _keeps_connections else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock rather than fail at once, and take the write lock at
    # the start of every transaction so audit-chain appends never race.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
# "/" sends each user on to their role's home (zhusan.accounts.access.home_url_name).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Multi-factor authentication: TOTP for every staff login unless turned off.
ZHUSAN_MFA_REQUIRED = env_bool("ZHUSAN_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("ZHUSAN_MFA_ISSUER", "Zhusan")
# The admin never shows a user's TOTP secret or its QR code: a second factor
# is enrolled by its owner (django-otp's config and QR views answer 403).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout after repeated failed logins (django-axes), per user name.
AXES_FAILURE_LIMIT = env_int("ZHUSAN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("ZHUSAN_LOCKOUT_MINUTES", 30) / 60
# Per user name: field offices share one address behind NAT, so locking by
# address would let one mistyped password shut a whole office out.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Idle timeout: the session expires this many minutes after the last request
# (to the minute: accounts.middleware.IdleTimeoutMiddleware moves it).
SESSION_COOKIE_AGE = env_int("ZHUSAN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_secure_default = not DEBUG
SESSION_COOKIE_SECURE = env_bool("ZHUSAN_SECURE_COOKIES", _secure_default)
CSRF_COOKIE_SECURE = env_bool("ZHUSAN_SECURE_COOKIES", _secure_default)
SECURE_SSL_REDIRECT = env_bool("ZHUSAN_SSL_REDIRECT", _secure_default)
# A load balancer and a scraper ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("ZHUSAN_HSTS_SECONDS", 31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("ZHUSAN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One date format per language, times with their zone (zhusan/formats/).
FORMAT_MODULE_PATH = ["zhusan.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes and WhiteNoise serves from (scanned once per
# process at start-up).
STATIC_ROOT = Path(env_str("ZHUSAN_STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("ZHUSAN_STATIC_MANIFEST", not DEBUG and not env_bool("ZHUSAN_TESTING", False))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhusan.accounts.api_auth.ExpiringTokenAuthentication",
        "zhusan.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "zhusan.core.api.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "zhusan.core.api.exception_handler",
}
REST_KNOX = {
    "TOKEN_TTL": None,  # each token carries its own expiry, set when it is issued
    "AUTO_REFRESH": False,
    "TOKEN_PREFIX": "zh_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhusan API",
    "DESCRIPTION": "Registry of persons and families returned from conflict zones. "
    "Every call is authenticated, scoped and audited.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "status" with different choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "zhusan.registry.models.Stage",
        "NameKindEnum": "zhusan.registry.models.NameKind",
        "SiteKindEnum": "zhusan.registry.models.SiteKind",
        "RelationKindEnum": "zhusan.registry.models.RelationKind",
        "DocumentStatusEnum": "zhusan.registry.models.DocumentStatus",
        "ConsentStatusEnum": "zhusan.registry.models.ConsentStatus",
        "NationalityStatusEnum": "zhusan.registry.models.NationalityStatus",
        "HandoverDocumentKindEnum": "zhusan.operations.models.HandoverDocumentKind",
        "EntryStatusEnum": "zhusan.operations.models.EntryStatus",
        "MovementStatusEnum": "zhusan.operations.models.MovementStatus",
        "OperationStatusEnum": "zhusan.operations.models.OperationStatus",
        "TracingStatusEnum": "zhusan.matching.models.TracingStatus",
        "TracingMatchStatusEnum": "zhusan.matching.models.TracingMatchStatus",
        "CompartmentEnum": "zhusan.accounts.permissions.Compartment",
        "EvidenceDecisionEnum": "zhusan.registry.models.Decision",
        "RowDecisionEnum": "zhusan.operations.models.RowDecision",
        "ReferralAnswerEnum": [("accept", "accept"), ("decline", "decline"), ("complete", "complete")],
        "TransferAnswerEnum": [("accept", "accept"), ("decline", "decline"), ("hand_over", "hand_over")],
        "MovementKindEnum": "zhusan.operations.models.MovementKind",
        "ClearanceKindEnum": "zhusan.operations.models.ClearanceKind",
        "OrganisationKindEnum": "zhusan.accounts.models.OrganisationKind",
        "VulnerabilityEnum": "zhusan.registry.models.Vulnerability",
        "SessionKindEnum": "zhusan.rehabilitation.sessions.models.SessionKind",
        "VisitKindEnum": "zhusan.reintegration.followup.models.VisitKind",
        "IncidentKindEnum": "zhusan.reintegration.followup.models.IncidentKind",
        "SecurityContactKindEnum": "zhusan.reintegration.followup.models.SecurityContactKind",
        "IncomeSupportKindEnum": "zhusan.reintegration.support.models.IncomeSupportKind",
        "HousingKindEnum": "zhusan.reintegration.support.models.HousingKind",
        "ReferralKindEnum": "zhusan.reintegration.support.models.ReferralKind",
        "PlacementKindEnum": "zhusan.reintegration.models.PlacementKind",
        "BenefitKindEnum": "zhusan.reintegration.models.BenefitKind",
    },
}

# Programme configuration.
ZHUSAN_CASE_PREFIX = env_str("ZHUSAN_CASE_PREFIX", "KZ") or "KZ"
ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY = env_int("ZHUSAN_AGE_OF_CRIMINAL_RESPONSIBILITY", 14)
ZHUSAN_BREAK_GLASS_MINUTES = env_int("ZHUSAN_BREAK_GLASS_MINUTES", 60)
ZHUSAN_API_TOKEN_MAX_DAYS = env_int("ZHUSAN_API_TOKEN_MAX_DAYS", 90)
# Published counts from 1 to this minus one are suppressed (docs/reporting.md).
ZHUSAN_DISCLOSURE_THRESHOLD = env_int("ZHUSAN_DISCLOSURE_THRESHOLD", 5)
# Cell-key perturbation of published counts: probabilities of the offsets -m … +m, and the
# secret behind the record keys (derived from SECRET_KEY when empty; docs/reporting.md).
ZHUSAN_DISCLOSURE_NOISE = env_list("ZHUSAN_DISCLOSURE_NOISE", "0.1,0.2,0.4,0.2,0.1")
ZHUSAN_CELL_KEY_SECRET = env_str("ZHUSAN_CELL_KEY_SECRET") or ""
# The dashboard computes its figures while the user waits up to this many subjects;
# above, it shows stored figures (with their age) recomputed by a task when stale.
ZHUSAN_DASHBOARD_INLINE_LIMIT = env_int("ZHUSAN_DASHBOARD_INLINE_LIMIT", 5000)
ZHUSAN_DASHBOARD_MAX_AGE_SECONDS = env_int("ZHUSAN_DASHBOARD_MAX_AGE_SECONDS", 3600)
ZHUSAN_DASHBOARD_MIN_INTERVAL_SECONDS = env_int("ZHUSAN_DASHBOARD_MIN_INTERVAL_SECONDS", 600)
# Key of `zhusan backup` archives, kept apart from FIELD_ENCRYPTION_KEYS; the backup
# commands refuse to run without it unless debug (docs/operations-runbook.md).
ZHUSAN_BACKUP_KEY = env_str("ZHUSAN_BACKUP_KEY") or ""
ZHUSAN_MAX_NAME_LENGTH = 200

# Data protection (docs/data-protection.md). Retention rules default to
# zhusan.dataprotection.services.DEFAULT_RULES and are edited by the officer.
# The key that signs deletion certificates: set it in production (derived from
# SECRET_KEY when empty, acceptable for the demo only).
ZHUSAN_CERTIFICATE_KEY = env_str("ZHUSAN_CERTIFICATE_KEY") or ""
# Backup archives older than this are pruned and refused by `zhusan restore`, so
# that a deletion reaches every copy within the retention period.
ZHUSAN_BACKUP_MAX_AGE_DAYS = env_int("ZHUSAN_BACKUP_MAX_AGE_DAYS", 35)
# Data-subject requests: the legal deadline in days, one extension, and how long
# a prepared copy waits for its download.
ZHUSAN_SUBJECT_REQUEST_DAYS = env_int("ZHUSAN_SUBJECT_REQUEST_DAYS", 30)
ZHUSAN_SUBJECT_REQUEST_EXTENSION_DAYS = env_int("ZHUSAN_SUBJECT_REQUEST_EXTENSION_DAYS", 30)
ZHUSAN_SUBJECT_COPY_KEEP_HOURS = env_int("ZHUSAN_SUBJECT_COPY_KEEP_HOURS", 24)
# Sealing at majority: the age, the compartments sealed, the one role that reads
# sealed data with a court reference, and for how long one court order opens it.
ZHUSAN_SEALING_AGE = env_int("ZHUSAN_SEALING_AGE", 18)
ZHUSAN_SEALED_COMPARTMENTS = env_list("ZHUSAN_SEALED_COMPARTMENTS", "justice_security")
ZHUSAN_SEALED_RECORD_READER_ROLE = env_str("ZHUSAN_SEALED_RECORD_READER_ROLE", "security_liaison") or "security_liaison"
ZHUSAN_SEALED_ACCESS_MINUTES = env_int("ZHUSAN_SEALED_ACCESS_MINUTES", 60)
# Publishing aggregates (docs/tracker.md): folders are written only under this root.
ZHUSAN_PUBLISH_ROOT = env_str("ZHUSAN_PUBLISH_ROOT") or str(BASE_DIR / "var" / "publish")
ZHUSAN_PUBLISH_COUNTRY = env_str("ZHUSAN_PUBLISH_COUNTRY") or ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}
