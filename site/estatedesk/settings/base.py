"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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


# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [SITE_DIR / "estatedesk" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True


# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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


# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "estatedesk 物业客服中心"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# Wagtail's database backend, with search-box text made safe for SQLite FTS5 (see estatedesk.search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "estatedesk.search"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png"]
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_ENABLE_UPDATE_CHECK = False
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

# --- bulletin: anonymous bulletin pages are answered from the cache right after WhiteNoise,
# before sessions and auth run (see site/bulletin/cache.py). It only serves and stores pages that
# the bulletin marked cacheable, for requests without a session cookie.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "bulletin.cache.AnonymousPageCacheMiddleware",
)
#: Longest time (s) an anonymous bulletin page stays cached; publishing invalidates it earlier.
BULLETIN_CACHE_SECONDS = 600
#: Sign-up and satisfaction form posts allowed per client address within the window (s).
BULLETIN_RATE_LIMIT = (10, 600)
