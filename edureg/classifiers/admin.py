from django.contrib import admin

from edureg.classifiers import services
from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.core.admin_base import RegisterAdmin


def classifier_filter(field: str, list_code: str, title=None):
    """A list filter showing the current items of one code list (not every classifier item)."""

    class ClassifierFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__code"

        def __init__(self, request, params, model, model_admin):
            self.title = title or model._meta.get_field(field).verbose_name
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            items = ClassifierItem.objects.of(list_code).current().order_by("sort_order", "code")
            return [(i.code, str(i)) for i in items]

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{f"{field}__code": value}) if value else queryset

    ClassifierFilter.__name__ = f"{field.title()}Filter"
    return ClassifierFilter


class ItemInline(admin.TabularInline):
    model = ClassifierItem
    fk_name = "code_list"
    fields = ("code", "name_lt", "name_en", "parent", "valid_from", "valid_to")
    readonly_fields = fields
    can_delete = False
    extra = 0
    show_change_link = True
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(CodeList)
class CodeListAdmin(RegisterAdmin):
    list_display = ("code", "name_lt", "name_en", "version", "source", "hierarchical")
    search_fields = ("code", "name_lt", "name_en")
    inlines = [ItemInline]
    create_service = services.create_code_list
    update_service = services.update_code_list
    delete_service = services.delete_code_list


@admin.register(ClassifierItem)
class ClassifierItemAdmin(RegisterAdmin):
    list_display = ("code", "name_lt", "name_en", "code_list", "parent", "valid_from", "valid_to")
    list_filter = ("code_list",)
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("code_list", "parent")
    raw_id_fields = ("parent",)
    create_service = services.create_item
    update_service = services.update_item
    delete_service = services.delete_item
