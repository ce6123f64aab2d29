"""Staff admin for the homes' notice-board screens: pair a screen (the link is shown once),
see when each was last seen, revoke one. Only the home's own staff (access.rules): to anyone
else another home's screens do not exist (404). The work is done by ``residents.screens``."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin import messages

from access.rules import is_staff_of, staff_home_ids
from home.models import BotilbudPage

from . import screens
from .models import ScreenDevice


class ScreenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Skærmens navn"),
        max_length=60,
        help_text=gettext_lazy("Hvor hænger den? F.eks. »Fællesstuen«."),
    )


def _homes(user) -> list[BotilbudPage]:
    homes = staff_home_ids(user)
    queryset = BotilbudPage.objects.order_by("title")
    return list(queryset if homes is None else queryset.filter(pk__in=homes))


def _home(request, pk: int) -> BotilbudPage:
    home = get_object_or_404(BotilbudPage, pk=pk)
    if not is_staff_of(request.user, home.pk):
        raise Http404
    return home


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _index(request, *, form_for=None, form=None, status=200):
    homes = _homes(request.user)
    if not homes:
        raise Http404
    devices = ScreenDevice.objects.filter(botilbud__in=homes).select_related("created_by")
    by_home = {home.pk: [] for home in homes}
    for device in devices.order_by("name", "pk"):
        by_home[device.botilbud_id].append(device)
    rows = [
        {
            "home": home,
            "devices": by_home[home.pk],
            "form": form if form_for == home.pk else ScreenForm(prefix=f"home-{home.pk}"),
        }
        for home in homes
    ]
    return _no_store(
        TemplateResponse(
            request,
            "residents/admin/screens.html",
            {"header_title": _("Skærme i fællesstuen"), "rows": rows},
            status=status,
        )
    )


@require_GET
def screens_index(request):
    return _index(request)


@require_POST
def screen_create(request, home_pk: int):
    home = _home(request, home_pk)
    form = ScreenForm(request.POST, prefix=f"home-{home.pk}")
    if not form.is_valid():
        return _index(request, form_for=home.pk, form=form, status=400)
    device, secret = screens.create_device(request.user, home.pk, form.cleaned_data["name"])
    link = (
        home.get_full_url(request)
        + home.reverse_subpage("screen")
        + f"?{screens.PAIRING_PARAMETER}={secret}"
    )
    return _no_store(
        TemplateResponse(
            request,
            "residents/admin/screen_paired.html",
            {
                "header_title": _("Par skærmen"),
                "device": device,
                "home": home,
                "link": link,
                "hours": screens.PAIRING_HOURS,
            },
        )
    )


@require_POST
def screen_revoke(request, pk: int):
    device = get_object_or_404(ScreenDevice, pk=pk)
    if not is_staff_of(request.user, device.botilbud_id):
        raise Http404
    screens.revoke_device(request.user, device)
    messages.success(
        request, _("»%(name)s« viser ikke længere botilbuddets fotos.") % {"name": device.name}
    )
    return redirect("residents_admin_screens")
