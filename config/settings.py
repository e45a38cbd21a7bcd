"""Corroborate settings: one file, read from the environment.

Every variable is listed in `.env.example` with a comment. A value that cannot be
parsed stops start-up with an ImproperlyConfigured error naming the variable, so a
typo never silently falls back to a default.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent

if (BASE_DIR / ".env").is_file():
    # Values already in the environment win over the file.
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

# An empty value (`NAME=` in .env) means "not set": the default applies.


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off); got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...], what: str) -> str:
    value = env_str(name, default)
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be a {what} URL ({' or '.join(s + '://' for s in schemes)}…); got {value!r}."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {value!r}.") from None
    return value


# --- Core -----------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (copy .env.example to .env, or run `make setup`)."
        )
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Under /api/ a refused CSRF check answers in the API's JSON error format.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "corroborate-demo")
if len(DEMO_PASSWORD) < 12:
    raise ImproperlyConfigured("DEMO_PASSWORD must be at least 12 characters long.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    # The second factor (TOTP apps, recovery codes): core/second_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "corsheaders",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "sources",
    "claims",
    "integrations",
    "corroboration",
    "extraction",
    "reviews",
    "trackrecords",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer by itself, so those answers carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RateLimitHeaders",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session has proved (request.user.is_verified()) …
    "django_otp.middleware.OTPMiddleware",
    # … and, with REQUIRE_2FA on, editors and staff prove one before any page but its own.
    "core.middleware.SecondFactorRequired",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "demo.context.demo_story",
                "core.second_factor.template_context",
            ],
        },
    },
]

# --- Database: PostgreSQL only (history triggers, constraints and search need it) -----

DATABASE_URL = env_url(
    "DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/corroborate",
    schemes=("postgres", "postgresql", "pgsql"),
    what="PostgreSQL",
)
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
DATABASES["default"].update(
    CONN_MAX_AGE=env_int("DATABASE_CONN_MAX_AGE", 60),
    CONN_HEALTH_CHECKS=True,
    OPTIONS={"application_name": env_str("DATABASE_APPLICATION_NAME", "corroborate")},
)
# Django's development server answers each request in a thread of its own, and a
# thread's kept-alive connection outlives the thread: 40 requests once left 24 open.
# Under runserver each request closes its connection (`make run` serves with gunicorn,
# whose few sync workers keep one each).
if sys.argv[1:2] == ["runserver"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two roles (docs/operations.md, "Database roles"): the application connects as the role
# in DATABASE_URL, which may read and write rows but neither change the schema nor touch
# the append-only logs; `migrate` and `backup` connect as the owner of the tables. The
# database itself is always DATABASE_URL's, so the two URLs cannot drift apart. Empty:
# one role does everything (a development machine with a single superuser).
DATABASE_OWNER_URL = env_url(
    "DATABASE_OWNER_URL", DATABASE_URL, schemes=("postgres", "postgresql", "pgsql"), what="PostgreSQL"
)
_owner = environ.Env.db_url_config(DATABASE_OWNER_URL)
DATABASE_OWNER = {key: _owner.get(key) or "" for key in ("USER", "PASSWORD", "HOST", "PORT")}
DATABASE_APP_ROLE = DATABASES["default"]["USER"] or ""
if not DATABASE_OWNER["USER"]:
    raise ImproperlyConfigured(
        f"DATABASE_OWNER_URL must name a user (postgres://USER@HOST:PORT); got {DATABASE_OWNER_URL!r}."
    )
# Only `ensure_database` uses it: a role that may create roles and databases (the server's
# superuser). Empty: the user postgres on the owner's server, which is what a fresh
# PostgreSQL installation has.
DATABASE_ADMIN_URL = env_url(
    "DATABASE_ADMIN_URL",
    f"postgres://postgres@{DATABASE_OWNER['HOST'] or '127.0.0.1'}:{DATABASE_OWNER['PORT'] or 5432}/postgres",
    schemes=("postgres", "postgresql", "pgsql"),
    what="PostgreSQL",
)

# --- Backups (`manage.py backup`; restoring: docs/operations.md) -------------------------

# A relative directory is taken from the project directory, wherever the command runs.
BACKUP_DIR = BASE_DIR / env_str("BACKUP_DIR", "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)

# --- Authentication --------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins are counted per account and per address (pages and admin alike, with
# django-axes): after LOGIN_FAILURE_LIMIT failures, logins are refused for LOGIN_LOCKOUT_HOURS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 100, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_HOURS", 1, minimum=1)
# Per account, and per address (an address trying many accounts is stopped too).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The second factor (core/second_factor.py): with it on, editors and staff prove a TOTP code
# or a recovery code once per session before they may use the admin or the reviewer
# pages. On by default in production; off by default with DEBUG (the demo), unless set.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
# Wrong codes make the next attempt wait 1, 2, 4, 8… seconds (per device, django-otp),
# and each also counts as a failed login towards LOGIN_FAILURE_LIMIT.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# A failed-login record never keeps the code that was tried.
AXES_SENSITIVE_PARAMETERS = ["code", "recovery_code"]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Email (workflow notifications) ---------------------------------------------------

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000/", schemes=("http", "https"), what="web")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Corroborate <corroborate@localhost>")

# --- Change history (row triggers; history rows cannot be updated or deleted) ----------

PGHISTORY_APPEND_ONLY = True
PGHISTORY_DEFAULT_TRACKERS = ("pghistory.InsertEvent", "pghistory.UpdateEvent", "pghistory.DeleteEvent")
PGHISTORY_ADMIN_MODEL = "pghistory.MiddlewareEvents"

# --- Internationalisation ------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (served by the product itself; no CDN) -------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security headers (production defaults; each can be relaxed from the environment) --

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts and styles only from this site (htmx is served by
# the product itself). Inline style attributes stay allowed for the Django admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

# --- Redis -------------------------------------------------------------------------------

REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss"), what="Redis")

# --- Cache (shared by every process: throttles, robots.txt, per-host politeness) -------

CACHE_URL = env_url("CACHE_URL", REDIS_URL, schemes=("redis", "rediss"), what="Redis")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "corroborate"),
        "TIMEOUT": 300,
        # A cache that stops answering must not hold every API request (the throttles
        # read it on each one): give up after this many seconds, and the throttles let
        # the request through (core.rest.QuotaThrottle).
        "OPTIONS": {
            "socket_connect_timeout": env_int("CACHE_SOCKET_TIMEOUT", 2, minimum=1),
            "socket_timeout": env_int("CACHE_SOCKET_TIMEOUT", 2, minimum=1),
        },
    }
}

# --- Celery (Redis broker; the job rows in PostgreSQL are the truth) -------------------

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", REDIS_URL, schemes=("redis", "rediss"), what="Redis")
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", CELERY_BROKER_URL, schemes=("redis", "rediss"), what="Redis")
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be greater than CELERY_TASK_SOFT_TIME_LIMIT.")
# A task is acknowledged only once it has finished, and put back on the queue if the
# process running it dies; prefetch 1 limits a crash to one message per process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The consumer that outlives a lost broker connection while it holds messages (config/celery.py).
CELERY_WORKER_CONSUMER = "config.celery:Consumer"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Three queues, so that long work never waits in front of the housekeeping that keeps
# the rest honest (docs/operations.md, "Queues and workers"): `jobs` (coverage and
# extraction jobs, feed polls, page fetches, matching), `webhooks` (deliveries), and
# `maintenance` (the sweepers that recover lost messages, the canary and heartbeat, the
# retention sweep). The main worker consumes `jobs` and `webhooks`; a worker of its own
# with one process consumes `maintenance`, so a burst of jobs cannot starve it. Every
# maintenance task is short: it re-sends or queues work, it does not do it.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("jobs", "webhooks", "maintenance")]
# A task without a route (a new one) goes where the main worker looks.
CELERY_TASK_DEFAULT_QUEUE = "jobs"
CELERY_TASK_ROUTES = {
    "integrations.deliver_webhook": {"queue": "webhooks"},
    # The canary, which writes the worker heartbeat /healthz reads, proves the
    # maintenance worker alive.
    "corroborate.*": {"queue": "maintenance"},
    "corroboration.sweep_jobs": {"queue": "maintenance"},
    "integrations.sweep_webhook_deliveries": {"queue": "maintenance"},
    "sources.poll_due_feeds": {"queue": "maintenance"},
    "corroboration.recheck_due_claims": {"queue": "maintenance"},
    "corroboration.match_new_articles": {"queue": "maintenance"},
    "core.prune": {"queue": "maintenance"},
    "corroboration.run_job": {"queue": "jobs"},
    "corroboration.match_prior_checks": {"queue": "jobs"},
    "sources.poll_feed": {"queue": "jobs"},
    "sources.fetch_article_text": {"queue": "jobs"},
    "trackrecords.refresh_claim": {"queue": "jobs"},
    "trackrecords.refresh_recent": {"queue": "jobs"},
    "reviews.notify_transition": {"queue": "jobs"},
}
# A running job renews its lease as it works; a job whose lease ran out is taken over.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60, minimum=5)
JOB_SWEEP_INTERVAL = env_int("JOB_SWEEP_INTERVAL", 30, minimum=5)
# A failed attempt is retried after this many seconds, doubling each time (with jitter).
JOB_RETRY_BASE_SECONDS = env_int("JOB_RETRY_BASE_SECONDS", 10, minimum=1)
# Development only: where `serve_demo_corpus` serves the demo coverage corpus. When set,
# `load_demo` registers the corpus's outlets and feeds.
DEMO_CORPUS_URL = env_str("DEMO_CORPUS_URL", "")
if DEMO_CORPUS_URL:
    DEMO_CORPUS_URL = env_url("DEMO_CORPUS_URL", "", schemes=("http", "https"), what="web").rstrip("/") + "/"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Seconds between two canaries: a task through the broker to a worker and the database
# that writes the worker's heartbeat; /healthz calls the worker stale after twice this.
CANARY_INTERVAL = env_int("CANARY_INTERVAL", 30, minimum=5)
CELERY_BEAT_SCHEDULE["corroborate.canary"] = {
    "task": "corroborate.canary",
    "schedule": CANARY_INTERVAL,
    # A canary no worker ran in time is superseded by the next one.
    "options": {"expires": CANARY_INTERVAL},
}

# --- Fetching (sources/fetch.py: the one HTTP client every fetch goes through) ----------

# Identifies us to the sites we fetch from; its first word is the token robots.txt
# groups are matched against.
FETCH_USER_AGENT = env_str(
    "FETCH_USER_AGENT",
    "Corroborate/0.1 (+https://github.com/corroborate/corroborate; fact-checking claim tracker)",
)
if not re.fullmatch(r"[A-Za-z_-]+(/\S+)?( [ -~]*)?", FETCH_USER_AGENT):
    raise ImproperlyConfigured(
        f"FETCH_USER_AGENT must start with a product name (letters, - or _, as in Corroborate/0.1) and be "
        f"printable ASCII; got {FETCH_USER_AGENT!r}."
    )
# Private or otherwise internal networks that fetches may reach anyway (tests, the demo,
# intranet deployments). Everything internal is refused by default.
FETCH_ALLOWED_NETWORKS = env_list("FETCH_ALLOWED_NETWORKS", "")
for _network in FETCH_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FETCH_ALLOWED_NETWORKS must be comma-separated networks such as 10.20.0.0/16 or fd00:1::/64; "
            f"got {_network!r}."
        ) from None
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FETCH_MAX_DECODED_BYTES = env_int("FETCH_MAX_DECODED_BYTES", 20 * 1024 * 1024, minimum=1024)
FETCH_CONNECT_TIMEOUT = env_int("FETCH_CONNECT_TIMEOUT", 10, minimum=1)
FETCH_READ_TIMEOUT = env_int("FETCH_READ_TIMEOUT", 20, minimum=1)
FETCH_DEADLINE = env_int("FETCH_DEADLINE", 30, minimum=1)
if FETCH_DEADLINE >= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("FETCH_DEADLINE must be shorter than CELERY_TASK_SOFT_TIME_LIMIT.")
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5)
FETCH_HOST_INTERVAL = env_int("FETCH_HOST_INTERVAL", 1)
FETCH_ROBOTS_CACHE_SECONDS = env_int("FETCH_ROBOTS_CACHE_SECONDS", 24 * 60 * 60)
if FETCH_ROBOTS_CACHE_SECONDS > 24 * 60 * 60:
    raise ImproperlyConfigured("FETCH_ROBOTS_CACHE_SECONDS must be at most 86400 (RFC 9309 allows 24 hours).")

# --- REST API (/api/v1/; config/api.py is the router, config/rest.py its shared parts) --

# Requests per caller before the API answers 429 with Retry-After: callers without
# credentials are counted by address, tokens each on their own, signed-in people by account.
API_THROTTLE_ANON = env_str("API_THROTTLE_ANON", "60/minute")
API_THROTTLE_USER = env_str("API_THROTTLE_USER", "600/minute")
for _name, _rate in (("API_THROTTLE_ANON", API_THROTTLE_ANON), ("API_THROTTLE_USER", API_THROTTLE_USER)):
    if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"{_name} must be a rate such as 100/minute or 5000/day; got {_rate!r}.")
# Reverse proxies in front of the site that append to X-Forwarded-For. 0 counts callers by
# the connecting address, so a client cannot pick its own throttle bucket.
API_NUM_PROXIES = env_int("API_NUM_PROXIES", 0)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 25, minimum=1)
# Up to this many matching items a list's `count` is exact; past it, counting every row on
# every page would cost more than the page itself, so the count is the planner's estimate
# and the answer says so (`count_is_estimate`; core.rest.Pagination).
API_EXACT_COUNT_LIMIT = env_int("API_EXACT_COUNT_LIMIT", 10_000, minimum=1)
# Hours a POST's Idempotency-Key is remembered, with the answer it got (core/idempotency.py).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
if API_PAGE_SIZE > 100:
    raise ImproperlyConfigured("API_PAGE_SIZE must be at most 100 (the largest page_size a caller may ask for).")

# Web pages on other sites that may call the API from a browser (an integration running
# in a CMS's editor, say), as origins: https://cms.example.org. None by default. Only
# /api/v1/ answers them, without cookies: such callers send a token.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
for _origin in CORS_ALLOWED_ORIGINS:
    if not re.fullmatch(r"https?://[^/\s]+", _origin):
        raise ImproperlyConfigured(
            f"CORS_ALLOWED_ORIGINS must be comma-separated origins such as https://cms.example.org "
            f"(scheme and host, no path); got {_origin!r}."
        )
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = [
    "Location",
    "Link",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Idempotent-Replayed",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",
        # For the browsable API; it enforces CSRF on every write, and the second factor.
        "core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.policy.Allowed"],
    "DEFAULT_PARSER_CLASSES": ["core.rest.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.rest.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.rest.AnonymousThrottle", "core.rest.CallerThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.rest.Pagination",
    # OPTIONS says the methods (Allow) and points to the schema, which describes every operation.
    "DEFAULT_METADATA_CLASS": "core.rest.Metadata",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiSchema",
    "EXCEPTION_HANDLER": "core.rest.exception_handler",
    "NUM_PROXIES": API_NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Corroborate API",
    "DESCRIPTION": (
        "Claims as they were reported, with their sources and anonymity caveats, followed "
        "through the verification workflow to a published verdict.\n\n"
        "Authenticate with `Authorization: Token <key>` (tokens are created by an editor in "
        "the admin or with `python manage.py create_token USERNAME --scope read|submit|write`). "
        "A token can do at most what its user's role allows, narrowed by its scope; callers "
        "without credentials see published claims only.\n\n"
        'Every error is `{"detail": …, "code": …}`; validation errors add `fields`, and a '
        "stale `version` (409) adds `current_version`. Changes to a claim take the `version` the "
        "caller saw.\n\n"
        "Every `POST` takes an `Idempotency-Key` header: a retry with the same key gets the first answer "
        "again instead of doing the work twice. Answers carry `RateLimit-Limit`, `RateLimit-Remaining` and "
        "`RateLimit-Reset`; a 429 carries `Retry-After`. A 201 carries `Location`. The ClaimReview feed "
        "pages through `Link` headers."
    ),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_PATCH": False,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatus": "claims.models.Status",
        "TransitionNameEnum": "reviews.workflow.TransitionName",
        "AttributionRole": "claims.models.AttributionRole",
        "SourceKindEnum": "sources.models.SourceKind",
        "ReliabilityEnum": "sources.models.Reliability",
        "OwnershipEnum": "sources.models.Ownership",
        "ResponseEnum": "claims.models.ResponseKind",
        "ConfidenceEnum": "reviews.models.Confidence",
        "SourcesIndependenceEnum": "claims.models.SourcesIndependence",
        "CoverageIndependenceEnum": "corroboration.models.CoverageIndependence",
        "CoverageStanceEnum": "corroboration.models.Stance",
        "JobStatusEnum": "corroboration.models.JobStatus",
        "JobKindEnum": "corroboration.models.JobKind",
        "RelationKindEnum": "claims.models.RelationKind",
        "AnonymityReasonEnum": "claims.models.AnonymityReason",
        "SuggestionStateEnum": "extraction.models.SuggestionState",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Publishing: the public fact-check pages and their ClaimReview ----------------------

# The organisation that publishes the verdicts: the ClaimReview `author` (reviews/claimreview.py).
ORGANIZATION_NAME = env_str("ORGANIZATION_NAME", "Corroborate")
ORGANIZATION_URL = env_url("ORGANIZATION_URL", SITE_URL, schemes=("http", "https"), what="web")
# The name authenticator apps show beside the account's code.
OTP_TOTP_ISSUER = ORGANIZATION_NAME

# --- Webhooks (integrations/; endpoint addresses obey FETCH_ALLOWED_NETWORKS too) --------

# Seconds one delivery attempt may take in all: connecting, sending, reading the answer.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
if WEBHOOK_TIMEOUT >= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT must be shorter than CELERY_TASK_SOFT_TIME_LIMIT.")
# Attempts before a delivery is given up as failed, the first one included.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
# Seconds before the second attempt; doubled for each later one (with jitter) up to the maximum.
WEBHOOK_RETRY_BASE_DELAY = env_int("WEBHOOK_RETRY_BASE_DELAY", 60)
WEBHOOK_RETRY_MAX_DELAY = env_int("WEBHOOK_RETRY_MAX_DELAY", 1800)
# A retry is a Celery countdown; one longer than half the visibility timeout could be
# delivered twice by Redis (reliability.md, J6).
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] // 2 < WEBHOOK_RETRY_MAX_DELAY:
    raise ImproperlyConfigured(
        "WEBHOOK_RETRY_MAX_DELAY must be at most half the broker's visibility timeout "
        f"({CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] // 2} seconds)."
    )
# Seconds between two sweeps for due deliveries whose wake-up message was lost.
WEBHOOK_SWEEP_INTERVAL = env_int("WEBHOOK_SWEEP_INTERVAL", 60, minimum=5)
CELERY_BEAT_SCHEDULE["integrations.sweep_webhook_deliveries"] = {
    "task": "integrations.sweep_webhook_deliveries",
    "schedule": WEBHOOK_SWEEP_INTERVAL,
    # A sweep no worker ran in time is superseded by the next one.
    "options": {"expires": WEBHOOK_SWEEP_INTERVAL},
}

# Coverage jobs: re-send jobs whose worker died or whose message was lost; match
# articles that arrived (from feeds) to the open claims; re-search Unproven claims on
# their re-check date.
CELERY_BEAT_SCHEDULE["corroboration.sweep_jobs"] = {
    "task": "corroboration.sweep_jobs",
    "schedule": JOB_SWEEP_INTERVAL,
    "options": {"expires": JOB_SWEEP_INTERVAL},
}
CELERY_BEAT_SCHEDULE["corroboration.match_new_articles"] = {
    "task": "corroboration.match_new_articles",
    "schedule": JOB_SWEEP_INTERVAL,
    "options": {"expires": JOB_SWEEP_INTERVAL},
}
CELERY_BEAT_SCHEDULE["corroboration.recheck_due_claims"] = {
    "task": "corroboration.recheck_due_claims",
    "schedule": 3600,
    "options": {"expires": 3600},
}
# Track records are refreshed when a verdict is published or withdrawn; this sweep
# catches claims changed otherwise (and builds them all on a fresh upgrade).
CELERY_BEAT_SCHEDULE["trackrecords.refresh_recent"] = {
    "task": "trackrecords.refresh_recent",
    "schedule": 600,
    "options": {"expires": 600},
}
# Claims recorded lately are matched to the prior checks (fact-checks others published).
CELERY_BEAT_SCHEDULE["corroboration.match_prior_checks"] = {
    "task": "corroboration.match_prior_checks",
    "schedule": 300,
    "options": {"expires": 300},
}

# --- Coverage providers (sources/providers/; every request goes through sources/fetch.py) --

# A provider without its key is off, and the admin's feed list says so.
# GDELT needs no key: it is on unless switched off here (an intranet with no way out, say).
GDELT_ENABLED = env_bool("GDELT_ENABLED", True)
GDELT_BASE_URL = env_url(
    "GDELT_BASE_URL", "https://api.gdeltproject.org/api/v2/doc/doc", schemes=("http", "https"), what="web"
)
FACTCHECK_TOOLS_BASE_URL = env_url(
    "FACTCHECK_TOOLS_BASE_URL", "https://factchecktools.googleapis.com/v1alpha1", schemes=("http", "https"), what="web"
)
FACTCHECK_TOOLS_API_KEY = env_str("FACTCHECK_TOOLS_API_KEY", "")
MEDIACLOUD_BASE_URL = env_url(
    "MEDIACLOUD_BASE_URL", "https://search.mediacloud.org/api", schemes=("http", "https"), what="web"
)
MEDIACLOUD_API_KEY = env_str("MEDIACLOUD_API_KEY", "")
# Seconds between two requests to each provider, counted across all workers (Redis).
GDELT_MIN_INTERVAL = env_int("GDELT_MIN_INTERVAL", 5)
FACTCHECK_TOOLS_MIN_INTERVAL = env_int("FACTCHECK_TOOLS_MIN_INTERVAL", 1)
MEDIACLOUD_MIN_INTERVAL = env_int("MEDIACLOUD_MIN_INTERVAL", 30)
# Seconds a caller waits for its turn before giving up for now (a transient failure).
PROVIDER_MAX_WAIT = env_int("PROVIDER_MAX_WAIT", 90, minimum=1)
if PROVIDER_MAX_WAIT >= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("PROVIDER_MAX_WAIT must be shorter than CELERY_TASK_SOFT_TIME_LIMIT.")
# Attempts per provider request when it fails transiently (time-out, 5xx, 429), the first included.
PROVIDER_RETRY_ATTEMPTS = env_int("PROVIDER_RETRY_ATTEMPTS", 3, minimum=1)
# Seconds between two looks for feeds that are due (each feed has its own poll interval).
FEED_SCHEDULE_INTERVAL = env_int("FEED_SCHEDULE_INTERVAL", 60, minimum=10)
CELERY_BEAT_SCHEDULE["sources.poll_due_feeds"] = {
    "task": "sources.poll_due_feeds",
    "schedule": FEED_SCHEDULE_INTERVAL,
    # A look no worker ran in time is superseded by the next one.
    "options": {"expires": FEED_SCHEDULE_INTERVAL},
}

# --- Retention (core/retention.py; README "What is kept") -------------------------------

# Days to keep rows that only pile up; 0 keeps them for ever. The change history, the
# transition log and every article a claim uses are never deleted.
RETENTION_JOBS_DAYS = env_int("RETENTION_JOBS_DAYS", 90)
RETENTION_WEBHOOK_DELIVERIES_DAYS = env_int("RETENTION_WEBHOOK_DELIVERIES_DAYS", 30)
RETENTION_LOGIN_ATTEMPTS_DAYS = env_int("RETENTION_LOGIN_ATTEMPTS_DAYS", 90)
RETENTION_ARTICLES_DAYS = env_int("RETENTION_ARTICLES_DAYS", 180)
if RETENTION_LOGIN_ATTEMPTS_DAYS and RETENTION_LOGIN_ATTEMPTS_DAYS * 24 <= AXES_COOLOFF_TIME:
    # Deleting the failures behind a lock-out would lift it early.
    raise ImproperlyConfigured(
        f"RETENTION_LOGIN_ATTEMPTS_DAYS must cover LOGIN_LOCKOUT_HOURS ({AXES_COOLOFF_TIME} hours), or be 0."
    )
# Each run deletes a bounded number of rows of each kind; hourly runs keep them small.
CELERY_BEAT_SCHEDULE["core.prune"] = {
    "task": "core.prune",
    "schedule": 3600,
    "options": {"expires": 3600},
}

# --- Logging ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # httpx logs every request URL at INFO, and provider URLs can carry API keys.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
