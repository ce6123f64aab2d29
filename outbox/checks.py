"""A system check that says what the configured ESP needs (README: "Mail and webhooks").

The backend in EMAIL_BACKEND names the ESP. Some ESPs need one of anymail's extras installed
(Amazon SES: boto3, through ``django-anymail[amazon-ses]``) – without it nothing is sent and
every webhook fails. Each ESP's tracking and inbound webhooks need their own settings in
ANYMAIL: most are secured by basic auth (WEBHOOK_SECRET), some by a signing key.
"""

import importlib.util
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@dataclass(frozen=True)
class EspNeeds:
    name: str
    extra: str = ""  # django-anymail[<extra>]
    modules: tuple[str, ...] = ()  # what the extra installs
    webhook_settings: tuple[str, ...] = ("WEBHOOK_SECRET",)


# By the module of anymail's backend: anymail.backends.<module>.EmailBackend.
ESP_NEEDS = {
    "amazon_ses": EspNeeds("Amazon SES", extra="amazon-ses", modules=("boto3",)),
    "brevo": EspNeeds("Brevo"),
    "sendinblue": EspNeeds("Brevo"),
    "mailersend": EspNeeds(
        "MailerSend", webhook_settings=("MAILERSEND_SIGNING_SECRET", "MAILERSEND_INBOUND_SECRET")
    ),
    "mailgun": EspNeeds(
        "Mailgun", webhook_settings=("MAILGUN_WEBHOOK_SIGNING_KEY", "WEBHOOK_SECRET")
    ),
    "mailjet": EspNeeds("Mailjet"),
    "mandrill": EspNeeds("Mandrill", webhook_settings=("MANDRILL_WEBHOOK_KEY", "WEBHOOK_SECRET")),
    "postal": EspNeeds("Postal", webhook_settings=("POSTAL_WEBHOOK_KEY",)),
    "postmark": EspNeeds("Postmark"),
    "resend": EspNeeds("Resend", webhook_settings=("RESEND_SIGNING_SECRET",)),
    "sendgrid": EspNeeds("SendGrid"),
    "sparkpost": EspNeeds("SparkPost"),
}


def configured_esp() -> tuple[str, EspNeeds | None]:
    """(backend module, its needs) for an anymail EMAIL_BACKEND; ("", None) for others."""
    backend = str(getattr(settings, "EMAIL_BACKEND", ""))
    prefix = "anymail.backends."
    if not backend.startswith(prefix):
        return "", None
    module = backend.removeprefix(prefix).split(".", 1)[0]
    return module, ESP_NEEDS.get(module)


def _anymail_setting(name: str) -> object:
    """ANYMAIL["NAME"], or ANYMAIL_NAME / NAME as anymail itself also reads them."""
    configured = getattr(settings, "ANYMAIL", None) or {}
    if configured.get(name):
        return configured[name]
    return getattr(settings, f"ANYMAIL_{name}", None) or getattr(settings, name, None)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@register(Tags.compatibility)
def check_esp(app_configs=None, **kwargs) -> list:
    _module, needs = configured_esp()
    if needs is None:
        return []
    problems = []
    missing = [name for name in needs.modules if not _installed(name)]
    if missing:
        problems.append(
            Error(
                f"{needs.name} needs anymail's {needs.extra!r} extra ({', '.join(missing)} "
                "is not installed): nothing can be sent and every webhook fails.",
                hint=f"pip install 'django-anymail[{needs.extra}]' (pinned in requirements.txt)",
                id="outbox.E001",
            )
        )
    for name in needs.webhook_settings:
        if not _anymail_setting(name):
            problems.append(
                Warning(
                    f"{needs.name}'s tracking and inbound webhooks need ANYMAIL[{name!r}]: "
                    "without it bounces, complaints and replies by mail are refused or "
                    "accepted from anyone.",
                    hint=f"Set the environment variable ANYMAIL_{name} (see README, "
                    "'Mail and webhooks').",
                    id="outbox.W001",
                )
            )
    return problems
