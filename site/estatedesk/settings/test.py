"""Test settings: Huey runs tasks inline, a per-process cache, a fast hasher."""

import os

from .base import *  # noqa: F403
from .base import HUEY

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/estatedesk-test-media")
PRIVATE_MEDIA_ROOT = os.environ.get("TEST_PRIVATE_MEDIA_ROOT", os.path.normpath(MEDIA_ROOT) + "-private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "estatedesk.storage.PrivateFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# With REDIS_URL set (the PostgreSQL + Redis suite), the cache is Redis, one database per
# pytest-xdist worker so that one worker's cache.clear() never empties another's.
if os.environ.get("REDIS_URL"):
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    _db = 1 + int(_worker[2:] or 0)
    _base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{_base}/{_db}",
            "KEY_PREFIX": "estatedesk-test",
        }
    }
