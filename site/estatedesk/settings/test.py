"""Test settings: Huey runs tasks inline, a per-process cache, a fast hasher."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import HUEY

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
# A media folder of this run (per process), removed at exit, unless TEST_MEDIA_ROOT names one.
if os.environ.get("TEST_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]
else:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="estatedesk-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
PRIVATE_MEDIA_ROOT = os.environ.get("TEST_PRIVATE_MEDIA_ROOT", os.path.normpath(MEDIA_ROOT) + "-private")
if not os.environ.get("TEST_MEDIA_ROOT") and not os.environ.get("TEST_PRIVATE_MEDIA_ROOT"):
    atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "estatedesk.storage.PrivateFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# With REDIS_TEST_URL (or REDIS_URL) set, the cache is Redis, in exactly the database that URL
# names, under a key prefix of this process: tests/conftest.py empties only keys with that
# prefix, so parallel workers and other runs sharing the database are never touched.
_redis_test_url = os.environ.get("REDIS_TEST_URL") or os.environ.get("REDIS_URL")
if _redis_test_url:
    CACHES = {
        "default": {
            "BACKEND": "estatedesk.cache.FaultTolerantRedisCache",
            "LOCATION": _redis_test_url,
            "KEY_PREFIX": f"estatedesk-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
