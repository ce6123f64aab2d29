"""Fixes for Wagtail 8.0 views that answer malformed input with a server error.

Each is a small, named correction of one Wagtail function, applied once at start-up
(``AccessConfig.ready``), with a test that fails without it; each is to be offered upstream and
removed when Wagtail has it.
"""

from wagtail.admin.forms.choosers import URLOrAbsolutePathValidator


def _is_absolute_path(value) -> bool:
    # Wagtail calls str.startswith on the raw field value, which is None when a POST to the
    # external-link chooser lacks "url": a 500 instead of the form's "required" message.
    return isinstance(value, str) and value.startswith("/")


def apply() -> None:
    URLOrAbsolutePathValidator.is_absolute_path = staticmethod(_is_absolute_path)
