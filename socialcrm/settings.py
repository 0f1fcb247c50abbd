"""Settings for socialcrm, read from the environment.

Two worlds share this module:
- embedded (the default): SQLite under var/, Celery tasks run eagerly in
  the web process, so `make run` works with no services at all;
- served: DATABASE_URL points at PostgreSQL and REDIS_URL at Redis, which
  becomes Celery's broker and result backend for separate workers and beat.

Production hardening lives in socialcrm.settings_production, which builds
on this module.
"""

import logging
import secrets
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from socialcrm.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Development is the default; socialcrm.settings_production forces DEBUG off.
DEBUG = env_bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key kept under var/ so sessions survive a restart of
    # `make run`; never used when DEBUG is off.
    key_file = VAR_DIR / "dev_secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    warnings.warn(
        f"SECRET_KEY is not set: using the generated development key in {key_file}. "
        "Set SECRET_KEY before serving real users.",
        stacklevel=1,
    )
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "cases",
    "channels_app",
    "kpis",
    "api",
    "hooks",
    "listening",
    "alerts",
    "incidents",
    "leads",
    "knowledge",
    "audit",
    "goodwill",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets services deep down record who and from where in the audit trail.
    "audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "socialcrm.middleware.ContentSecurityPolicyMiddleware",
]
# Scripts only from our own static files; see socialcrm/middleware.py.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
)

ROOT_URLCONF = "socialcrm.urls"
WSGI_APPLICATION = "socialcrm.wsgi.application"
ASGI_APPLICATION = "socialcrm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL (PostgreSQL is the production database).")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the embedded server read while a seed or import writes.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:inbox"
LOGOUT_REDIRECT_URL = "login"
# Wrong passwords in a row (within the window) that lock an account, and for how long (socialcrm/signin.py).
LOGIN_LOCKOUT = {
    "failures": env_int("LOGIN_LOCKOUT_FAILURES", 5),
    "window_seconds": env_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 900),
    "lockout_seconds": env_int("LOGIN_LOCKOUT_SECONDS", 900),
}

# --- Rate limits ----------------------------------------------------------------
# Per client address and scope (socialcrm/ratelimit.py): "N/m", "N/10m", "N/h"; empty turns a scope off.
RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "20/5m"),
    "survey": env_str("RATE_LIMIT_SURVEY", "30/m"),
    "help": env_str("RATE_LIMIT_HELP", "120/m"),
    "help_post": env_str("RATE_LIMIT_HELP_POST", "10/10m"),
    # Channels deliver in bursts from a few addresses: generous per address,
    # strict for deliveries whose signature fails.
    "webhook": env_str("RATE_LIMIT_WEBHOOK", "6000/m"),
    "webhook_rejected": env_str("RATE_LIMIT_WEBHOOK_REJECTED", "30/m"),
}
# Count the address a trusted proxy appends to X-Forwarded-For instead of REMOTE_ADDR.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# --- Time and language ------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not an IANA time zone") from None
USE_I18N = True
USE_TZ = True  # every datetime is stored aware, in UTC

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Celery -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# The visibility timeout must outlast the longest task, or Redis hands an
# unacknowledged (acks_late) task to a second worker while the first runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * CELERY_TASK_TIME_LIMIT}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Absolute links sent to customers (survey links) start here; the brand signs messages with its name.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BRAND_NAME = env_str("BRAND_NAME", "")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "care@socialcrm.localhost")

