"""Who runs the site: the municipality's name, logo and contact, as a Wagtail site setting.

Every page shows them in the header and footer, and every digest signs with them, so another
municipality can run Samspil by editing one settings screen instead of the templates.
"""

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

# Read on every page; kept in the cache (cleared when the setting is saved) so a page costs no
# extra query. A per-process cache in another worker notices a change within this time.
CACHE_SECONDS = 300
LOGO_SPEC = "height-80"


@register_setting(icon="site")
class MunicipalitySettings(BaseSiteSetting):
    site_name = models.CharField(_("sidens navn"), max_length=60, default="Samspil")
    municipality = models.CharField(_("kommunens navn"), max_length=80, default="Tønder Kommune")
    tagline = models.CharField(
        _("undertitel"),
        max_length=120,
        default="Botilbud i Tønder Kommune",
        help_text=_("Vises under sidens navn i toppen af hver side."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("kommunens logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Uden logo vises kommunens navn som tekst."),
    )
    department = models.CharField(
        _("afdeling"), max_length=120, blank=True, default="Social og Sundhed"
    )
    address = models.CharField(
        _("adresse"), max_length=200, blank=True, default="Wilhelm Tell Plads 1, 6270 Tønder"
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True, default="74 92 92 92")
    email = models.EmailField(_("e-mail"), blank=True, default="tonder@toender.dk")
    website = models.URLField(_("kommunens hjemmeside"), blank=True, default="https://toender.dk")

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline")], heading=_("Siden")),
        MultiFieldPanel(
            [FieldPanel("municipality"), FieldPanel("logo"), FieldPanel("department")],
            heading=_("Kommunen"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("website"),
            ],
            heading=_("Kontakt"),
        ),
    ]

    class Meta:
        verbose_name = _("kommunen og siden")
        verbose_name_plural = _("kommunen og siden")

    def as_dict(self) -> dict:
        logo_url = ""
        if self.logo_id:
            logo_url = self.logo.get_rendition(LOGO_SPEC).url
        return {
            "site_name": self.site_name,
            "municipality": self.municipality,
            "tagline": self.tagline,
            "logo_url": logo_url,
            "department": self.department,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
        }


def _cache_key(site_id: int | None) -> str:
    return f"samspil:municipality:{site_id or 0}"


def defaults() -> dict:
    """The fields' defaults, for a request with no site (a bare Django view, a command)."""
    return MunicipalitySettings().as_dict()


def municipality_for_site(site) -> dict:
    """The site's municipality settings as plain values (from the cache when it holds them)."""
    if site is None:
        return defaults()
    key = _cache_key(site.pk)
    values = cache.get(key)
    if values is None:
        values = MunicipalitySettings.for_site(site).as_dict()
        cache.set(key, values, CACHE_SECONDS)
    return values


@receiver(post_save, sender=MunicipalitySettings)
@receiver(post_delete, sender=MunicipalitySettings)
def _forget_cached(sender, instance, **kwargs):
    cache.delete(_cache_key(instance.site_id))
