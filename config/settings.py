"""Settings, read from the environment.

With nothing set this is a working development site: an SQLite file under var/, Celery tasks run
eagerly in-process, email printed to the console. Production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis). environs raises on a malformed
value with the variable's name in the message, so a typo fails at start instead of meaning "off".
"""

from __future__ import annotations

import datetime
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()

DEBUG = env.bool("DEBUG", False)
# A development key is only acceptable while DEBUG is on; production must bring its own.
SECRET_KEY = env.str("SECRET_KEY", "django-insecure-development-key-only") if DEBUG else env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # Widget templates are looked up like every template (FORM_RENDERER below), Django's own here.
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "papers",
    "recommender",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in the path, query, a form field or a cookie: a 400 before the session or any view reads it.
    "papers.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every response to a logged-in reader: Cache-Control private, no-store.
    "papers.middleware.NoStoreWhenLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # While PostgreSQL restarts, requests get a quick 503 page instead of a 500.
    "papers.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
# Form widgets render through TEMPLATES, so a widget can use a template of ours (digest/forms.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
            ],
        },
    },
]

DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that stops answering (a hung server, a failover, a dropped network) must cost a
    # request seconds: without a timeout libpq waits for the server's first answer indefinitely. The
    # request then gets the 503 page (papers/middleware.py) well inside gunicorn's worker timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web and worker process (rate limits, locks); never per-process memory.
