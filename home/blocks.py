"""StreamField blocks shared by the page types."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("billede"))
    alt_text = blocks.CharBlock(
        label=_("alternativ tekst"),
        required=False,
        help_text=_("Beskriv billedet for dem, der ikke kan se det. Tom = billedets egen tekst."),
    )
    caption = blocks.CharBlock(label=_("billedtekst"), required=False)

    class Meta:
        icon = "image"
        label = _("Billede")
        template = "home/blocks/captioned_image.html"
        preview_value = {"caption": "Sommerfest i haven"}


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("overskrift"), required=False)
    images = blocks.ListBlock(ImageChooserBlock(label=_("billede")), label=_("billeder"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Billedgalleri")
        template = "home/blocks/gallery.html"
        preview_value = {"title": "Billeder fra dagen"}


class FacilityBlock(blocks.StructBlock):
    """A facility of the home (theme 3): spa bath, workshop, bonfire hut …"""

    name = blocks.CharBlock(label=_("navn"))
    description = blocks.TextBlock(label=_("beskrivelse"), required=False)
    shared = blocks.BooleanBlock(
        label=_("kan bruges af andre"),
        required=False,
        help_text=_("Kan andre botilbud, foreninger, frivillige og pårørende låne faciliteten?"),
    )

    class Meta:
        icon = "home"
        label = _("Facilitet")
        template = "home/blocks/facility.html"
        preview_value = {"name": "Spabad", "description": "Varmtvandsbassin med lift."}


class BodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("tekst"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        template="home/blocks/text.html",
    )
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    embed = EmbedBlock(
        label=_("video eller indlejring"), icon="media", template="home/blocks/embed.html"
    )

    class Meta:
        block_counts = {}
