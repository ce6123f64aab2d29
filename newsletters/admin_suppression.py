"""Admin: the suppression list (outbox.suppression) for staff with the subscriber permission.

They see each suppressed address with its reason and date, can lift a suppression (the
only way a complaint is lifted) and can suppress an address by hand. Both go through
outbox.suppression, which logs them (Wagtail's log(), shown in the snippet's history).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import CreateView, DeleteView, IndexView, SnippetViewSet

from outbox import suppression
from outbox.models import SuppressedAddress

from .models import Subscriber


class SuppressionPermissionPolicy(ModelPermissionPolicy):
    """The subscriber permissions decide: viewing subscribers shows the list, changing
    subscribers allows lifting and adding. A suppression is never edited in place."""

    ACTIONS = {"view": "view", "add": "change", "delete": "change"}

    def __init__(self):
        super().__init__(SuppressedAddress)
        self.subscribers = ModelPermissionPolicy(Subscriber)

    def user_has_permission(self, user, action):
        mapped = self.ACTIONS.get(action)
        return bool(mapped) and self.subscribers.user_has_permission(user, mapped)

    def users_with_any_permission(self, actions):
        mapped = sorted({self.ACTIONS[action] for action in actions if action in self.ACTIONS})
        if not mapped:
            return get_user_model().objects.none()
        return self.subscribers.users_with_any_permission(mapped)


register_permission_policy(SuppressedAddress, SuppressionPermissionPolicy())


class SuppressView(CreateView):
    success_message = _("Der sendes ikke længere automatiske mails til %(object)s.")

    def save_instance(self):
        return suppression.suppress(
            self.form.cleaned_data["address"],
            suppression.Reason.MANUAL,
            user=self.request.user,
        )


class SuppressionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for button in buttons:
            if button.url == self.get_delete_url(instance):
                button.label = _("Ophæv spærring")
        return buttons


class LiftView(DeleteView):
    page_title = _("Ophæv spærring")
    success_message = _("Spærringen af %(object)s er ophævet.")

    @property
    def confirmation_message(self):
        return _(
            "Skal spærringen af %(address)s ophæves? Så får adressen automatiske mails "
            "igen (nyhedsbreve, påmindelser, beskeder fra dialogen)."
        ) % {"address": self.object.address}

    def delete_action(self):
        suppression.lift(self.object.address, user=self.request.user, because="staff")


class SuppressedAddressViewSet(SnippetViewSet):
    model = SuppressedAddress
    icon = "cross"
    menu_label = _("Spærrede adresser")
    list_display = ["address", "reason", "since", "esp"]
    list_filter = ["reason"]
    search_fields = ["address"]
    panels = [FieldPanel("address")]
    index_view_class = SuppressionIndexView
    add_view_class = SuppressView
    delete_view_class = LiftView
    delete_template_name = "newsletters/admin/lift_suppression.html"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["address", "reason", "since", "esp", "source_event_id", "description"]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(suppression.SUPPRESS, _("Adresse spærret"), _("Adresse spærret"))
    actions.register_action(suppression.CHANGE, _("Spærring skærpet"), _("Spærring skærpet"))
    actions.register_action(suppression.LIFT, _("Spærring ophævet"), _("Spærring ophævet"))
