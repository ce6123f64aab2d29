"""``{% page_photos page %}``: a news item's or event's photos of residents, as far as the
person looking may see them (residents.visibility; one query)."""

from django import template

from residents.visibility import photo_url, photos_on_page

register = template.Library()


@register.inclusion_tag("residents/includes/page_photos.html", takes_context=True)
def page_photos(context, page):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    # A page routed to knows whether it has any photos at all (home.models.base.
    # resident_photos_exist); most have none, and then there is nothing to check.
    has_photos = getattr(page, "has_resident_photos", True)
    photos = photos_on_page(page, viewer) if has_photos else []
    return {
        "photos": [
            (photo, photo_url(photo, "small"), photo_url(photo, "large")) for photo in photos
        ],
        "request": request,
    }


@register.simple_tag
def photo_src(photo, size="small"):
    return photo_url(photo, size)
