"""Which directory groups give rights at which home, and which outside identity is whose.

No claim is stored: an identity is the provider's subject (``sub``) only, and a relative's
verified name goes to their account. CPR and other personal numbers never reach a model
(see ``oidc.claims.without_personal_numbers``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    STAFF = "staff", _("Kommunens identitetsudbyder (personale)")
    RELATIVE = "relative", _("MitID (pårørende)")


class DirectoryMapping(models.Model):
    """One group (or other claim value) of the municipality's directory and the home, and
    role, it gives: staff rights follow the directory on every sign-in."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Medarbejder")
        LEADER = "leader", _("Leder")

    claim_value = models.CharField(
        _("gruppe i kommunens katalog"),
        max_length=255,
        help_text=_(
            "Værdien, som identitetsudbyderen sender i gruppe-claimet, f.eks. gruppens "
            "objekt-id i Microsoft Entra ID."
        ),
    )
    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("rolle"), max_length=10, choices=Role, default=Role.STAFF)

    class Meta:
        verbose_name = _("gruppe fra kommunens katalog")
        verbose_name_plural = _("grupper fra kommunens katalog")
        ordering = ["claim_value", "botilbud_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim_value", "botilbud", "role"], name="directory_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_value} → {self.botilbud_id} ({self.get_role_display()})"


class ExternalIdentity(models.Model):
    """A person as one provider knows them: the provider's stable subject, nothing more."""

    provider = models.CharField(_("udbyder"), max_length=20, choices=Provider)
    subject = models.CharField(_("id hos udbyderen"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("sidst logget ind"), null=True, blank=True)

    class Meta:
        verbose_name = _("ekstern identitet")
        verbose_name_plural = _("eksterne identiteter")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="external_identity_unique"
            ),
            models.UniqueConstraint(
                fields=["provider", "user"], name="external_identity_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.user_id}"
