from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.core.models import ObjectChange, ReadAccess
from edureg.core.scoping import permission_name

admin.site.site_header = _("edureg back-office")
admin.site.site_title = _("edureg")
admin.site.index_title = _("Registers")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are written by the system only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "view"))


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("time", "seq", "user_name", "action", "content_type", "object_repr", "source", "request_id")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "user_name", "object_id", "job_id", "=request_id")
    date_hierarchy = "time"
    list_select_related = ("content_type",)
    show_full_result_count = False
    readonly_fields = [f.name for f in ObjectChange._meta.fields]


@admin.register(ReadAccess)
class ReadAccessAdmin(ReadOnlyAdmin):
    list_display = ("time", "user_name", "content_type", "object_repr", "source")
    list_filter = ("source", "content_type")
    search_fields = ("user_name", "object_repr", "object_id")
    date_hierarchy = "time"
    list_select_related = ("content_type",)
    show_full_result_count = False
    readonly_fields = [f.name for f in ReadAccess._meta.fields]
