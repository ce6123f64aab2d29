"""The pictograms shipped with Samspil (static/pictograms/, CC0: see the LICENSE beside them).

A news item or event names one by its slug; the screen, the week poster and the easy-read
versions on the site show it. The slugs are file names, so a slug never comes from a visitor.
"""

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

PICTOGRAMS: dict[str, str] = {
    "kaffe": _("Kaffe"),
    "mad": _("Mad"),
    "bage": _("Bage"),
    "musik": _("Musik"),
    "sang": _("Sang"),
    "gaatur": _("Gåtur"),
    "udflugt": _("Udflugt"),
    "bus": _("Bustur"),
    "baal": _("Bål"),
    "have": _("Have"),
    "dyr": _("Dyr"),
    "bad": _("Bad og spa"),
    "vaerksted": _("Værksted"),
    "maling": _("Male og tegne"),
    "spil": _("Spil"),
    "fest": _("Fest"),
    "film": _("Film"),
    "sport": _("Sport"),
    "kirke": _("Kirke"),
    "besoeg": _("Besøg"),
}

PICTOGRAM_CHOICES = list(PICTOGRAMS.items())


def pictogram_path(slug: str) -> str:
    """The pictogram's file inside the static folder (for the PDF, which reads files)."""
    return f"pictograms/{slug}.svg"


def pictogram_url(slug: str) -> str | None:
    if slug not in PICTOGRAMS:
        return None
    return static(pictogram_path(slug))
