"""Every Wagtail hook of the staff side in one place: the "Dialog" menu and its items, the
dashboard panel, the moderation log actions and the admin URLs."""

from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks

from .. import moderation
from .common import (
    dialog_menu_item,
    moderation_menu_item,
    start_thread_menu_item,
    threads_menu_item,
)
from .dashboard import add_dashboard_panel
from .queue import ModerationQueueView, message_action
from .threads import StartThreadView, ThreadDetailView, ThreadIndexView, thread_action

# --- Hooks ------------------------------------------------------------------------------------


@hooks.register("register_admin_menu_item")
def register_dialog_menu():
    return dialog_menu_item()


hooks.register("register_dialog_menu_item", moderation_menu_item)
hooks.register("register_dialog_menu_item", threads_menu_item)
hooks.register("register_dialog_menu_item", start_thread_menu_item)
hooks.register("construct_homepage_panels", add_dashboard_panel)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(moderation.APPROVE, _("Godkend besked"), _("Besked godkendt"))
    actions.register_action(moderation.REJECT, _("Afvis besked"), _("Besked afvist"))
    actions.register_action(moderation.HIDE, _("Skjul besked"), _("Besked skjult"))
    actions.register_action(
        moderation.MOVE, _("Flyt besked til privat tråd"), _("Besked flyttet til privat tråd")
    )
    actions.register_action(
        moderation.RESOLVE_REPORT, _("Behandl anmeldelse"), _("Anmeldelse behandlet")
    )
    actions.register_action(moderation.CLOSE, _("Luk tråd"), _("Tråd lukket"))
    actions.register_action(moderation.REOPEN, _("Genåbn tråd"), _("Tråd genåbnet"))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("dialog/moderering/", ModerationQueueView.as_view(), name="dialog_moderation_queue"),
        path(
            "dialog/beskeder/<id:pk>/<str:action>/",
            message_action,
            name="dialog_message_action",
        ),
        path("dialog/traade/", ThreadIndexView.as_view(), name="dialog_threads"),
        path("dialog/traade/ny/", StartThreadView.as_view(), name="dialog_start_thread"),
        path("dialog/traade/<id:pk>/", ThreadDetailView.as_view(), name="dialog_thread"),
        path(
            "dialog/traade/<id:pk>/<str:action>/",
            thread_action,
            name="dialog_thread_action",
        ),
    ]
