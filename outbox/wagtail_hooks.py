"""The mail service's state on the Wagtail dashboard, for the municipal admins who can fix it."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from .notices import service_notice


class MailServicePanel(Component):
    name = "mail_service"
    template_name = "outbox/admin/service_panel.html"
    order = 10  # first: nothing else on the dashboard matters as much while mail stops

    def __init__(self, notice: str):
        self.notice = notice

    def get_context_data(self, parent_context=None):
        return {"notice": self.notice, "heading": _("Mail sendes ikke")}


@hooks.register("construct_homepage_panels")
def add_mail_service_panel(request, panels) -> None:
    if request.user.is_superuser and (notice := service_notice()):
        panels.append(MailServicePanel(notice))
