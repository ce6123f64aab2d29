"""What staff are told while the mail service fails: one sentence, in Danish."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MailService

Problem = MailService.Problem


def service_notice() -> str:
    """The notice while a service-level error pauses sending, or "" when mail flows."""
    state = MailService.objects.filter(pk=1).exclude(problem="").first()
    if state is None:
        return ""
    since = state.last_sent_at or state.failing_since
    when = timezone.localtime(since).strftime("%d.%m.%Y kl. %H.%M") if since else ""
    if state.problem == Problem.KEY:
        text = _("Mailtjenesten afviser vores nøgle – intet er sendt siden %(when)s.")
        advice = _("Ret nøglen i indstillingerne; alle mails venter og sendes, når den virker.")
    elif state.problem == Problem.ACCOUNT:
        text = _("Mailtjenesten afviser at sende for vores konto – intet er sendt siden %(when)s.")
        advice = _("Se kontoen hos mailtjenesten; alle mails venter og sendes, når den virker.")
    else:
        text = _("Mailtjenesten svarer ikke – intet er sendt siden %(when)s.")
        advice = _("Vi prøver igen af os selv; alle mails venter og sendes, når den svarer.")
    if not since:
        text = text.replace(" siden %(when)s", "")
    return f"{text % {'when': when}} {advice}"
