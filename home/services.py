"""Workflows with side effects for the page tree: per-home editing rights (who works at
which home is answered by access.rules)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from access.models import RelativesOnlyCollection

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


def relatives_only_collection_name(botilbud: BotilbudPage) -> str:
    return _("%(home)s – kun for pårørende") % {"home": botilbud.title}


def ensure_relatives_only_collection(botilbud: BotilbudPage, parent: Collection) -> Collection:
    """The home's collection for documents only its relatives and staff may open: inside the
    home's own collection, so its staff's rights there reach it too."""
    known = RelativesOnlyCollection.objects.filter(botilbud=botilbud).select_related("collection")
    record = known.first()
    if record is not None:
        return record.collection
    name = relatives_only_collection_name(botilbud)
    collection = parent.get_children().filter(name=name).first()
    if collection is None:
        collection = parent.add_child(instance=Collection(name=name))
    RelativesOnlyCollection.objects.create(botilbud=botilbud, collection=collection)
    return collection


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
    ensure_relatives_only_collection(botilbud, collection)
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
