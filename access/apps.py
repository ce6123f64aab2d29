from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Adgang")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from . import compat
        from .ids import IdConverter

        register_converter(IdConverter, "id")
        compat.apply()
        self._forget_homes_on_change()

    def _forget_homes_on_change(self):
        """Memoised staff and leader answers (``access.rules``) end when either changes."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import rules

        def forget(**kwargs):
            rules.forget_homes()

        for label in ("home.HomeStaffAccess", "dialog.HomeDialogSettings"):
            post_save.connect(forget, sender=label, weak=False)
            post_delete.connect(forget, sender=label, weak=False)
        post_delete.connect(forget, sender=Group, weak=False)
        m2m_changed.connect(forget, sender=get_user_model().groups.through, weak=False)
