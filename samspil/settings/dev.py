"""The embedded default: SQLite, the database task worker and mail written to var/mail/."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", default=True)
# Dev-only key: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = SECRET_KEY or "samspil-dev-only-not-secret"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Pages are rendered afresh while templates are being edited; PAGECACHE_ENABLED=1 tries the
# page cache here.
PAGECACHE = {**PAGECACHE, "ENABLED": env_bool("PAGECACHE_ENABLED", default=False)}
