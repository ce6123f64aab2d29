"""Links in mails are absolute: the site's public address and a path.

One source of truth for that address, the same in the web process and every command:
``BASE_URL`` when the environment sets it (production, ``make``), else the default Wagtail
site's root URL, which ``seed_demo`` and the admin's Sites screen keep to the address the
site is served on. So ``manage.py send_digests`` run by hand, without ``make``, writes links
for the port the site really runs on rather than a built-in default.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

CACHE_KEY = "samspil:site-base-url"
# A per-process cache in another worker notices a changed Site within this time.
CACHE_SECONDS = 300


def site_base_url() -> str:
    if getattr(settings, "BASE_URL_FROM_ENV", True):
        return settings.BASE_URL
    base = cache.get(CACHE_KEY)
    if base is None:
        site = Site.objects.filter(is_default_site=True).first()
        base = site.root_url.rstrip("/") if site is not None else settings.BASE_URL
        cache.set(CACHE_KEY, base, CACHE_SECONDS)
    return base


def absolute(path: str) -> str:
    return f"{site_base_url()}{path}"


@receiver(post_save, sender=Site, dispatch_uid="outbox.links.forget_base_url")
@receiver(post_delete, sender=Site, dispatch_uid="outbox.links.forget_base_url_deleted")
def _forget_base_url(sender, **kwargs) -> None:
    cache.delete(CACHE_KEY)
