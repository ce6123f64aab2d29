"""Start and callback of each provider's authorization-code flow (mozilla-django-oidc's
views, one configuration each). Whatever goes wrong on the way back (a forged or replayed
state, a wrong nonce, a provider that does not answer, a person the directory gives no
home) ends on a Danish page with a 4xx (or 502) status, never a 500, and in the log."""

import logging

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from access.nexturl import safe_next as relatives_next
from access.ratelimit import client_address, over_limit
from access.rules import is_relative

from . import backends, providers
from .models import Provider

logger = logging.getLogger("samspil.oidc")

BACKEND_PATHS = {
    Provider.STAFF: "oidc.backends.StaffBackend",
    Provider.RELATIVE: "oidc.backends.RelativeBackend",
}
# After a staff sign-in: the admin (or a page inside it); after a relative's: "Min side"
# (or the relatives' page they came from).
NEXT_LIMIT = 500
# Sign-ins started per client address in START_WINDOW seconds: each one is a session with a
# state kept in the database.
START_LIMIT = 30
START_WINDOW = 3600


def safe_next(provider: str, value: str | None) -> str:
    if not value or len(value) > NEXT_LIMIT or not value.startswith("/"):
        return ""
    if value.startswith("//") or "\\" in value:
        return ""
    if provider == Provider.STAFF:
        return value if value.startswith("/admin/") and value != "/admin/logout/" else ""
    return relatives_next(value)


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def error_page(request, provider: str, message: str, status: int):
    context = {
        "message": message,
        "provider_label": providers.label(provider),
        "retry_url": reverse(f"oidc:{provider}_start"),
        "is_staff_provider": provider == Provider.STAFF,
    }
    return _private(TemplateResponse(request, "oidc/error.html", context, status=status))


class ProviderMixin:
    provider: str = ""

    def get_settings(self, attr, *args):
        return providers.library_setting(self.provider, attr, *args)

    def dispatch(self, request, *args, **kwargs):
        if not providers.is_enabled(self.provider):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class StartView(ProviderMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a fresh state, nonce and PKCE challenge."""

    def __init__(self, *args, **kwargs):
        # The library reads the endpoint when the view is made: only when switched on.
        if providers.is_enabled(self.provider):
            super().__init__(*args, **kwargs)

    def get(self, request):
        if over_limit(
            f"oidc:start:{self.provider}", client_address(request), START_LIMIT, START_WINDOW
        ):
            logger.warning("oidc: %s sign-in starts over the limit", self.provider)
            return error_page(
                request,
                self.provider,
                _("Du har prøvet at logge ind mange gange. Vent lidt, og prøv så igen."),
                429,
            )
        response = super().get(request)
        request.session["oidc_login_next"] = safe_next(self.provider, request.GET.get("next"))
        logger.info("oidc: %s sign-in started", self.provider)
        return _private(response)


@method_decorator(never_cache, name="dispatch")
class CallbackView(ProviderMixin, OIDCAuthenticationCallbackView):
    def get(self, request):
        setattr(request, backends.REQUEST_PROVIDER, self.provider)
        if request.GET.get("error"):
            logger.info("oidc: %s answered an error, sign-in ended", self.provider)
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A state this browser never got, or a token that is not for it (nonce,
            # signature, audience, subject): a forgery or a replay.
            logger.warning("oidc: %s callback refused: %s", self.provider, error)
            return error_page(
                request, self.provider, _("Log ind kunne ikke bekræftes. Prøv igen."), 400
            )
        except jwt.PyJWTError as error:
            logger.warning("oidc: %s sent a token that cannot be read: %s", self.provider, error)
            return error_page(
                request, self.provider, _("Log ind kunne ikke bekræftes. Prøv igen."), 400
            )
        except (requests.RequestException, ValueError) as error:
            logger.error("oidc: %s could not be reached: %s", self.provider, error)
            return error_page(
                request,
                self.provider,
                _("Vi kunne ikke få svar fra %(provider)s. Prøv igen om lidt.")
                % {"provider": providers.label(self.provider)},
                502,
            )

    def login_success(self):
        # The backend that found the user is named in the session, so the session
        # survives only while that provider's backend knows the account.
        self.user.backend = BACKEND_PATHS[self.provider]
        response = super().login_success()
        logger.info("oidc: %s sign-in of user %s", self.provider, self.user.pk)
        return _private(response)

    def login_failure(self):
        refusal = getattr(self.request, backends.REQUEST_REFUSAL, None)
        if refusal is not None:
            return error_page(self.request, self.provider, refusal.message, 403)
        if self.request.GET.get("error"):
            return error_page(
                self.request,
                self.provider,
                _("Du blev ikke logget ind med %(provider)s.")
                % {"provider": providers.label(self.provider)},
                400,
            )
        logger.warning("oidc: %s callback without a sign-in in progress", self.provider)
        return error_page(
            self.request, self.provider, _("Log ind kunne ikke bekræftes. Prøv igen."), 400
        )

    @property
    def success_url(self):
        next_url = self.request.session.get("oidc_login_next") or ""
        if next_url:
            return next_url
        if self.provider == Provider.STAFF:
            return reverse("wagtailadmin_home")
        return reverse("dialog:my_page") if is_relative(self.user) else "/"


class StaffStart(StartView):
    provider = Provider.STAFF


class StaffCallback(CallbackView):
    provider = Provider.STAFF


class RelativeStart(StartView):
    provider = Provider.RELATIVE


class RelativeCallback(CallbackView):
    provider = Provider.RELATIVE
