"""Workflows with side effects for the page tree: per-home editing rights (who works at
which home is answered by access.rules)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from .models import BotilbudPage, HomeStaffAccess

# What a home's editors may do on their own subtree: write, publish, and lock while editing.
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# What they may do with images and documents in their home's own collection.
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
# Global rights every editor needs: reach the admin, pick an organisation as an event's organiser.
GLOBAL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("home", "view_organisation"),
)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def editor_group_name(botilbud: BotilbudPage) -> str:
    return _("%(home)s – redaktører") % {"home": botilbud.title}


@transaction.atomic
def ensure_home_staff_access(botilbud: BotilbudPage) -> HomeStaffAccess:
    """Give a home its editor group and media collection; running it again changes nothing.

    The group may add, edit and publish only inside this home's subtree, and may use only
    this home's collection, so staff of one home cannot act on another.
    """
    access = (
        HomeStaffAccess.objects.select_related("group", "collection")
        .filter(botilbud=botilbud)
        .first()
    )
    if access is None:
        group, _created = Group.objects.get_or_create(name=editor_group_name(botilbud))
        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name=botilbud.title).first()
        if collection is None:
            collection = root.add_child(instance=Collection(name=botilbud.title))
        access = HomeStaffAccess.objects.create(
            botilbud=botilbud, group=group, collection=collection
        )

    group, collection = access.group, access.collection
    group.permissions.add(*(_permission(app, code) for app, code in GLOBAL_PERMISSIONS))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=botilbud, permission=_permission("wagtailcore", codename)
        )
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
    return access
