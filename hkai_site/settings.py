"""
HKAI settings: one module, configured from the environment.

The defaults are safe: DEBUG is off unless DJANGO_DEBUG says otherwise, and with
DEBUG off a real DJANGO_SECRET_KEY is required. `make run` turns DEBUG on for
local development; production sets the variables listed in the README.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    # Development only: never used with DEBUG off.
    SECRET_KEY = "django-insecure-development-key-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The project's own apps, one per concern (README: "Project layout").
PROJECT_APPS = [
    "core",
    "images",
    "articles",
    "pagecache",
    "reader",
    "search",
    "newsroom",
    "operations",
    "demo",
]

INSTALLED_APPS = [
    # django.contrib.admin with the newsroom's AdminSite (newsroom/sites.py).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    # Revision history of articles with restore, in the admin.
    "reversion",
    "csp",
    "axes",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    # Outermost: the headers every response carries, the 400s and the health check's
    # included (hkai_site/middleware.py says why here). They never answer a request.
    "hkai_site.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any host check or HTTPS redirect: load balancers probe app servers by address
    # over plain HTTP (hkai_site/health.py).
    "hkai_site.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hkai_site.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL only (/zh-hant/... or none: English); see hkai_site/locale.py.
    "hkai_site.locale.URLLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The page cache's last copy when the database is down (hkai_site/middleware.py).
    "hkai_site.middleware.StalePageOnDatabaseErrorMiddleware",
    # Right after authentication: see pagecache/middleware.py for why exactly here.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hkai_site.urls"

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
                "reader.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "hkai_site.wsgi.application"

# SQLite file by default (the embedded two-command setup); PostgreSQL by URL at scale.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and hold file locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # SQLite ignores select_for_update: a transaction that writes takes the write lock
        # when it begins, so two saves of one article run one after the other and the
        # second sees the first's version (the edit-conflict form), instead of both reading
        # and one failing with "database is locked" when it tries to write.
        transaction_mode="IMMEDIATE",
        # Seconds a connection waits for the lock before giving up.
        timeout=env_int("DATABASE_SQLITE_TIMEOUT", 20),
        # Readers never wait for a writer, nor a writer for readers (write-ahead log).
        init_command="PRAGMA journal_mode=WAL;",
    )
    # The publication-order index INCLUDEs columns on PostgreSQL (deep pages read from the
    # index alone); SQLite builds it on the key columns, as this warning says on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared Redis cache when REDIS_URL is set (several app servers), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its client, and missing instead of raising when
            # Redis is down or full (hkai_site/cache_backends.py says why).
            "BACKEND": "hkai_site.cache_backends.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hkai"),
            # A Redis that hangs must not hang pages: seconds to connect, and per command.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hkai",
        }
    }

# Whole-page cache for anonymous readers, shared through the cache above (pagecache/).
# Off by default with DEBUG on, so template edits show at once under `make run`.
# PAGE_CACHE=0 turns it off (the benchmark's uncached runs); gunicorn.conf.py turns it off
# when several workers would each keep a private local-memory copy.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", not DEBUG)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/"]
# The HTTP caching contract for a cache in front (a CDN, deploy/varnish/): see the README's
# "Edge cache". Purges go out through PAGE_CACHE_PURGE_BACKEND after each commit; with none
# (NoPurge) the edge may keep a page only briefly.
PAGE_CACHE_PURGE_BACKEND = os.environ.get("PAGE_CACHE_PURGE_BACKEND", "pagecache.purge.NoPurge")
PAGE_CACHE_PURGE_URLS = env_list("PAGE_CACHE_PURGE_URLS", [])
PAGE_CACHE_PURGE_TIMEOUT = float(os.environ.get("PAGE_CACHE_PURGE_TIMEOUT", "2"))
PAGE_CACHE_PURGE_RETRIES = env_int("PAGE_CACHE_PURGE_RETRIES", 3)
PAGE_CACHE_PURGE_RETRY_DELAY = float(os.environ.get("PAGE_CACHE_PURGE_RETRY_DELAY", "1"))
PAGE_CACHE_FASTLY_SERVICE_ID = os.environ.get("PAGE_CACHE_FASTLY_SERVICE_ID", "")
PAGE_CACHE_FASTLY_TOKEN = os.environ.get("PAGE_CACHE_FASTLY_TOKEN", "")
# xkey (Varnish), Surrogate-Key (Fastly) or Cache-Tag (Cloudflare): one list of keys.
PAGE_CACHE_SURROGATE_HEADER = os.environ.get("PAGE_CACHE_SURROGATE_HEADER", "xkey")
PAGE_CACHE_EDGE_SECONDS = env_int(
    "PAGE_CACHE_EDGE_SECONDS", 86_400 if PAGE_CACHE_PURGE_BACKEND != "pagecache.purge.NoPurge" else 60
)
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 60)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)
PAGE_CACHE_STALE_IF_ERROR_SECONDS = env_int("PAGE_CACHE_STALE_IF_ERROR_SECONDS", 86_400)
# With the local-memory cache (no REDIS_URL), how a command or another process on this
# machine tells running servers that content changed (pagecache/generation.py).
PAGE_CACHE_STAMP_FILE = os.environ.get(
    "PAGE_CACHE_STAMP_FILE",
    str(
        Path(tempfile.gettempdir())
        / f"hkai-page-cache-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
    ),
)
# Single flight: one worker computes a missing page or value; others wait this long for it
# (then compute it themselves), and a lock left by a killed worker lasts this long.
PAGE_CACHE_WAIT_SECONDS = float(os.environ.get("PAGE_CACHE_WAIT_SECONDS", "2"))
PAGE_CACHE_LOCK_SECONDS = env_int("PAGE_CACHE_LOCK_SECONDS", 10)
# Costly aggregates cached per content generation (pagecache.fragments.generation_cached).
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", True)
HEALTH_CHECK_PATH = os.environ.get("HEALTH_CHECK_PATH", "/healthz")

# Sessions live in the database, so any app server behind the load balancer can serve any user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Hong_Kong")
USE_I18N = True
USE_TZ = True

# English and Traditional Chinese (Hong Kong). English keeps the unprefixed URLs; Chinese
# pages live under /zh-hant/ (i18n_patterns in hkai_site/urls.py). The catalogue is
# locale/zh_Hant/LC_MESSAGES/django.po, compiled by `manage.py compile_translations`.
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the site writes them in English ("25 November 2026"); Chinese uses Django's
# zh_Hant formats ("2026年11月25日").
FORMAT_MODULE_PATH = ["hkai_site.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images: served by the app itself at /media/ (hkai_site/media.py), or from a bucket
# when DJANGO_MEDIA_URL is its address (README, "Uploaded images").
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded images set their own caching (a year: their names change with their content,
# hkai_site/media.py), whoever asks: the page cache neither keeps nor rewrites them.
PAGE_CACHE_PASSTHROUGH_PATHS = [MEDIA_URL] if MEDIA_URL.startswith("/") else []
# The widths (px) each library image is stored at, in WebP and JPEG (images/renditions.py).
IMAGE_RENDITION_WIDTHS = (320, 480, 640, 800, 1200, 1600)

# Uploaded images and their renditions: every read and write goes through this storage, so an
# S3-compatible bucket (django-storages) can replace the folder (README: "Images").
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With DEBUG off whitenoise serves collected files, compressed, with hashed names.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Topics and organisations are one tag whatever the case ("Fintech" == "fintech").
TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = "HKAI"
SITE_TAGLINE = "Artificial intelligence in Hong Kong"

ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 12)

# The writing screen's endpoints (newsroom/writing.py): requests per person per window of
# seconds. The preview is asked for as one types (debounced), the autosave every few seconds.
NEWSROOM_RATE_LIMITS = {"preview": (120, 60), "autosave": (60, 60)}

# --- Security (see SECURITY.md; tests/test_security.py checks it) ---------------------------
# With DEBUG off everything below is on and `manage.py check --deploy` is clean. Two switches
# exist for a plain-HTTP production-like run on one machine (benchmarks): DJANGO_SECURE_SSL_REDIRECT=0
# and, if someone must log in over plain HTTP from another host, DJANGO_SECURE_COOKIES=0.

# TLS ends at the proxy, which must set (overwrite) X-Forwarded-Proto; app servers must not be
# reachable directly, or a client could claim "https" for itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The admin's address; moving it off /admin/ keeps drive-by login guessing out of the logs.
ADMIN_URL = (os.environ.get("DJANGO_ADMIN_URL", "").strip().strip("/") or "admin") + "/"

# Content Security Policy (django-csp). No inline script or style anywhere, so no 'unsafe-inline'
# and no nonces: anonymous pages are cached whole, and a per-request nonce cannot be cached.
# Images are same-origin only: hero images and body images are uploaded to this site.
# DJANGO_CSP_IMG_SRC adds origins (e.g. a media CDN), comma-separated.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *env_list("DJANGO_CSP_IMG_SRC", [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Login throttling (django-axes): DJANGO_LOGIN_FAILURE_LIMIT failures for one username, or from
# one client address, lock that username / address out for DJANGO_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out login is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks out
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
# Renders that template with the admin site's context (the newsroom's name in it).
AXES_LOCKOUT_CALLABLE = "hkai_site.login_throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# No "AXES: BEGIN version ..." line on every manage.py command (`make run` printed four); lockout
# log lines still name the lockout parameters (username, address).
AXES_VERBOSE = False
# The client address is REMOTE_ADDR unless DJANGO_TRUSTED_PROXY_COUNT says how many proxies
# (each appending to X-Forwarded-For) stand in front of the app servers: see login_throttling.py.
# Trusting the header without such proxies would let anyone pick a fresh address per attempt.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "hkai_site.login_throttling.client_ip"
AXES_USERNAME_CALLABLE = "hkai_site.login_throttling.attempted_username"

# Uploads: library images up to DJANGO_MAX_IMAGE_MB (images/validators.py); text fields of one
# request (a long article body) up to 5 MB; files above 2.5 MB stream to a temporary file.
MAX_IMAGE_MB = env_int("DJANGO_MAX_IMAGE_MB", 5)
MAX_IMAGE_PIXELS = env_int("DJANGO_MAX_IMAGE_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# `make backup` / `manage.py backup` write here (git-ignored); see operations/backups.py.
BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR", BASE_DIR / "backups"))
# --- end of security block ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO" if DEBUG else "WARNING"),
    },
    # Django's default config gives the "django" logger a console handler of its own (with
    # DEBUG on); it also propagates to the root handler, which printed every line twice.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# --- Content API, JSON Feed, webhooks (api/, webhooks/; README: "Content API", "Webhooks") ---
INSTALLED_APPS += [
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from static/ like ours: the documentation page loads nothing
    # from elsewhere (strict CSP).
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "api",
    "webhooks",
]
# CORS for the API's GETs only, outermost so that 304s, 429s and cache hits carry it; the rate
# limit before the page cache, so that cached answers count too.
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware"), "corsheaders.middleware.CorsMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("pagecache.middleware.PageCacheMiddleware"), "api.middleware.RateLimitMiddleware"
)
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Requests per client address (login_throttling.client_ip) per window of seconds, counted in the
# shared cache (Redis with REDIS_URL): API_RATE_LIMIT="requests/seconds"; "0" turns it off.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/60")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
REST_FRAMEWORK = {
    # DRF's JSON, sending the articles' cached JSON as it is (api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Read-only and anonymous: no session, so every answer is the same for everyone.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HKAI Content API",
    "DESCRIPTION": "Published articles, sections, topics, organisations and authors of HKAI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The site's address for absolute URLs outside a request (webhook payloads).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The webhook queue: django-tasks' database backend, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30)

# Search suggestions (search/suggest.py): requests per client address per window of seconds,
# counted before the page cache like the API's (search/middleware.py); "0" turns it off. A
# reader typing sends one request per pause, a few a second at most.
SEARCH_SUGGEST_RATE_LIMIT = os.environ.get("SEARCH_SUGGEST_RATE_LIMIT", "120/60")
MIDDLEWARE.insert(
    MIDDLEWARE.index("pagecache.middleware.PageCacheMiddleware"),
    "search.middleware.SuggestRateLimitMiddleware",
)
