"""Admin: the printed monthly letter per home, for relatives without e-mail (staff print it or
send it by post). Staff see their own homes only; municipal admins all. Another home's letter
is a plain 403; a month that is no month is a Danish 400.
"""

import logging

from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from access.admin_menu import StaffMenuItem
from access.rules import is_staff_anywhere, staff_home_ids

from .models import BotilbudPage
from .printing import (
    PdfUnavailable,
    embed_pictures,
    pdf_response,
    pdf_unavailable_response,
    render_pdf,
)
from .screen import BadPeriod, monthly_letter_content, parse_month

logger = logging.getLogger(__name__)


def _own_homes(user):
    homes = BotilbudPage.objects.live().order_by("title")
    ids = staff_home_ids(user)
    return homes if ids is None else homes.filter(pk__in=ids)


def letter_index(request):
    """The user's homes, each with this month's letter and a field to choose another month."""
    if not is_staff_anywhere(request.user):
        return HttpResponseForbidden(_("Kun botilbuddets medarbejdere kan udskrive månedsbrevet."))
    homes = list(_own_homes(request.user).only("title", "slug"))
    for home in homes:
        home.letter_url = reverse("home_monthly_letter", args=[home.pk])
    return TemplateResponse(request, "home/admin/monthly_letters.html", {"homes": homes})


def letter_pdf(request, home_id: int):
    home = BotilbudPage.objects.live().filter(pk=home_id).first()
    if home is None:
        raise Http404
    homes = staff_home_ids(request.user)
    if homes is not None and home.pk not in homes:
        return HttpResponseForbidden(_("Du kan kun udskrive dit eget botilbuds månedsbrev."))
    try:
        month = parse_month(request.GET.get("maaned"))
    except BadPeriod as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    context = monthly_letter_content(home, month)
    embed_pictures([*context["news"], *context["events"]])
    try:
        pdf = render_pdf("pdf/monthly_letter.html", context, request=request)
    except PdfUnavailable:
        return pdf_unavailable_response()
    logger.info("Monthly letter %s %s printed by user %s", home.slug, month, request.user.pk)
    return pdf_response(pdf, f"maanedsbrev-{home.slug}-{month:%Y-%m}.pdf")


@hooks.register("register_admin_urls")
def register_letter_urls():
    return [
        path("botilbud/maanedsbrev/", letter_index, name="home_monthly_letters"),
        path("botilbud/maanedsbrev/<id:home_id>/", letter_pdf, name="home_monthly_letter"),
    ]


@hooks.register("register_admin_menu_item")
def register_letter_menu_item():
    return StaffMenuItem(
        _("Månedsbrev på papir"),
        reverse("home_monthly_letters"),
        icon_name="doc-full",
        order=450,
    )
