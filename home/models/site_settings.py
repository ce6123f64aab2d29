"""Who runs the site: the municipality's name, logo and contact, as a Wagtail site setting.

Every page shows them in the header and footer, and every digest signs with them, so another
municipality can run Samspil by editing one settings screen instead of the templates.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Skriv farven som # og seks tegn, fx #004d99."))
# WCAG 2.1 AA: text (white on buttons, links on white) needs 4.5:1; a coloured band that
# carries no text needs 3:1 against the white page (1.4.11).
TEXT_CONTRAST = 4.5
BAND_CONTRAST = 3.0


def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.1's definition)."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def darker(colour: str, factor: float = 0.7) -> str:
    """The colour a button turns when pointed at: the same hue, darker."""
    return "#" + "".join(f"{int(int(colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


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
    colour_primary = models.CharField(
        _("hovedfarve"),
        max_length=7,
        default="#454545",
        validators=[HEX_COLOUR],
        help_text=_("Knapper og den valgte menu. Hvid tekst skal kunne læses på den."),
    )
    colour_link = models.CharField(
        _("farve på links"),
        max_length=7,
        default="#004d99",
        validators=[HEX_COLOUR],
        help_text=_("Skal kunne læses på hvid baggrund."),
    )
    colour_band = models.CharField(
        _("farve på båndet øverst"),
        max_length=7,
        default="#004d99",
        validators=[HEX_COLOUR],
        help_text=_("Et farvet bånd over toppen af hver side."),
    )

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
        MultiFieldPanel(
            [FieldPanel("colour_primary"), FieldPanel("colour_link"), FieldPanel("colour_band")],
            heading=_("Farver"),
        ),
    ]

    class Meta:
        verbose_name = _("kommunen og siden")
        verbose_name_plural = _("kommunen og siden")

    def clean(self):
        super().clean()
        errors = {}
        for name, needed in (
            ("colour_primary", TEXT_CONTRAST),
            ("colour_link", TEXT_CONTRAST),
            ("colour_band", BAND_CONTRAST),
        ):
            value = getattr(self, name) or ""
            if HEX_COLOUR.regex.match(value) and contrast_with_white(value) < needed:
                errors[name] = _(
                    "Farven er for lys: kontrasten til hvid er %(ratio)s:1, og den skal være "
                    "mindst %(needed)s:1, så alle kan læse siden."
                ) % {
                    "ratio": f"{contrast_with_white(value):.1f}".replace(".", ","),
                    "needed": f"{needed:.1f}".replace(".", ","),
                }
        if errors:
            raise ValidationError(errors)

    def colours_css(self) -> str:
        """The colours as CSS custom properties (samspil.css uses them), served as /farver.css."""
        return (
            ":root{"
            f"--samspil-primary:{self.colour_primary};"
            f"--samspil-primary-hover:{darker(self.colour_primary)};"
            f"--samspil-link:{self.colour_link};"
            f"--samspil-band:{self.colour_band}"
            "}\n"
        )

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
            "colour_link": self.colour_link,
            "colours_css": (css := self.colours_css()),
            # Part of the stylesheet's address: a changed colour is a new address, so browsers
            # may keep the old one for long.
            "colours_version": hashlib.sha256(css.encode()).hexdigest()[:12],
        }


def _cache_key(site_id: int | None) -> str:
    return f"samspil:municipality:v3:{site_id or 0}"


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
        if site.is_default_site:
            # The error page (no database: it may be what failed) names the municipality
            # from this copy.
            cache.set(ERROR_PAGE_KEY, {k: values[k] for k in ("municipality", "site_name")}, None)
    return values


def default_municipality() -> dict:
    """The municipality of the default site: who sends mail that belongs to no request."""
    from wagtail.models import Site

    return municipality_for_site(Site.objects.filter(is_default_site=True).first())


ERROR_PAGE_KEY = "samspil:municipality:error-page"


def error_page_names() -> dict:
    """The municipality's and the site's names for the 500 page, without the database: the
    default site's last known ones, else the settings' defaults (a new installation)."""
    try:
        held = cache.get(ERROR_PAGE_KEY)
    except Exception:  # the cache may be down too
        held = None
    if held:
        return held
    return {k: defaults()[k] for k in ("municipality", "site_name")}


@receiver(post_save, sender=MunicipalitySettings)
@receiver(post_delete, sender=MunicipalitySettings)
def _forget_cached(sender, instance, **kwargs):
    cache.delete_many([_cache_key(instance.site_id), ERROR_PAGE_KEY])
