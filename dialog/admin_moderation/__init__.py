"""The staff side of the dialog in the Wagtail admin: the moderation queue, the home's
threads (read everything, answer, close), starting a thread, and counts on the dashboard.

Staff see and act on their own homes only; municipal admins (superusers) on all. Acting on
another home's message or thread is refused with a plain 403, not Wagtail's redirect. The
views stay thin: every change goes through dialog.moderation or dialog.posting. Lists are
built with a fixed number of queries whatever their length (pinned in the tests).

common: whose homes, the "Dialog" menu and the base view; queue: the moderation queue and
the message actions; threads: the thread index, one thread, and starting one; dashboard: the
dashboard panel; hooks: every hook registration (imported here, so importing this package
registers each hook once).
"""

# Importing the hooks module registers every hook of the staff side, once.
from . import hooks  # noqa: F401
from .common import (
    DialogAdminView,
    DialogMenuItem,
    dialog_menu,
    dialog_menu_item,
    forbidden,
    home_ids,
    in_scope,
    scoped,
    uses_dialog_admin,
)
from .dashboard import dashboard_counts
from .hooks import register_dialog_menu

__all__ = [
    "DialogAdminView",
    "DialogMenuItem",
    "dashboard_counts",
    "dialog_menu",
    "dialog_menu_item",
    "forbidden",
    "home_ids",
    "in_scope",
    "register_dialog_menu",
    "scoped",
    "uses_dialog_admin",
]
