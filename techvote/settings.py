"""TechVote settings: one module, configured by environment variables.

The defaults are safe for production (DEBUG off, HTTPS-only cookies, HSTS) and
need no other service: an SQLite database and an in-process cache. `make run`
sets DEBUG=1 for local development; the README lists every variable.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; refuse anything but the usual spellings."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Read an integer variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

# Only a DEBUG run may fall back to a fixed key; anywhere else an unset
# SECRET_KEY stops the first request with Django's own "must not be empty".
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (
    "django-insecure-local-development-only" if DEBUG else ""
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The site's name and public address, for everything that leaves the page:
# mail, canonical links, link previews, the sitemap. Never read from the
# request's Host header, which a client chooses.
SITE_NAME = os.environ.get("SITE_NAME", "TechVote")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")
# Where the contact page sends people; a mailbox someone reads.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "hello@techvote.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Social login: a provider whose app is added in admin (Social
    # applications) shows on the login page; none is needed to sign up.
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "cities.apps.CitiesConfig",
    "comments.apps.CommentsConfig",
    "notifications.apps.NotificationsConfig",
    "django_htmx",
    "csp",
    # The read API's OpenAPI schema and its browsable docs (Swagger UI,
    # served from the site's own static files).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "techvote.security.PermissionsPolicyMiddleware",
    "techvote.security.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so stored pages carry the header too.
    "csp.middleware.CSPMiddleware",
    # request.htmx, for the views and the CSRF failure view.
    "django_htmx.middleware.HtmxMiddleware",
    # Outside the page cache, so stored pages are compressed for each client
    # that asks; never a page with a CSRF token (techvote/compression.py).
    "techvote.compression.GZipWithoutTokensMiddleware",
    "techvote.middleware.FreshAfterWriteMiddleware",
    # Page views may read a replica (DATABASE_REPLICA_URL); gone without one.
    "techvote.replicas.ReplicaReadsMiddleware",
    "techvote.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that it hears the views' exceptions first.
    "techvote.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "techvote.urls"
WSGI_APPLICATION = "techvote.wsgi.application"

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
                "techvote.site.site",
                "comments.context_processors.moderation",
            ],
            "libraries": {"site": "techvote.site"},
        },
    },
]

# --- Database ---------------------------------------------------------------

# SQLite in the project folder unless DATABASE_URL names another database, e.g.
# postgres://user:password@host:5432/techvote. Connections are kept open
# between requests (CONN_MAX_AGE seconds): opening one per request costs more
# than most of our pages.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction starts, not half-way through
        # it, so concurrent writers wait instead of failing with "locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The write paths' own statements are prepared the first time a connection
    # runs them (techvote/prepared.py); Django's cursors never prepare. Off for
    # a connection pooler that cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {
        "prepare_threshold": 0 if env_bool("PREPARED_STATEMENTS", True) else None
    }

# Read replicas (streaming standbys of the primary): DATABASE_REPLICA_URL,
# comma-separated, adds an alias per replica; page views read from one of
# them and everything else from the primary (techvote/replicas.py). In tests
# they mirror the primary: no test database is made on a read-only server.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URL", []), start=1):
    # No health check of Django's: the router asks a replica itself, once a
    # page view, before choosing it (techvote/replicas.py).
    _replica = dj_database_url.parse(_url, conn_max_age=env_int("CONN_MAX_AGE", 600))
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL."
        )
    # A replica that does not answer is left out quickly, not waited for.
    _replica["OPTIONS"] = {"connect_timeout": 2}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
DATABASE_ROUTERS = ["techvote.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
# How long after a post its sender reads only from the primary (at least as
# long as shared pages live): a replica a few milliseconds behind never shows
# a member a page without their own vote.
REPLICA_FRESH_SECONDS = env_int("REPLICA_FRESH_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------

# The default cache holds what every server process must share: allauth's
# rate-limit counters and the remembered standings. With REDIS_URL
# (redis://host:6379/0) it is Redis; without, a table of the database
# (created by `migrate`), so that limits hold across gunicorn workers with
# no other service. Our own rate limits count in their own table then
# (comments.ratelimits). See the README, Security, for what each costs.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "techvote_cache",
        # Culling drops entries at random, rate-limit ones too: keep it rare.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
if REDIS_URL:
    # The database cache stands in while Redis is away (techvote/cache.py).
    CACHES["default"] = {
        "BACKEND": "techvote.cache.RedisWithDatabaseFallback",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
else:
    CACHES["default"] = CACHES["database"]
# Two caches are always in the process's own memory, where reading them costs
# no network trip: rendered list rows, keyed by everything they show
# (cities/rows.py), and whole pages for visitors without a session, kept a few
# seconds (techvote/middleware.py).
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 5_000},
}
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 1_000},
}
# Members' kept list pages and headers (cities/member_pages.py): frozen, so
# read without the copy a pickle makes (techvote.cache.FrozenMemoryCache).
CACHES["kept"] = {
    "BACKEND": "techvote.cache.FrozenMemoryCache",
    "LOCATION": "kept",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 1_000},
}
# How long a visitor without a session may see a page that is not the newest:
# a vote shows for everyone within this many seconds (and at once for the voter).
ANONYMOUS_PAGE_SECONDS = env_int("ANONYMOUS_PAGE_SECONDS", 5)

# Sessions live in the database; with a shared cache they are read from it
# first, which saves a query on nearly every signed-in request.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Open data ---------------------------------------------------------------

# The daily exports (comments/exports.py) name each member by a keyed hash,
# HMAC-SHA256 under this secret: stable within a list, unlinkable to the
# username or across lists without it. Keep it secret and keep it: a new key
# gives every member new pseudonyms. Only a DEBUG run derives one from
# SECRET_KEY; anywhere else an export without it is refused.
OPEN_DATA_PSEUDONYM_KEY = os.environ.get("OPEN_DATA_PSEUDONYM_KEY", "") or (
    hashlib.sha256(f"techvote open data pseudonyms:{SECRET_KEY}".encode()).hexdigest()
    if DEBUG
    else ""
)
# When `celery beat` exports every list (UTC), for the day it runs on.
OPEN_DATA_EXPORT_HOUR = env_int("OPEN_DATA_EXPORT_HOUR", 0)

# --- Notifications -----------------------------------------------------------

# When `celery beat` mails the day's digest of unread notifications (UTC) to
# the members who asked for one (notifications/digests.py).
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7)

# --- Task queue -------------------------------------------------------------

# Counting lists by the ranked methods (comments/tallies.py) is a Celery task.
# With REDIS_URL, Redis is the broker and workers run it (docker-compose.yml);
# without it, a task runs in the process that queued it, after the
# transaction commits, so `make run` and the tests need no server.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A count is acknowledged when it ends, so a worker killed half-way leaves it
# to be run again; it is idempotent, so running it twice is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds a queued count waits before it runs, so that a burst of votes and
# ballots on a list costs one count (comments.tasks.queue_count).
RANKED_COUNT_DELAY = env_int("RANKED_COUNT_DELAY", 10)
# Duels (Bradley-Terry): each contender also plays this many virtual duels won
# and as many lost against an average one, so a contender with no win has a
# finite strength (comments/counting/bradley_terry.py). 0 fits the plain
# maximum likelihood, as published examples do; it needs every contender to
# have beaten, and lost to, a chain of the others.
DUEL_PRIOR_DUELS = float(os.environ.get("DUEL_PRIOR_DUELS", "1"))
# Bootstrap rounds behind every rank interval (comments/uncertainty.py): at
# least 200, for stable 2.5th and 97.5th percentiles.
COUNT_BOOTSTRAP_ROUNDS = env_int("COUNT_BOOTSTRAP_ROUNDS", 200)
# Every list is counted again this often by `celery beat`, whatever changed.
RANKED_COUNT_EVERY = env_int("RANKED_COUNT_EVERY", 60 * 60)
CELERY_BEAT_SCHEDULE = {
    "count-every-list": {
        "task": "comments.tasks.count_every_list",
        "schedule": RANKED_COUNT_EVERY,
    },
    # Each list's open-data export of the day (comments/exports.py).
    "export-open-data": {
        "task": "comments.tasks.export_every_list",
        "schedule": crontab(minute=5, hour=OPEN_DATA_EXPORT_HOUR),
    },
    # The daily email of unread notifications, for members who asked for it.
    "email-notification-digests": {
        "task": "notifications.tasks.send_digests_task",
        "schedule": crontab(minute=30, hour=NOTIFICATION_DIGEST_HOUR),
    },
}

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Outside DEBUG, gunicorn serves hashed, compressed files through
    # WhiteNoise; they come from `manage.py collectstatic`.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------

# Behind a proxy that terminates TLS and sets X-Forwarded-Proto, set
# TRUST_X_FORWARDED_PROTO=1 so Django knows the request was HTTPS. Only do so
# when the proxy strips that header from what clients send.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Behind load balancers that add X-Forwarded-For (docker/haproxy.cfg), how
# many of its addresses are theirs: allauth's limits per IP address then count
# the client's address, not the load balancer's. 0 trusts the header never.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container health checks call /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# One hour until HTTPS is known to work on every subdomain; then raise it to a
# year (31536000) in the environment. Preloading is a promise browsers keep
# for months and hard to take back, and the preload list wants that year: it
# stays off until the operator sets SECURE_HSTS_PRELOAD.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The deployment check warns while preloading is off; here that is the choice.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A CSRF failure answers an htmx request with its message (techvote/htmx.py).
CSRF_FAILURE_VIEW = "techvote.htmx.csrf_failure"

# Content-Security-Policy (django-csp) on every response: scripts, styles and
# everything else from this site only, no inline script or style anywhere
# (htmx is configured to add none), no plugins, no framing, forms post here
# only. A view that needs more widens it for itself with csp.decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SESSION_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth) -----------------------------------------------

# Django's and allauth's backends, reading the user row through Redis where
# there is one (techvote/auth.py).
AUTHENTICATION_BACKENDS = [
    "techvote.auth.KeptUserModelBackend",
    "techvote.auth.KeptUserAuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cities:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "cities:home"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# No login, vote or comment before the address is confirmed: spam accounts
# need a working inbox each.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_USERNAME_MIN_LENGTH = 3
# Normalises usernames and refuses look-alikes of taken or reserved ones;
# names the site in mail from SITE_NAME and SITE_URL.
ACCOUNT_ADAPTER = "techvote.accounts.AccountAdapter"
ACCOUNT_FORMS = {"login": "techvote.accounts.LoginForm"}
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "moderator", "moderators", "techvote"]
ACCOUNT_CHANGE_EMAIL = True
# allauth's limits, spelled out: per IP, per user and per e-mail address
# ("key"). "10/m/ip" means ten attempts a minute from one address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"

# --- Email ----------------------------------------------------------------

# DEBUG prints mail to the console; otherwise SMTP settings come from the
# environment. EMAIL_BACKEND overrides both (docker-compose.yml uses the
# console until SMTP is configured).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "TechVote <noreply@techvote.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- TechVote ---------------------------------------------------------------

# Contenders shown per "Load more" page, after the Top Ten.
CONTENDERS_PER_PAGE = 25

# How long a member's right to take part (a verified address, no suspension)
# is remembered instead of asked of the database on each vote. Suspending a
# member forgets it at once where the cache is shared (REDIS_URL); otherwise
# each server process may remember it this long.
STANDING_CACHE_SECONDS = 60

# How long after posting an author may still edit a comment.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)

# Per member and action: at most this many a minute and a day. Accounts
# younger than NEW_ACCOUNT_AGE get the tighter "new" limits: a throwaway
# account is cheap, an established one is not.
NEW_ACCOUNT_AGE = timedelta(days=1)
# Per minute, what an honest member does: voting on every row of a list page
# (the Top Ten and 25 contenders) within a minute, new account or not. Abuse
# is held at the day: a throwaway account gets a fifth of an established one.
RATE_LIMITS = {
    "vote": {"established": {"minute": 60, "day": 1000}, "new": {"minute": 40, "day": 200}},
    "thumb": {"established": {"minute": 60, "day": 1000}, "new": {"minute": 40, "day": 200}},
    "comment": {"established": {"minute": 5, "day": 100}, "new": {"minute": 2, "day": 10}},
    "reply": {"established": {"minute": 10, "day": 200}, "new": {"minute": 3, "day": 20}},
    "report": {"established": {"minute": 5, "day": 50}, "new": {"minute": 2, "day": 10}},
    "suggest": {"established": {"minute": 3, "day": 20}, "new": {"minute": 1, "day": 3}},
    # A ballot is one save of a whole top ten: a member rearranging theirs
    # saves a few times a minute, never dozens.
    "ballot": {"established": {"minute": 10, "day": 100}, "new": {"minute": 5, "day": 30}},
    # A duel is one tap: as quick as a vote, and capped like one.
    "duel": {"established": {"minute": 60, "day": 1000}, "new": {"minute": 40, "day": 200}},
}
# The read API (/api/v1/) per client address: a script paging a big list
# gets a page every half second all day; more answers 429 with Retry-After.
API_RATE_LIMITS = {
    "minute": env_int("API_RATE_LIMIT_PER_MINUTE", 120),
    "day": env_int("API_RATE_LIMIT_PER_DAY", 20_000),
}
# The client address the API's limit counts: the proxy's last X-Forwarded-For
# entry behind the TLS proxy of TRUST_X_FORWARDED_PROTO, REMOTE_ADDR otherwise,
# never a header a client could set itself.
NINJA_NUM_PROXIES = 1 if env_bool("TRUST_X_FORWARDED_PROTO", False) else 0
