from django.contrib.auth.backends import ModelBackend

from edureg.accounts.roles import permissions_for
from edureg.accounts.scoping import active_memberships


class RoleBackend(ModelBackend):
    """Permissions come from the user's roles (accounts.roles), not from per-user grants."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, "_edureg_perm_cache"):
            if user_obj.is_superuser:
                perms = super().get_all_permissions(user_obj)
            else:
                perms = permissions_for({m.role for m in active_memberships(user_obj)})
            user_obj._edureg_perm_cache = perms
        return user_obj._edureg_perm_cache

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and any(
            p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
