"""Who may do what with facilities and bookings in the admin, row by row: the owning home's
staff (``access.rules``) and municipal admins. Registered with Wagtail's policy registry, so
``access.scope.scope_queryset`` and every chooser, bulk action and listing ask the same."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from access.rules import is_municipal_admin, is_staff_anywhere, is_staff_of, staff_home_q
from home.models import HomeStaffAccess


class HomeFacilityPolicy(ModelPermissionPolicy):
    """Staff of any home may add a facility (for their own home, the form sees to that);
    viewing, changing and deleting reach only their own homes' rows (``home_field``).
    ``actions`` limits what anyone but an admin may do at all (bookings: view only; their
    decisions go through the services)."""

    def __init__(self, model, home_field: str, actions: tuple[str, ...]):
        super().__init__(model)
        self.home_field = home_field
        self.actions = actions

    def user_has_permission(self, user, action):
        if is_municipal_admin(user):
            return True
        return action in self.actions and is_staff_anywhere(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not set(actions) & set(self.actions):
            return users.filter(is_superuser=True)
        staff = HomeStaffAccess.objects.values("group_id")
        return users.filter(Q(is_superuser=True) | Q(groups__in=staff)).distinct()

    def _home_id(self, instance):
        obj = instance
        for part in self.home_field.split("__")[:-1]:
            obj = getattr(obj, part)
        return getattr(obj, self.home_field.rsplit("__", 1)[-1] + "_id")

    def user_has_permission_for_instance(self, user, action, instance):
        if is_municipal_admin(user):
            return True
        return action in self.actions and is_staff_of(user, self._home_id(instance))

    def instances_user_has_any_permission_for(self, user, actions):
        rows = self.model._default_manager.all()
        if is_municipal_admin(user):
            return rows
        if not set(actions) & set(self.actions):
            return rows.none()
        return rows.filter(staff_home_q(user, f"{self.home_field}_id"))

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])