CACHES = {"default": env.dj_cache_url("CACHE_URL", default="db://papershelf_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down must not hold requests up: a host that does not answer at all would otherwise keep a
    # request waiting on the TCP connect for minutes. Pages need no cache; rate limits fail open while
    # it is unreachable (papers/ratelimits.py).
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "papers:daily"
LOGOUT_REDIRECT_URL = "papers:daily"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    # Model artifacts go through this storage, so every web and worker process reads the same files;
    # production points it at shared or object storage.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: printed to the console unless EMAIL_URL names an SMTP server (smtp+tls://user:pass@host:587).
if env.str("EMAIL_URL", ""):
    _email = env.dj_email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Papershelf <papershelf@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker every task runs eagerly in the calling process (development, tests).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Publishing happens inside web requests: when the broker is down, fail within a fraction of a second
# (the re-rank outbox keeps the work) instead of blocking the user behind kombu's default retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # A task is acknowledged when it has finished (acks_late). If its worker is killed first, Redis hands
    # it to another worker once this long has passed since it was delivered: it must be longer than any
    # task runs (the nightly training, about 20 min on the full data) and than the longest retry
    # countdown (the digest's fifth retry, 16 min), or a live worker's task would be run a second time.
    "visibility_timeout": 3600,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Together: a task whose worker dies mid-way is run again (by the pool's parent at once if only the pool
# process died, after visibility_timeout if the whole worker did), so every task is safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seeded into django-celery-beat's tables on first start; edit them in the admin afterwards.
CELERY_BEAT_SCHEDULE = {
    "fetch-daily-papers": {
        "task": "papers.tasks.fetch_daily_papers",
        "schedule": crontab(hour=1, minute=0),
    },
    "drain-rerank-outbox": {
        "task": "recommender.tasks.drain_rerank_outbox",
        "schedule": 60.0,
    },
    "train-recommender": {
        "task": "recommender.tasks.train_recommender",
        "schedule": crontab(hour=3, minute=0),
    },
    # Papers known only by title, a batch an hour, looked up on arXiv (papers/catalogue/identify.py).
    "identify-papers": {
        "task": "papers.tasks.identify_papers",
        "schedule": crontab(minute=30),
    },
}

# Daily ingestion sources.
ARXIV_API_URL = env.str("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_CATEGORIES = env.list("ARXIV_CATEGORIES", ["cs.LG", "cs.AI", "cs.CL", "cs.CV", "cs.NE", "q-bio.NC"])
ARXIV_FETCH_MAX_RESULTS = env.int("ARXIV_FETCH_MAX_RESULTS", 200)
HF_DAILY_PAPERS_URL = env.str("HF_DAILY_PAPERS_URL", "https://huggingface.co/api/daily_papers")
HTTP_TIMEOUT_SECONDS = env.float("HTTP_TIMEOUT_SECONDS", 20.0)
# Looking papers up on arXiv by title (papers/catalogue/identify.py): off for a site that must not
# reach arXiv.
# Each run asks about this many papers, three seconds apart, as arXiv asks of API clients.
ARXIV_TITLE_LOOKUP = env.bool("ARXIV_TITLE_LOOKUP", True)
ARXIV_TITLE_LOOKUP_BATCH = env.int("ARXIV_TITLE_LOOKUP_BATCH", 20)

# Production hardening; all of it is on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
# Overridable only for plain-HTTP load tests on 127.0.0.1 (bench/load.py); keep them on in production.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
}

# --- Security headers (issue 6) -------------------------------------------------------------------------
# Content-Security-Policy through django-csp 4.x (Django 5.2 has none of its own). Only our own scripts,
# styles and images: htmx is served from static/vendor, templates carry no inline <script>, <style> or
# style="" (tests/security/test_headers.py scans them), and base.html's htmx-config turns off htmx's
# inline indicator <style> and eval.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# X-Frame-Options, nosniff, Referrer-Policy and HSTS are set above; these make the rest explicit.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token base.html renders into hx-headers.
CSRF_COOKIE_HTTPONLY = True

# --- Client address (issue 6) ---------------------------------------------------------------------------
# Rate limits and lockouts count per client address. Behind a reverse proxy REMOTE_ADDR is the proxy, so
# the client is read from X-Forwarded-For: set TRUSTED_PROXY_COUNT to the number of proxies that append
# to it (1 for one nginx). Entries left of those are written by the client and are never trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)

# --- Login lockout (issue 6) ----------------------------------------------------------------------------
# django-axes: 5 failed logins for one username from one address within 15 minutes lock that pair out for
# 15 minutes (HTTP 429 with a page that says so). Attempts are rows in the database, counted under a row
# lock, so every process sees the same count. An unknown username is counted and locked exactly like a
# real one, so the lockout tells nothing about which accounts exist.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Only for sessions made before issue 21, which name it; logs nobody in (config/auth.py).
    "config.auth.ModelBackend",
]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "papers.ratelimits.client_ip"
AXES_USERNAME_CALLABLE = "papers.ratelimits.login_username"
AXES_LOCKOUT_CALLABLE = "papers.ratelimits.login_lockout_response"
# Failed attempts are what a lockout needs; a row for every successful login would only be personal data.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Lockouts are logged as warnings; the line axes writes at INFO for every successful login is noise.
_loggers = LOGGING.setdefault("loggers", {})
assert isinstance(_loggers, dict)
_loggers["axes"] = {"level": "WARNING"}

# --- Password reset and sign-up limits (issue 6) --------------------------------------------------------
# django-ratelimit counts in the default cache, shared by every process (the database cache by default,
# Redis in CI and production). Limits are in papers/ratelimits.py. Its check E003 objects that the
# database cache increments with a read then a write, so a burst of simultaneous requests can get a few
# past a limit; these limits stop email flooding, not password guessing (axes does that, under a row
# lock), so that is acceptable. W001: Django's own RedisCache is not on its list, though its INCR is atomic.
INSTALLED_APPS += ["django_ratelimit"]
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
if not DEBUG and CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in ("LocMemCache", "DummyCache"):
    raise ImproperlyConfigured(
        "CACHE_URL must name a cache every process shares (db://… or redis://…): rate limits count in it."
    )

# --- Request size limits (issue 6) ----------------------------------------------------------------------
# Form fields (everything but files) are held in memory: at most 2.5 MB of them, else a 400. Files over
# 2.5 MB go to a temporary file, and SizeCappedUploadHandler stops keeping any file's bytes past 5 MB (the
# list import's limit) while still counting them, so a 50 MB upload costs neither 50 MB of memory nor of
# disk, and the import is refused with the file's real size. A proxy in front should cap bodies too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "papers.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email digest and feeds (issue 5) -------------------------------------------------------------------
# Emails are read far from any request, so their links name the public site here (no trailing slash).
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}.")
# Every hour on the hour: whoever chose this hour in their own time zone gets their digest.
CELERY_BEAT_SCHEDULE["send-due-digests"] = {
    "task": "papers.tasks.send_due_digests",
    "schedule": crontab(minute=0),
}
