"""Admin: subscribers and the send log for municipal admins; counts and a digest preview for
staff, limited to the homes they work at."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from access.rules import staff_home_ids
from home.models import BotilbudPage

from .admin_suppression import SuppressedAddressViewSet
from .digests import preview_digest
from .models import DigestRun, Subscriber


class SubscriberViewSet(SnippetViewSet):
    """Only users with the subscriber permissions (municipal admins) reach this list, and so
    its CSV export; home staff see counts for their own home on the overview instead."""

    model = Subscriber
    icon = "mail"
    menu_label = gettext_lazy("Abonnenter")
    list_display = ["email", "status", "frequency", "confirmed_at", "consent_version"]
    list_filter = ["status", "frequency", "homes"]
    search_fields = ["email"]
    list_export = ["email", "status", "frequency", "created_at", "confirmed_at", "consent_version"]
    export_filename = "abonnenter"
    copy_view_enabled = False
    inspect_view_enabled = True


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """A record, not a setting: nobody adds, edits or deletes one in the admin, not even a
    superuser (who would otherwise pass every permission check); viewing follows the
    model's view permission."""

    WRITE_ACTIONS = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.WRITE_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.WRITE_ACTIONS]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(DigestRun, ReadOnlyPermissionPolicy(DigestRun))


class DigestRunViewSet(SnippetViewSet):
    """The send log: a list of runs and an inspect view of each, read-only."""

    model = DigestRun
    icon = "history"
    menu_label = gettext_lazy("Udsendelser")
    list_display = [
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "frequency",
        "queued",
        "sent",
        "skipped_empty",
        "retried",
        "failed",
    ]
    list_filter = ["trigger", "frequency"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return DigestRun.objects.select_related("send")  # the status column, one query


class NewsletterGroup(SnippetViewSetGroup):
    items = (SubscriberViewSet, DigestRunViewSet, SuppressedAddressViewSet)
    menu_icon = "mail"
    menu_label = gettext_lazy("Nyhedsbrev")
    menu_order = 310


register_snippet(NewsletterGroup)


def homes_for(user):
    """The homes a user may see newsletter figures for: all for superusers, else their own."""
    homes = BotilbudPage.objects.order_by("title")
    own = staff_home_ids(user)
    if own is None or user.has_perm("newsletters.view_subscriber"):
        return homes
    return homes.filter(pk__in=own)


def overview(request):
    homes = list(homes_for(request.user).only("title"))
    counts = (
        Subscriber.homes.through.objects.filter(botilbudpage_id__in=[home.pk for home in homes])
        .values("botilbudpage_id", "subscriber__status")
        .annotate(n=Count("id"))
    )
    by_home = {home.pk: {} for home in homes}
    for row in counts:
        by_home[row["botilbudpage_id"]][row["subscriber__status"]] = row["n"]
    rows = [
        {
            "home": home,
            "active": by_home[home.pk].get(Subscriber.Status.ACTIVE, 0),
            "pending": by_home[home.pk].get(Subscriber.Status.PENDING, 0),
            "paused": by_home[home.pk].get(Subscriber.Status.PAUSED, 0),
            "stopped": sum(
                by_home[home.pk].get(status, 0)
                for status in (
                    Subscriber.Status.UNSUBSCRIBED,
                    Subscriber.Status.BOUNCED,
                    Subscriber.Status.COMPLAINED,
                )
            ),
        }
        for home in homes
    ]
    return TemplateResponse(
        request,
        "newsletters/admin/overview.html",
        {"rows": rows, "header_title": _("Nyhedsbrev pr. botilbud")},
    )


def preview(request, home_id: int):
    home = get_object_or_404(BotilbudPage, pk=home_id)
    if not homes_for(request.user).filter(pk=home.pk).exists():
        raise PermissionDenied
    digest = preview_digest(home)
    if digest is None:
        return TemplateResponse(
            request,
            "newsletters/admin/preview_empty.html",
            {"home": home, "header_title": _("Forhåndsvisning")},
        )
    response = HttpResponse(digest.html)
    # The preview is a mail, not an admin page: it must not run anything or be framed.
    response["Content-Security-Policy"] = "script-src 'none'; frame-ancestors 'none'"
    return response


@hooks.register("register_admin_urls")
def register_newsletter_urls():
    return [
        path("nyhedsbrev/oversigt/", overview, name="newsletters_overview"),
        path("nyhedsbrev/vis/<id:home_id>/", preview, name="newsletters_preview"),
    ]


@hooks.register("register_admin_menu_item")
def register_overview_menu_item():
    return MenuItem(
        gettext_lazy("Nyhedsbrev – tal"),
        reverse("newsletters_overview"),
        icon_name="mail",
        order=311,
    )
