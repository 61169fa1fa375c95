"""ChromaMatch settings: one module, read from the environment.

With no environment at all it runs on embedded defaults (SQLite, local files, a file-system
task queue, a local MLflow store). Each real service is switched on by its variable; see the
README's configuration table. A wrong value stops the process here, naming the variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from chromamatch_site.env import env_bool, env_int, env_list, env_rate, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CHROMAMATCH_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=false.")
    SECRET_KEY = "development-only-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG=false."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "accounts",
    "analysis",
    "worker",
    "monitoring",
]

MIDDLEWARE = [
    # First: django_prometheus's own first step reads the Content-Length as a number.
    "chromamatch_site.request_checks.MalformedContentLengthMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chromamatch_site.private_responses.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chromamatch_site.content_security.ContentSecurityPolicyMiddleware",
    "analysis.middleware.OutagePageMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "chromamatch_site.urls"
WSGI_APPLICATION = "chromamatch_site.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Django supports: {exc}"
    ) from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files locked in tests.
    _database["CONN_MAX_AGE"] = 0
    # Tests that hand work to a separate worker process need a database file it can open.
    _database["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # The worker writes results while the site signs people up: with SQLite's defaults a
    # write that met another one failed at once ("database is locked", a 503). Writers now
    # queue for up to 20 s (IMMEDIATE takes the write lock at BEGIN, so a transaction that
    # read first cannot deadlock on it) and readers never wait for them (WAL).
    _database["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, task queue --------------------------------------------------------------------

REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering must fail a request quickly, not hang its thread.
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    # A file cache, not a per-process one: the web process reads what the workers report
    # (the model each serves) and throttle counts hold across runserver's reloads.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

QUEUE_DIR = VAR_DIR / "queue"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # No broker installed: kombu's file-system transport passes messages through files
    # under var/queue, so the web process and a real worker process still talk through a
    # queue and `make run` behaves like production with nothing installed.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
        "store_processed": False,
        # The transport polls its folder; kombu's default of once a second would add up to a
        # second to every analysis. Listing a folder ten times a second costs nothing.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{QUEUE_DIR / 'results'}"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# An analysis still pending after this long lost its message (a broker restart, a crash
# between commit and send); the reaper queues it again.
ANALYSIS_STUCK_AFTER_SECONDS = env_int("ANALYSIS_STUCK_AFTER_SECONDS", 600, minimum=60)
# Stored selfies (and draping pictures) are deleted this many days after upload, keeping the
# results; 0 keeps them until the person deletes them.
SELFIE_RETENTION_DAYS = env_int("SELFIE_RETENTION_DAYS", 0, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-analyses": {"task": "worker.tasks.requeue_stuck_analyses", "schedule": 300.0},
    "purge-old-selfies": {"task": "worker.tasks.purge_old_selfies", "schedule": 3600.0},
    "drift-report": {"task": "monitoring.tasks.drift_report", "schedule": 3600.0},
}

# --- Storage ------------------------------------------------------------------------------

MEDIA_ROOT = VAR_DIR / "media"
# Selfies are never served from a public URL; pages show them through owner-checked views.
MEDIA_URL = "/media-not-served/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve static files straight from the source folders when collectstatic has not run
# (laptops, tests); the Docker image runs collectstatic.
WHITENOISE_USE_FINDERS = True

S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_url("S3_ENDPOINT_URL", None, schemes=("http", "https")),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("S3_SIGNED_URL_SECONDS", 300, minimum=1),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "file_permissions_mode": 0o600},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Model registry -----------------------------------------------------------------------

MLFLOW_DIR = VAR_DIR / "mlflow"
MLFLOW_TRACKING_URI = env_str("MLFLOW_TRACKING_URI", f"sqlite:///{MLFLOW_DIR / 'mlflow.db'}")
# Where a new ChromaMatch experiment keeps its artifacts. A tracking server decides that
# itself, so the embedded folder is only the default for the embedded store.
MLFLOW_ARTIFACT_ROOT = env_str(
    "MLFLOW_ARTIFACT_ROOT",
    str(MLFLOW_DIR / "artifacts") if MLFLOW_TRACKING_URI.startswith("sqlite:") else None,
)
# MLflow retries an unreachable tracking server with a growing back-off for about four
# minutes: /health hung that long, and a worker's refresh too. A short wait answers instead
# (a worker keeps serving its last model and asks again at its next refresh). setdefault: an
# operator's own values win.
for _name, _value in (
    ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1"),
    ("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1"),
    ("MLFLOW_HTTP_REQUEST_TIMEOUT", "5"),
):
    os.environ.setdefault(_name, _value)
# How often a worker asks the registry whether `production` moved (seconds).
MODEL_REFRESH_SECONDS = env_int("MODEL_REFRESH_SECONDS", 30, minimum=1)
# An analysis takes well under a second; the limit covers a first model load on a slow disk.
ANALYSIS_SOFT_TIME_LIMIT = env_int("ANALYSIS_SOFT_TIME_LIMIT", 120, minimum=5)
if REDIS_URL:
    # Redis has no acknowledgements: a message a worker took waits in an "unacked" set and
    # goes back to the queue after the visibility timeout, which is how an analysis whose
    # worker was killed (OOM, node loss) runs again. It must outlast the longest legitimate
    # hold, the hard time limit (soft + 30 s) after a retry countdown of up to 32 s, or an
    # analysis would run twice; twice the hard limit (300 s by default) leaves that margin.
    # Every worker looks for expired messages each 10 s (kombu's default scans every 100 s).
    # It stays under ANALYSIS_STUCK_AFTER_SECONDS, so the reaper never races a restore.
    # A connection attempt to a broker that is gone gives up after 2 s instead of hanging.
    _visibility_timeout = 2 * (ANALYSIS_SOFT_TIME_LIMIT + 30)
    if _visibility_timeout >= ANALYSIS_STUCK_AFTER_SECONDS:
        raise ImproperlyConfigured(
            f"ANALYSIS_STUCK_AFTER_SECONDS={ANALYSIS_STUCK_AFTER_SECONDS} must exceed "
            f"{_visibility_timeout} s, twice the hard time limit that ANALYSIS_SOFT_TIME_LIMIT="
            f"{ANALYSIS_SOFT_TIME_LIMIT} sets (soft + 30 s): the reaper would queue analyses "
            "again while Redis still holds their messages, and they would run twice."
        )
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
    }

# --- Accounts and authentication ----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "analysis:history"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif DEBUG:
    # On a laptop the reset link is printed where the developer sees it.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # In production a printed e-mail is a working reset link in the logs: none is sent, and
    # `check --deploy` says so (accounts/checks.py).
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ChromaMatch <no-reply@localhost>")

# --- API ----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a bad credential a 401, not a 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API answered a browser, errors included, with an HTML page.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "chromamatch_site.api_negotiation.JsonContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "chromamatch_site.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chromamatch_site.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Throttles count per client address. Left unset, DRF takes it from X-Forwarded-For, which
    # any client can write, so a forged header per request dodged the sign-in limit: the
    # address is the connection's unless a proxy in front is declared (it then appends the
    # real one, and the entry that many places from the end is the client's).
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0, minimum=0),
    "DEFAULT_THROTTLE_RATES": {
        # Sign-in guesses per client address; the same budget covers the login page.
        "login": env_rate("LOGIN_THROTTLE_RATE", "10/min"),
        "signup": env_rate("SIGNUP_THROTTLE_RATE", "20/hour"),
        "password_reset": env_rate("PASSWORD_RESET_THROTTLE_RATE", "5/hour"),
        # Selfies analysed per account: generous for a person, a brake on a runaway client.
        "analyze": env_rate("ANALYZE_THROTTLE_RATE", "120/hour"),
        # Copies of one's data per account (profile page and API together).
        "export": env_rate("EXPORT_THROTTLE_RATE", "10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ChromaMatch API",
    "DESCRIPTION": "Skin tone, undertone, seasonal colour type and palette from a selfie.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation pages' scripts and styles come from this site (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (strict whenever DEBUG is off) ----------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes and the metrics scraper talk plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
SESSION_ENGINE = "accounts.sessions"
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Misc ---------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # At DEBUG these write every storage key and request signature (with the access key id)
    # into the log; their warnings still come through.
    "loggers": {
        name: {"level": "WARNING"} for name in ("botocore", "boto3", "s3transfer", "urllib3")
    },
}
