"""Admin menu, URLs and log actions for residents and their photos."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from access.admin_menu import StaffMenuItem

from . import admin_screens, screens
from . import admin_views as views


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("beboere/", views.residents_index, name="residents_admin_index"),
        path("beboere/<id:pk>/samtykke/", views.consent_view, name="residents_admin_consent"),
        path("beboere/<id:pk>/min-hverdag/", views.post_view, name="residents_admin_post"),
        path(
            "beboere/tilknytning/<id:pk>/<str:action>/",
            views.connection_action,
            name="residents_admin_connection",
        ),
        path("fotos/", views.photos_index, name="residents_admin_photos"),
        path("fotos/upload/", views.upload_view, name="residents_admin_upload"),
        path("fotos/<id:pk>/", views.photo_edit, name="residents_admin_photo"),
        path("fotos/anmodninger/", views.reports_index, name="residents_admin_reports"),
        path(
            "fotos/anmodninger/<id:pk>/<str:action>/",
            views.report_action,
            name="residents_admin_report",
        ),
        path("skaerme/", admin_screens.screens_index, name="residents_admin_screens"),
        path(
            "skaerme/botilbud/<id:home_pk>/ny/",
            admin_screens.screen_create,
            name="residents_admin_screen_create",
        ),
        path(
            "skaerme/<id:pk>/tilbagekald/",
            admin_screens.screen_revoke,
            name="residents_admin_screen_revoke",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_residents_menu_item():
    return StaffMenuItem(
        _("Beboere"),
        reverse("residents_admin_index"),
        name="residents",
        icon_name="user",
        order=330,
    )


@hooks.register("register_admin_menu_item")
def register_photos_menu_item():
    return StaffMenuItem(
        _("Fotos af beboere"),
        reverse("residents_admin_photos"),
        name="resident-photos",
        icon_name="image",
        order=331,
    )


@hooks.register("register_admin_menu_item")
def register_screens_menu_item():
    return StaffMenuItem(
        _("Skærme"),
        reverse("residents_admin_screens"),
        name="resident-screens",
        icon_name="desktop",
        order=332,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(screens.CREATE, _("Opret skærm"), _("Skærm oprettet"))
    actions.register_action(screens.PAIR, _("Par skærm med botilbuddet"), _("Skærm parret"))
    actions.register_action(screens.PAIR_REFUSED, _("Afvis parringslink"), _("Parringslink afvist"))
    actions.register_action(screens.REVOKE, _("Tilbagekald skærm"), _("Skærm tilbagekaldt"))
    actions.register_action(screens.SEEN, _("Skærm brugt i dag"), _("Skærm brugt i dag"))
    actions.register_action("residents.consent", _("Ændr fotosamtykke"), _("Fotosamtykke ændret"))
    actions.register_action(
        "residents.connection.request", _("Bed om tilknytning til beboer"), _("Bedt om tilknytning")
    )
    actions.register_action(
        "residents.connection.approve", _("Godkend tilknytning til beboer"), _("Godkendt")
    )
    actions.register_action(
        "residents.connection.decline", _("Afvis tilknytning til beboer"), _("Afvist")
    )
    actions.register_action(
        "residents.connection.end", _("Afslut tilknytning til beboer"), _("Afsluttet")
    )
    actions.register_action(
        "residents.photo.tag", _("Marker beboere på foto"), _("Beboere markeret")
    )
    actions.register_action(
        "residents.photo.report", _("Bed om at fjerne foto"), _("Bedt om at fjerne foto")
    )
    actions.register_action(
        "residents.photo.report_handled", _("Behandl anmodning om foto"), _("Anmodning behandlet")
    )


@hooks.register("samspil_my_page_section")
def my_residents_section(request):
    """Min side: the residents whose network the relative is in (a link to each one's »Min
    hverdag«) or has asked to join. Nothing when there are none: a relative joins through
    the link the home's staff send them (the residents' admin shows it)."""
    from django.template.loader import render_to_string

    from .models import ResidentConnection

    Status = ResidentConnection.Status
    connections = list(
        ResidentConnection.objects.filter(
            relative=request.user,
            status__in=[Status.APPROVED, Status.PENDING],
            resident__active=True,
        )
        .select_related("resident__botilbud")
        .order_by("resident__first_name", "resident__pk")
    )
    if not connections:
        return ""
    return render_to_string(
        "residents/includes/my_page_section.html",
        {"connections": connections, "approved": Status.APPROVED},
        request=request,
    )
