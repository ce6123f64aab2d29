"""Admin hooks of the dialog; each part registers its own in its module."""

from . import (
    admin_membership,  # noqa: F401
    admin_moderation,  # noqa: F401
    admin_settings,  # noqa: F401
    admin_timeliness,  # noqa: F401
)