CELERY_TASK_ROUTES = {
    "channels.publish_outbound": {"queue": "outbound"},
    "channels.retry_outbound": {"queue": "outbound"},
    "channels.*": {"queue": "ingest"},
    "cases.scan_sla": {"queue": "sla"},
    "cases.refresh_open_cases_sla": {"queue": "sla"},
    "cases.*": {"queue": "default"},
    "kpis.*": {"queue": "default"},
    "hooks.*": {"queue": "outbound"},
}
CELERY_BEAT_SCHEDULE: dict = {
    # Each active channel is polled at its own interval; this only finds the due ones.
    "poll-due-channels": {"task": "channels.poll_due_channels", "schedule": 30.0},
    # Safety nets: deliveries and replies whose task was lost (a broker restart) or is due a retry.
    "retry-raw-events": {"task": "channels.retry_raw_events", "schedule": 60.0},
    "retry-outbound": {"task": "channels.retry_outbound", "schedule": 60.0},
    # SLA warnings, breaches and escalations as they come due.
    "scan-sla": {"task": "cases.scan_sla", "schedule": 60.0, "options": {"expires": 55}},
    # Cases that waited for their team's shift, or for an agent with room.
    "assign-waiting-cases": {"task": "cases.assign_waiting_cases", "schedule": 60.0, "options": {"expires": 55}},
    # Many complaints on one channel within the hour: an outage managers want to hear about.
    "escalate-complaint-surges": {
        "task": "cases.escalate_complaint_surges",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # KPI rollups of the last closed days (re-rolled, so late data lands), for the KPI pages.
    "rollup-kpis": {"task": "kpis.rollup_closed_days", "schedule": 3600.0, "options": {"expires": 3500}},
    # Outbound webhook deliveries due a retry (hooks.services: backoff per delivery).
    "retry-webhooks": {"task": "hooks.retry_due_webhooks", "schedule": 30.0, "options": {"expires": 25}},
    # The churn-risk list the KPI pages show, kept warm in the cache.
    "refresh-churn-risk": {"task": "kpis.refresh_churn_risk", "schedule": 300.0, "options": {"expires": 290}},
    # Listening: posts per term and hour against their baseline (alerts.spikes), and the
    # backlog against the agents on shift (alerts.capacity).
    "detect-volume-spikes": {"task": "alerts.count_and_detect_spikes", "schedule": 600.0, "options": {"expires": 590}},
    "check-capacity": {"task": "alerts.check_capacity", "schedule": 900.0, "options": {"expires": 890}},
    # Incident bulk replies whose task was lost.
    "resend-incident-bulk-replies": {
        "task": "incidents.resend_queued_bulk_replies",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Knowledge base: "this solved my problem" a day on, and the questions no article answers.
    "knowledge-count-deflections": {"task": "knowledge.count_deflections", "schedule": crontab(minute=17)},
    "knowledge-find-gaps": {"task": "knowledge.find_gaps", "schedule": crontab(hour=3, minute=40)},
    # Goodwill: public praise of the agent soon after a grant is a collusion flag.
    "goodwill-check-praise": {"task": "goodwill.check_praise", "schedule": crontab(minute=27)},
}

# --- Cache --------------------------------------------------------------------
# Short-lived shared state such as who has a case open in the console
# (cases.presence). Served: Redis, so every web process sees the same; keys
# are prefixed, as the broker uses the same database. Embedded: memory of
# the one web process.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "socialcrm",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "socialcrm"}}

# --- Channels --------------------------------------------------------------------
# Seconds an adapter waits for a channel's API (connect and each read).
CHANNEL_HTTP_TIMEOUT = env_int("CHANNEL_HTTP_TIMEOUT", 15)
# Days of stored posts classified again when a listening rule is saved or deleted (docs/LISTENING.md).
LISTENING_RECLASSIFY_DAYS = env_int("LISTENING_RECLASSIFY_DAYS", 7)

# --- REST framework ------------------------------------------------------------
# The REST API (docs/API.md): tokens for integrations, the session for the console's own pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON that cannot be read (even nested too deep to decode) is a 400, never a 500: api/parsers.py.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JsonParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "socialcrm API",
    "DESCRIPTION": "Cases, customers, channels and posts, SLAs, teams, surveys and KPIs of the socialcrm "
    "helpdesk, and outbound webhooks. Errors share one shape (docs/API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored from the drf-spectacular-sidecar package: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Resources share field names (status, kind...) with different choices: name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "PriorityEnum": "cases.choices.Priority",
        "ChannelKindEnum": "cases.choices.ChannelKind",
        "CaseEventKindEnum": "cases.choices.CaseEventKind",
        "EngagementTypeEnum": "cases.choices.EngagementType",
        "IntentEnum": "cases.choices.Intent",
        "SentimentLabelEnum": "cases.choices.SentimentLabel",
        "CustomerTierEnum": "cases.choices.CustomerTier",
        "PriorityOrAutoEnum": "api.serializers.cases.PRIORITY_OR_AUTO",
        "HandLoggedChannelKindEnum": "api.serializers.cases.HAND_LOGGED_KINDS",
        "AuditActionEnum": "audit.models.AuditAction",
    },
}

# --- Logging ------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
