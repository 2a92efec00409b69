"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

SITE_DIR = Path(__file__).resolve().parent.parent.parent  # site/
ROOT_DIR = SITE_DIR.parent
VAR_DIR = Path(os.environ.get("ESTATEDESK_VAR_DIR", ROOT_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# The project's own apps, in dependency order. Their tests, factories, roles and demo data are
# discovered from this list (see estates.roles and estates.management.commands.load_demo).
PROJECT_APPS = [
    "estates",
    "notifications",
    "archives",
    "lending",
    "spreadsheets",
    "bulletin",
    "fees",
    "servicedesk",
    "patrol",
    "surveys",
    "lifecycle",
    "owners",
    "workbench",
]

INSTALLED_APPS = [
    *PROJECT_APPS,
    "estatedesk",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "huey.contrib.djhuey",
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
    # Outermost after security, so pages answered from the bulletin's page cache get it too.
    "estatedesk.csp.ContentSecurityPolicyMiddleware",
    "estatedesk.middleware.RejectNulInQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the user chose otherwise; never the browser's Accept-Language.
    "estatedesk.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "estatedesk.urls"
WSGI_APPLICATION = "estatedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "estatedesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers work while one writer writes, and
# IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of one
# failing with "database is locked" half way through (the row locks of PostgreSQL do not exist).
def database_from_env(url: str | None) -> dict:
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        db["CONN_HEALTH_CHECKS"] = True
    return db


DATABASES = {"default": database_from_env(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Task queue and cache -------------------------------------------------------------------
# Periodic tasks (crontab) are read in local time, TIME_ZONE (Asia/Shanghai): Django sets the
# process time zone from it, and Huey with utc=False schedules by it. Whatever the number of
# consumers, one of them enqueues each minute's periodic tasks (see estatedesk.queue).
# The cache is an optimisation, never a dependency: the backends below degrade to "always a miss"
# when Redis or the folder fails (see estatedesk.cache).
REDIS_URL = os.environ.get("REDIS_URL", "")
_HUEY_COMMON = {"name": "estatedesk", "immediate": False, "utc": False,
                "consumer": {"workers": 2, "worker_type": "thread"}}
if REDIS_URL:
    HUEY = {**_HUEY_COMMON, "huey_class": "estatedesk.queue.EstatedeskRedisHuey", "url": REDIS_URL}
    CACHES = {
        "default": {
            "BACKEND": "estatedesk.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "estatedesk",
            # A Redis that does not answer must cost a second, not a hung request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {**_HUEY_COMMON, "huey_class": "estatedesk.queue.EstatedeskSqliteHuey",
            "filename": str(VAR_DIR / "huey.sqlite3")}
    # A file cache is shared by every process on the machine (web workers and the Huey
    # consumer), so invalidation on publish reaches them all; locmem would not.
    CACHES = {
        "default": {
            "BACKEND": "estatedesk.cache.FaultTolerantFileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }


# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one login name,
# or from one client address, further attempts are refused, even with the right password, until
# the cool-down has passed. The address is the same proxy-aware one as the public-form guard.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "estatedesk.clients.client_ip_or_none"
AXES_LOCKOUT_CALLABLE = "estatedesk.login.lockout_response"
AXES_VERBOSE = False


# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# First wins: the overrides catalogue decides msgids that Django, Wagtail and our apps translate
# differently and supplies the Wagtail strings its zh_Hans catalogue lacks (docs/architecture.md).
LOCALE_PATHS = [SITE_DIR / "estatedesk" / "locale_overrides", SITE_DIR / "estatedesk" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True


# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
#: Serve the bulletin's public images from MEDIA_ROOT through Django (0 when a proxy serves them).
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "1") == "1"
#: Private uploads (import files, archive documents, ticket photos): outside MEDIA_ROOT, no URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "estatedesk.storage.PrivateFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# --- Email and SMS --------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "estatedesk@localhost")
#: Dotted path of the SMS backend; a real provider plugs in here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.LogSmsBackend")
#: Local hour (TIME_ZONE) from which the day's fees sweep runs (estatedesk.sweeps).
FEES_DAILY_SWEEP_HOUR = int(os.environ.get("FEES_DAILY_SWEEP_HOUR", "9"))
#: How many times a failed message is retried by the periodic task before it is given up.
NOTIFICATIONS_MAX_ATTEMPTS = 5
#: Messages claimed by one statement and closed by one (notifications.batches): a worker killed
#: while sending leaves at most this many messages "to check: outcome unknown".
NOTIFICATIONS_CLAIM_BATCH = int(os.environ.get("NOTIFICATIONS_CLAIM_BATCH", "100"))
# One-time SMS codes (notifications.codes): lifetime, wrong guesses allowed, sends per recipient per window.
ONE_TIME_CODE_TTL_SECONDS = int(os.environ.get("ONE_TIME_CODE_TTL_SECONDS", "300"))
ONE_TIME_CODE_MAX_ATTEMPTS = 5
ONE_TIME_CODE_SEND_LIMIT = (5, 3600)


# --- Wagtail --------------------------------------------------------------------------------
# The name on every admin title and the workbench (never the host name "localhost").
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "estatedesk 物业客服中心")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# A secretary publishes their estate's notices directly (DOMAIN.md): no moderation workflow
# (workbench/migrations/0001 switches off the default one Wagtail creates).
WAGTAIL_WORKFLOW_ENABLED = False
# Wagtail's database backend, with search-box text made safe for SQLite FTS5 (see estatedesk.search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "estatedesk.search"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png"]
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
# Wagtail's Draftail editor, refusing a body that is not its JSON with a 400 (estatedesk.wagtail_fixes).
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "estatedesk.wagtail_fixes.DraftailRichTextArea"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No page requests another host (DESIGN.md; the CSP would block it): no Gravatar avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# --- History --------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # A handler of its own (and no propagation), so run_huey adds none and each line of
        # the consumer is printed once.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Labels of settings that are shown to users (kept here so makemessages finds them).
APP_TITLE = _("Property customer-service desk")

# --- lending: an overdue loan is escalated to the estate manager after this many days.
LENDING_ESCALATE_AFTER_DAYS = int(os.environ.get("LENDING_ESCALATE_AFTER_DAYS", "3"))
# An approved loan not handed out within this many hours lapses (the hourly sweep of lending.tasks),
# so stale approvals do not pile up on the board; the borrower asks again if still needed.
LENDING_APPROVAL_LAPSE_HOURS = int(os.environ.get("LENDING_APPROVAL_LAPSE_HOURS", "48"))

# --- bulletin: anonymous bulletin pages are answered from the cache right after WhiteNoise,
# before sessions and auth run (see site/bulletin/cache.py). It only serves and stores pages that
# the bulletin marked cacheable, for requests without a session cookie.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "bulletin.cache.AnonymousPageCacheMiddleware",
)
#: Longest time (s) an anonymous bulletin page stays cached; publishing invalidates it earlier.
BULLETIN_CACHE_SECONDS = 600

# --- fees: a "large account" (大户) has a floor area above this share of the estate's managed
# area; a large account more than 3 months behind gets a lawyer's letter. Shown on the board.
FEES_LARGE_ACCOUNT_SHARE = os.environ.get("FEES_LARGE_ACCOUNT_SHARE", "0.01")

# --- The public-form guard (estatedesk.guard) and the client address (estatedesk.clients) ---
#: How many proxies (load balancer, CDN, nginx) stand in front of the web server. The client
#: address is the entry this far from the right of X-Forwarded-For; 0 = REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
#: Posts allowed per client address and form within a window of seconds: (posts, seconds).
PUBLIC_FORM_LIMITS = {
    "signup": (10, 600),      # bulletin: event sign-up
    "feedback": (10, 600),    # bulletin: event satisfaction rating
    "report": (5, 3600),      # service desk: an owner's repair report, complaint, suggestion
    "status": (20, 600),      # service desk: ticket status lookup
    "survey": (20, 600),      # surveys: an owner's answers through the personal link
    "owner_code": (10, 600),  # owner portal: ask for a sign-in code (per client; per mobile: ONE_TIME_CODE_SEND_LIMIT)
    "owner_sign_in": (20, 600),  # owner portal: give the code
    "owner_report": (10, 3600),  # owner portal: a report with photos
    "owner_post": (60, 600),  # owner portal: other writes (choose a household, confirm, sign out)
}

# --- owner portal (owners app) --------------------------------------------------------------
#: How long a sign-in lasts: the web page's session and an API token.
OWNERS_WEB_TOKEN_DAYS = int(os.environ.get("OWNERS_WEB_TOKEN_DAYS", "30"))
OWNERS_API_TOKEN_DAYS = int(os.environ.get("OWNERS_API_TOKEN_DAYS", "30"))

# --- Content-Security-Policy (django-csp; estatedesk.csp picks the admin's policy) ---------
#: The public site: our own origin only; the one inline stylesheet carries a per-response nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
#: The Wagtail admin: our own origin too, but Wagtail's widgets (date pickers, inline panels,
#: workflow) write inline <script> and style attributes, so those need 'unsafe-inline'.
#: Nothing is loaded from another host; previews are framed from our own origin.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

# --- patrol: rectification deadline of a hazard per severity (hours from when it is reported).
PATROL_RECTIFY_HOURS = {"high": 24, "medium": 72, "low": 168}
#: A late hazard goes to the supervisors at its deadline, and to the estate manager this many
#: hours later.
PATROL_ESCALATE_MANAGER_AFTER_HOURS = 24
#: A round started in its window may be finished (late) this many minutes after the window
#: closes; after that an unfinished round is missed. A round never started is missed at once.
PATROL_LATE_GRACE_MINUTES = 120
#: How many past days the round-creation sweep makes up after the task did not run.
PATROL_CATCH_UP_DAYS = 7
#: Photo uploads on a round: size limit (bytes) and how many per item.
PATROL_MAX_PHOTO_BYTES = 5 * 1024 * 1024

# Desk procedures (lifecycle): the move-in clocks (DOMAIN.md: waiting <= 15 min, handling <= 30 min),
# stored on each appointment when booked; the default decoration inspection interval of an estate.
LIFECYCLE_MOVEIN_WAIT_MINUTES = 15
LIFECYCLE_MOVEIN_HANDLE_MINUTES = 30
LIFECYCLE_INSPECTION_INTERVAL_DAYS = 7
# The move-in pack is texted this many days before the appointment (the hourly task; or by hand).
LIFECYCLE_MOVEIN_PACK_DAYS_BEFORE = 3
# Wagtail documents of an estate's collection with this tag make up its move-in pack.
LIFECYCLE_MOVEIN_PACK_TAG = "入住"

# Admin listings (estates.paginator): above this many rows, a listing on PostgreSQL shows the
# planner's estimate ("about 100,000") instead of counting every row on every page. Below it,
# and on SQLite, the count is exact. 0 turns the estimate off.
LISTING_COUNT_ESTIMATE_THRESHOLD = int(os.environ.get("LISTING_COUNT_ESTIMATE_THRESHOLD", "10000"))
