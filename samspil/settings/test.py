"""Tests: fast hashing, in-memory mail, tasks run at once, no manifest needed for static."""

from .base import *  # noqa: F403

SECRET_KEY = "samspil-test-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_ROOT = VAR_DIR / "test-private"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests pin the mail links' address; tests of the Site fallback switch this off.
BASE_URL_FROM_ENV = True
ANYMAIL = {"WEBHOOK_SECRET": "anymail-test:webhook-secret"}
NEWSLETTERS = {**NEWSLETTERS, "UNSUBSCRIBE_MAILTO": "afmeld@samspil.example"}
# The page cache in memory, and off: the suite's pages are rendered. tests/pagecache/
# switches it on.
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
PAGECACHE = {**PAGECACHE, "ENABLED": False}
