"""/api/v1/code-lists/ and /api/v1/classifier-items/: open to everyone to read, edited by the agency."""

from edureg.classifiers import services
from edureg.classifiers.filters import ClassifierItemFilter
from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.classifiers.serializers import ClassifierItemSerializer, CodeListSerializer
from edureg.core.api.registry import register
from edureg.core.api.viewsets import EditRegisterViewSet


@register("code-lists")
class CodeListViewSet(EditRegisterViewSet):
    """Classifiers (code lists), by code. A list is versioned through its items, so it is not deleted."""

    model = CodeList
    serializer_class = CodeListSerializer
    select_related = ("parent_list",)
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "name_lt", "name_en"]
    create_service = services.create_code_list
    update_service = services.update_code_list


@register("classifier-items")
class ClassifierItemViewSet(EditRegisterViewSet):
    """Versions of codes. A code that changes gets a new version (valid_from) and the old one a valid_to;
    versions are closed, not deleted, because records keep pointing at them."""

    model = ClassifierItem
    serializer_class = ClassifierItemSerializer
    select_related = ("code_list", "parent")
    filterset_class = ClassifierItemFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "sort_order", "valid_from", "name_lt"]
    create_service = services.create_item
    update_service = services.update_item
