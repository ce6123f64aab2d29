"""Production: every secret from the environment, HTTPS assumed behind a proxy.

`manage.py check --deploy` passes with these defaults (tests/security/test_deploy.py); each can be
turned by an environment variable of the same name where a deployment must differ.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")

DEBUG = False
# The proxy in front terminates TLS and says so in X-Forwarded-Proto (it must overwrite any such
# header a client sends).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
# A load balancer's health probe speaks plain HTTP to the web server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
# A year of HTTPS-only, for the subdomains too. Preload only marks the header as fit for the
# browsers' preload list; nothing is listed until the municipality submits the domain.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", SECURE_REFERRER_POLICY)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Old links and images written as http:// are fetched over HTTPS rather than refused.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = SECURE_SSL_REDIRECT
# Logs as one JSON object per line unless LOG_FORMAT=text (ops/logging.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"
