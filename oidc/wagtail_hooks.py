"""The directory mapping as a snippet (municipal admins only: nobody else has its
permissions) and the history entries the sign-ins write."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DirectoryMapping


class DirectoryMappingViewSet(SnippetViewSet):
    model = DirectoryMapping
    icon = "group"
    menu_label = _("Grupper fra kataloget")
    add_to_admin_menu = False
    list_display = ["claim_value", "botilbud", "role"]
    list_filter = ["role"]
    search_fields = ["claim_value"]


register_snippet(DirectoryMappingViewSet)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "samspil.oidc.create", _("Opret bruger fra login"), _("Bruger oprettet ved login")
    )
    actions.register_action(
        "samspil.oidc.link", _("Knyt login til bruger"), _("Login knyttet til bruger")
    )
    actions.register_action(
        "samspil.oidc.sync",
        _("Opdatér botilbud fra kataloget"),
        _("Botilbud opdateret fra kommunens katalog"),
    )
    actions.register_action(
        "samspil.oidc.verified_name", _("Bekræft navn med MitID"), _("Navn bekræftet med MitID")
    )
