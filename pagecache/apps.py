from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = _("Sidecache")

    def ready(self) -> None:
        from . import signals

        signals.connect()
