from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from edureg.accounts import services
from edureg.accounts.models import Membership
from edureg.core.admin_base import RegisterAdmin, RegisterInline
from edureg.core.scoping import permission_name

User = get_user_model()
# Permissions come from roles (accounts.roles), so Django's groups are not used.
admin.site.unregister(Group)
admin.site.unregister(User)


class MembershipInline(RegisterInline):
    model = Membership
    fk_name = "user"
    fields = ("role", "institution", "municipality", "person", "valid_from", "valid_to")
    raw_id_fields = ("institution", "person")
    create_service = services.grant_role
    update_service = services.update_membership
    delete_service = services.revoke_role

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("accounts.add_membership")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("accounts.change_membership")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("accounts.delete_membership")


# Rights come from memberships only: these would grant them past the roles (and the superuser flag, everything).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are managed by agency administrators (who hold the membership permissions).

    An agency administrator gives rights through memberships: they cannot make anyone (themselves included) a
    superuser or grant Django permissions directly, and cannot change a superuser's account or password.
    """

    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

    def _may(self, request, action):
        return request.user.is_superuser or request.user.has_perm(permission_name(Membership, action))

    def _above(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change") and not self._above(request, obj)

    def has_add_permission(self, request):
        return self._may(request, "add")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete") and not self._above(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [(name, {**options, "fields": tuple(f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS)})
                for name, options in fieldsets]

    def has_module_permission(self, request):
        return self._may(request, "view")

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "edureg_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        return RegisterAdmin.save_formset(self, request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(RegisterAdmin):
    list_display = ("user", "role", "institution", "municipality", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__last_name", "institution__name")
    list_select_related = ("user", "institution", "municipality")
    raw_id_fields = ("user", "institution", "person")
    create_service = services.grant_role
    update_service = services.update_membership
    delete_service = services.revoke_role


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(DrfTokenAdmin):
    """DRF's token admin, without listing the keys: a key lets whoever reads it act as its user, and the change
    records would then name that user. Django's message shows the key once, to the administrator who creates it."""

    list_display = ("masked_key", "user", "created")

    @admin.display(description=_("key"))
    def masked_key(self, obj):
        return f"{obj.key[:4]}…"
