"""What a person may see in the staff admin, for any model: ``scope_queryset(user, qs)``.

Wagtail decides what an editor may *edit*; its choosers, bulk actions and admin API list
far more than that. Every one of those surfaces asks this module instead:

- pages: the subtrees of the homes the person works at, and elsewhere only what the public
  sees (live, without unpublished changes, without a view restriction, not relatives-only);
- images and documents: those in collections the person may use (their home's);
- models that hold personal data (subscribers, sign-ups, volunteers, proposals, facility
  bookings, the dialog, the outbox, users): nothing unless the person holds a permission on
  the model, and for home-bound rows only their own homes' rows;
- anything else: what the model's permissions allow.

Municipal admins keep everything.
"""

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from wagtail.models import Page, PageViewRestriction
from wagtail.permissions import policy_registry

from . import rules

# Models whose rows are about people: never listed to someone without a permission on them.
PERSONAL_MODELS = frozenset(
    {
        "newsletters.subscriber",
        "newsletters.outgoingdigest",
        "participation.eventsignup",
        "participation.volunteersignup",
        "participation.activityproposal",
        "dialog.membership",
        "dialog.thread",
        "dialog.message",
        "dialog.attachment",
        "dialog.report",
        "dialog.staffpreference",
        "residents.resident",
        "residents.photoconsent",
        "residents.residentconnection",
        "residents.album",
        "residents.photo",
        "residents.phototag",
        "residents.photorendition",
        "residents.residentpost",
        "residents.photoreport",
        "facilities.booking",
        "outbox.outgoingmail",
        "outbox.suppressedaddress",
        "access.readlog",
        "auth.user",
    }
)
ANY_ACTION = ("add", "change", "delete", "view", "choose", "publish", "lock", "unlock")


def _label(model) -> str:
    return model._meta.label_lower


def _relatives_only_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and any(f.name == "relatives_only" for f in model._meta.fields)
    ]


def public_page_q() -> Q:
    """Pages anyone may know of: live, no unpublished draft (whose title could differ), not
    behind a view restriction, not relatives-only."""
    q = Q(live=True, has_unpublished_changes=False)
    for path in PageViewRestriction.objects.values_list("page__path", flat=True):
        q &= ~Q(path__startswith=path)
    for model in _relatives_only_models():
        q &= ~Q(pk__in=model.objects.filter(relatives_only=True).values("pk"))
    return q


def own_pages_q(user) -> Q:
    """Everything inside the homes ``user`` works at."""
    homes = rules.staff_home_ids(user)
    if homes is None:
        return Q()
    paths = apps.get_model("home.BotilbudPage").objects.filter(pk__in=homes)
    q = Q(pk__in=[])
    for path in paths.values_list("path", flat=True):
        q |= Q(path__startswith=path)
    return q


def admin_page_q(user) -> Q | None:
    """The pages ``user`` may see in the admin; None means all of them."""
    if rules.is_municipal_admin(user):
        return None
    return own_pages_q(user) | public_page_q()


def _has_model_permission(user, model) -> bool:
    policy = policy_registry.get_by_type(model)
    if policy is None:
        return any(
            user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
            for action in ("add", "change", "delete", "view")
        )
    return policy.user_has_any_permission(user, ANY_ACTION)


def may_list(user, model) -> bool:
    """Whether ``user`` may see any row of ``model`` in the admin at all."""
    if rules.is_municipal_admin(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    if issubclass(model, Page):
        return True
    if _label(model) == "newsletters.subscriber":
        return rules.may_list_subscribers(user)
    return _has_model_permission(user, model)


def scope_queryset(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see in the admin."""
    model = queryset.model
    if rules.is_municipal_admin(user):
        return queryset
    if not may_list(user, model):
        return queryset.none()
    if issubclass(model, Page):
        return queryset.filter(admin_page_q(user))
    policy = policy_registry.get_by_type(model)
    if policy is not None and hasattr(policy, "instances_user_has_any_permission_for"):
        allowed = policy.instances_user_has_any_permission_for(user, ANY_ACTION)
        return queryset.filter(pk__in=allowed.values("pk"))
    if _label(model) in PERSONAL_MODELS and any(f.name == "botilbud" for f in model._meta.fields):
        return queryset.filter(rules.staff_home_q(user))
    return queryset


def may_see(user, obj: Model) -> bool:
    return scope_queryset(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
