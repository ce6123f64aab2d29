"""Admin menu items shown by role, for every app's staff screens."""

from wagtail.admin.menu import MenuItem

from .rules import is_staff_anywhere


class StaffMenuItem(MenuItem):
    """Shown to staff of any home (and municipal admins)."""

    def is_shown(self, request):
        return is_staff_anywhere(request.user)
