"""mozilla-django-oidc's backend, once per provider.

Each backend answers only the callback of its own provider (the view marks the request),
so a code from one provider is never sent to the other. Beyond the library's checks
(signature from the provider's JWKS, nonce, PKCE), the ID token must be meant for this
client (``aud``), come from the configured issuer when one is set, and the userinfo
answer must be about the same subject (OpenID Connect Core 5.3.2).
"""

import logging

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import providers, services
from .claims import without_personal_numbers
from .models import Provider

logger = logging.getLogger("samspil.oidc")

# The request attribute the callback view sets to the provider it is for.
REQUEST_PROVIDER = "samspil_oidc_provider"
# Where a refusal (services.SignInRefused) waits for the view to show it.
REQUEST_REFUSAL = "samspil_oidc_refusal"


class ProviderBackend(OIDCAuthenticationBackend):
    provider: str = ""

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in (passwords and links too): a
        # provider that is switched off must not stop that.
        self.enabled = providers.is_enabled(self.provider)
        if self.enabled:
            super().__init__(*args, **kwargs)

    def get_settings(self, attr, *args):
        return providers.library_setting(self.provider, attr, *args)

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None:
            return None
        if getattr(request, REQUEST_PROVIDER, None) != self.provider:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        conf = providers.config(self.provider)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if conf["CLIENT_ID"] not in audiences:
            raise SuspiciousOperation("ID token is not for this client")
        if conf.get("ISSUER") and payload.get("iss") != conf["ISSUER"]:
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo answer over them (Entra ID sends groups
        in the token only), personal numbers dropped from both."""
        userinfo = without_personal_numbers(
            super().get_userinfo(access_token, id_token, payload) or {}
        )
        token_claims = without_personal_numbers(payload)
        if userinfo.get("sub") not in (None, token_claims.get("sub")):
            raise SuspiciousOperation("userinfo is about another subject")
        return {**token_claims, **userinfo}

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("no subject in the claims")
        try:
            return self.user_for(claims)
        except services.SignInRefused as refusal:
            setattr(self.request, REQUEST_REFUSAL, refusal)
            logger.warning("oidc: %s sign-in refused (%s)", self.provider, refusal.reason)
            return None

    def user_for(self, claims: dict):
        raise NotImplementedError

    def get_user(self, user_id):
        # ModelBackend's: an account switched off since is signed out.
        return ModelBackend.get_user(self, user_id)


class StaffBackend(ProviderBackend):
    provider = Provider.STAFF

    def user_for(self, claims: dict):
        groups_claim = providers.config(self.provider)["GROUPS_CLAIM"]
        user, _changes = services.sign_in_staff(claims, groups_claim)
        return user


class RelativeBackend(ProviderBackend):
    provider = Provider.RELATIVE

    def user_for(self, claims: dict):
        current = getattr(self.request, "user", None)
        return services.sign_in_relative(
            claims, current if current is not None and current.is_authenticated else None
        )
