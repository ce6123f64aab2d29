from django import template

from facilities.models import Facility

register = template.Library()


@register.simple_tag
def bookable_facilities(home) -> list[Facility]:
    """The home's facilities marked »Kan lånes af andre«, for its page (one query, or none
    when the routed home knows it lends out nothing: BotilbudPage.route_annotations)."""
    if not getattr(home, "has_bookable_facilities", True):
        return []
    return list(Facility.objects.filter(botilbud_id=home.pk, shared=True).only("pk", "name"))
