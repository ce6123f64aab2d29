"""Settings shared by every environment.

Everything that differs between a laptop and a municipality's server comes from environment
variables, read here in one place, so a deployment never edits Python files.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SAMSPIL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in mails and in the admin's links.
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Without BASE_URL in the environment, mail links follow the default Wagtail site's address
# (outbox.links.site_base_url), so commands run by hand agree with the running site.
BASE_URL_FROM_ENV = "BASE_URL" in os.environ
WAGTAILADMIN_BASE_URL = BASE_URL

INSTALLED_APPS = [
    "samspil",
    "access",
    "home",
    "newsletters",
    "participation",
    "dialog",
    "residents",
    "facilities",
    "outbox",
    "pagecache",
    "ops",
    "oidc",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samspil.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the page cache, before sessions and the page tree (pagecache/).
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "home.middleware.ViewRestrictionsPerRequest",
    # Pages routed without loading the front page's own fields (home.middleware).
    "home.middleware.LeanPageRouting",
    "access.middleware.AdminScopeMiddleware",
]

ROOT_URLCONF = "samspil.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "samspil.wsgi.application"

# SQLite file is the embedded default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with SQLite's real parameter limit (see samspil/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "samspil.sqlite3"
    # WAL lets the web process read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk"))]
# The project's own catalogue first, then its completions of Wagtail's Danish catalogues (one
# folder per Wagtail app, each a stand-alone .po that can be offered upstream).
LOCALE_PATHS = [BASE_DIR / "locale", *sorted((BASE_DIR / "locale" / "wagtail").glob("*"))]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Private files (documents, dialog attachments) live apart from MEDIA_ROOT, where no URL
# reaches them; they are served only by views that ask access.rules (see access.files).
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
# "stream" (Django sends the file), "x-accel-redirect" (nginx) or "x-sendfile" (Apache).
PRIVATE_FILES_SERVE = os.environ.get("PRIVATE_FILES_SERVE", "stream")
PRIVATE_FILES_INTERNAL_URL = os.environ.get("PRIVATE_FILES_INTERNAL_URL", "/_private/")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
STORAGES = {
    "default": {"BACKEND": "access.files.SamspilStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible storage (django-storages), switched on by S3_BUCKET (docs/scaleout.md).
# The same names, the same split: images and renditions are public objects, documents and
# dialog attachments private ones that no URL reaches until a view has asked access.rules and
# redirects to a signed URL that lives S3_SIGNED_URL_SECONDS. Credentials come from boto3's own
# chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or the machine's role).
S3_BUCKET = os.environ.get("S3_BUCKET", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "") or None
# A CDN or custom host in front of the public objects ("media.samspil.toender.dk").
AWS_S3_CUSTOM_DOMAIN = os.environ.get("S3_CUSTOM_DOMAIN", "") or None
# The canned ACL public objects get; "" where the bucket refuses ACLs (AWS's default since
# 2023) and a bucket policy opens the public prefixes instead (docs/scaleout.md).
S3_PUBLIC_ACL = os.environ.get("S3_PUBLIC_ACL", "public-read")
S3_SIGNED_URL_SECONDS = int(os.environ.get("S3_SIGNED_URL_SECONDS", "60"))
if S3_BUCKET:
    AWS_STORAGE_BUCKET_NAME = S3_BUCKET
    STORAGES["default"] = {"BACKEND": "access.s3.SamspilS3Storage"}
    # After the access check a private file is a redirect to its signed URL.
    PRIVATE_FILES_SERVE = os.environ.get("PRIVATE_FILES_SERVE", "redirect")
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/"
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_URL = f"{AWS_S3_ENDPOINT_URL.rstrip('/')}/{S3_BUCKET}/"
    else:
        region = f".{AWS_S3_REGION_NAME}" if AWS_S3_REGION_NAME else ""
        MEDIA_URL = f"https://{S3_BUCKET}.s3{region}.amazonaws.com/"

# Complex page models can exceed Django's default of 1,000 fields in the page editor.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work: django-tasks with the database backend and its worker (`db_worker`); with
# RQ_URL set, django-tasks-rq puts the tasks on Redis for RQ workers (`manage.py rqworker
# --job-class django_tasks_rq.Job default`) and the database worker is not needed.
RQ_URL = os.environ.get("RQ_URL", "")
RQ_BACKEND = "django_tasks_rq.RQBackend"
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", RQ_BACKEND if RQ_URL else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# django-rq's queues; without RQ_URL they are never used (samspil.checks says so if RQ is on).
RQ_QUEUES = {"default": {"URL": RQ_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 900}}

# Mail: any ESP through anymail (EMAIL_BACKEND=anymail.backends.postmark.EmailBackend and
# ANYMAIL_* variables); the embedded default writes each message to a file in var/mail/.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samspil <samspil@toender.dk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

# "default" may be per process (built feeds, pages); "shared" is what every process must see
# alike, the rate limits: a database table by default (made by `manage.py createcachetable`,
# part of `make migrate`), Redis when REDIS_URL is set. Both are samspil/cache.py's backends,
# whose counters stay exact when processes count at the same moment.
# With REDIS_URL the "default" cache is Redis too (one cache for every process), unless
# CACHE_BACKEND names another. Each cache clears only its own keys (samspil/cache.py), so a
# clear() never takes the rate limits, or RQ's queues on the same database, with it.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "samspil.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "samspil-c"}
        if REDIS_URL and "CACHE_BACKEND" not in os.environ
        else {
            "BACKEND": os.environ.get(
                "CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
            ),
            "LOCATION": os.environ.get("CACHE_LOCATION", "samspil"),
        }
    ),
    # Wagtail writes every rendition it hands out to this cache, even one it found among
    # the renditions a listing prefetched; the write pickles the rendition and its image
    # (about 0.4 ms per {% image %} here). Samspil prefetches renditions with the pages
    # that show them, so the write-through buys nothing: it is switched off.
    "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "shared": (
        {"BACKEND": "samspil.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "samspil"}
        if REDIS_URL
        else {"BACKEND": "samspil.cache.DatabaseCache", "LOCATION": "samspil_shared_cache"}
    ),
}
# Whole pages for anonymous visitors (pagecache/): in Redis when REDIS_URL is set, otherwise
# files under var/pagecache/, which every process on the machine shares (a purge made by one
# process is seen by all). PAGECACHE_TIMEOUT bounds an entry's life; every entry also ends at
# midnight, and when the first event it lists ends.
CACHES["pages"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "samspil-pages",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "pagecache"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
)
PAGECACHE = {
    "ENABLED": env_bool("PAGECACHE_ENABLED", default=True),
    "CACHE": "pages",
    "TIMEOUT": int(os.environ.get("PAGECACHE_TIMEOUT", "600")),
    # How long a proxy or CDN may keep a cached page, forms and all (purged on publish when
    # WAGTAILFRONTENDCACHE is configured below).
    "SHARED_MAX_AGE": int(os.environ.get("PAGECACHE_SHARED_MAX_AGE", "60")),
}
# A proxy or CDN in front (wagtail.contrib.frontend_cache), purged on publish:
# FRONTEND_CACHE=http with FRONTEND_CACHE_LOCATION (Varnish, nginx: PURGE requests), or
# FRONTEND_CACHE=cloudflare with CLOUDFLARE_ZONE_ID and CLOUDFLARE_BEARER_TOKEN, or
# FRONTEND_CACHE=cloudfront with CLOUDFRONT_DISTRIBUTION_ID.
_frontend_cache = os.environ.get("FRONTEND_CACHE", "")
if _frontend_cache == "http":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_LOCATION"],
        }
    }
elif _frontend_cache == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
            "BEARER_TOKEN": os.environ["CLOUDFLARE_BEARER_TOKEN"],
        }
    }
elif _frontend_cache == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
        }
    }
if _frontend_cache:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")

# How many proxies of our own stand in front of the app (load balancer, nginx …). With 0 the
# client address is the connecting peer and X-Forwarded-For is ignored, as anyone can write it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Email digests (newsletters/conf.py lists every setting and its default).
NEWSLETTERS = {
    "CONSENT_VERSION": "2026-1",
    "UNSUBSCRIBE_MAILTO": os.environ.get("NEWSLETTERS_UNSUBSCRIBE_MAILTO", ""),
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Forms on pages shared through the page cache carry no token; a same-site POST without one
# is asked to confirm, everything else refused (pagecache/csrf.py).
CSRF_FAILURE_VIEW = "pagecache.csrf.failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, samspil/csp.py). The public site runs only the scripts and
# styles of our own static files: no inline script, no style attributes; a template that truly
# needs an inline <script> gives it nonce="{{ CSP_NONCE }}". Embedded videos come from the
# providers named here (and CSP_EXTRA_FRAME_SRC, comma-separated); an embed's own scripts do not
# run. Media or static files on another host (S3, a CDN) are allowed by their URL's origin.
_asset_origins = [url for url in (MEDIA_URL, STATIC_URL) if url.startswith("https://")]
if S3_BUCKET and MEDIA_URL.startswith("http://"):  # an S3-compatible store on a private network
    _asset_origins.append(MEDIA_URL)
_frame_src = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    *env_list("CSP_EXTRA_FRAME_SRC"),
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_asset_origins],
        "style-src": [SELF, *_asset_origins],
        "img-src": [SELF, *_asset_origins],
        "font-src": [SELF, *_asset_origins],
        "connect-src": [SELF],
        "media-src": [SELF, *_asset_origins],
        "frame-src": _frame_src,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail (and Django) admin: only signed-in staff reach it, and Wagtail 8's own templates
# still write inline <script> (date pickers, inline panels, workflow dialogs) and style
# attributes without a nonce, so scripts and styles inline are allowed there, and nowhere else.
# Its page preview is a frame of our own (frame-ancestors 'self'); uploads preview as blob: URLs.
ADMIN_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE, *_asset_origins],
        "style-src": [SELF, UNSAFE_INLINE, *_asset_origins],
        "img-src": [SELF, "data:", "blob:", *_asset_origins],
        "frame-src": [SELF, *_frame_src],
        "frame-ancestors": [SELF],
    },
}
# Staff avatars from gravatar.com would send a hash of every staff address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

WAGTAIL_SITE_NAME = "Samspil – Tønder Kommunes botilbud"
WAGTAIL_I18N_ENABLED = False
# ASCII addresses ("/solgarden/") survive being read aloud, typed and pasted into mails.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("da", "Dansk"), ("en", "English")]
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
# Danish dates the Danish way ("1. dec. 2026"): samspil/formats/da/formats.py overrides the
# abbreviated-month formats that Django's "M" renders English-style ("Dec").
FORMAT_MODULE_PATH = ["samspil.formats"]
# The admin phones nobody: no Gravatar (a hash of each staff address sent abroad), no version
# check against releases.wagtail.org, no "what's new" banner pointing at wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail's database backend: SQLite's FTS5 here, PostgreSQL's full-text search in production,
# there with the 'danish' configuration (Danish stemming: "sansehave" finds "Sansehaven"). The
# index is built with it: after switching a database to it, run `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "danish"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# The image library is public; its form tells editors that photos of residents belong in
# residents (consent-checked, private files).
WAGTAILIMAGES_IMAGE_FORM_BASE = "residents.forms.NoResidentsImageForm"
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# LOG_FORMAT=json writes one JSON object per line (ops/logging.py), for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Task and page-tree chatter belongs in debugging, not in every run's output.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": os.environ.get("WORKER_LOG_LEVEL", "INFO")},
        "rq.worker": {"level": os.environ.get("WORKER_LOG_LEVEL", "INFO")},
        "wagtail": {"level": "WARNING"},
        "modelsearch": {"level": "WARNING"},
    },
}

# Relatives sign in by magic link (django-sesame); staff and admins with a password.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
    # OpenID Connect (mozilla-django-oidc): each answers only its own callback, and only when
    # its provider is configured below.
    "oidc.backends.StaffBackend",
    "oidc.backends.RelativeBackend",
]
# Pages that need a signed-in person send relatives to the magic-link form.
LOGIN_URL = "dialog:sign_in"
# A sign-in link works for 30 minutes, once.
SESAME_MAX_AGE = 30 * 60
SESAME_ONE_TIME = True


def _oidc_provider(prefix: str) -> dict:
    """One OpenID Connect provider from OIDC_<PREFIX>_* variables; off without a client id.
    Names: CLIENT_ID, CLIENT_SECRET, AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT,
    USERINFO_ENDPOINT, JWKS_ENDPOINT (all needed), ISSUER, SIGN_ALGO (RS256), SCOPES,
    LABEL (the button's "Log ind med …"), GROUPS_CLAIM (staff: "groups"), TIMEOUT."""
    names = (
        "CLIENT_ID",
        "CLIENT_SECRET",
        "AUTHORIZATION_ENDPOINT",
        "TOKEN_ENDPOINT",
        "USERINFO_ENDPOINT",
        "JWKS_ENDPOINT",
        "ISSUER",
        "SIGN_ALGO",
        "SCOPES",
        "LABEL",
        "GROUPS_CLAIM",
    )
    conf = {
        name: os.environ[f"OIDC_{prefix}_{name}"]
        for name in names
        if os.environ.get(f"OIDC_{prefix}_{name}")
    }
    if os.environ.get(f"OIDC_{prefix}_TIMEOUT"):
        conf["TIMEOUT"] = int(os.environ[f"OIDC_{prefix}_TIMEOUT"])
    return conf


# Staff through the municipality's provider (Entra ID or any OpenID Connect), relatives
# through a MitID broker; passwords and sign-in links stay either way (docs/oidc.md).
SAMSPIL_OIDC = {"staff": _oidc_provider("STAFF"), "relative": _oidc_provider("RELATIVE")}

# The dialog: notifications carry a signed reply address svar+<token>@DIALOG_REPLY_DOMAIN; the
# ESP routes that domain's mail to /anymail/<esp>/inbound/. Messages of threads closed this many
# days ago are deleted by the daily job (manage.py dialog_daily).
DIALOG_REPLY_DOMAIN = os.environ.get("DIALOG_REPLY_DOMAIN", "svar.samspil.example")
DIALOG_RETENTION_DAYS = int(os.environ.get("DIALOG_RETENTION_DAYS", "365"))
# Mails about private threads name the home, the kind and who wrote, and link to the thread;
# they never quote it (a concern about a resident is special-category data, and mail is
# forwarded, printed and read over shoulders). A municipality may allow quoting.
DIALOG_QUOTE_PRIVATE_TEXT = env_bool("DIALOG_QUOTE_PRIVATE_TEXT")
