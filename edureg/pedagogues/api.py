"""/api/v1/employments/: pedagogues' employments, scoped to the user's institutions."""

from django.db.models import Prefetch

from edureg.classifiers.models import ClassifierItem
from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet
from edureg.pedagogues import services
from edureg.pedagogues.filters import EmploymentFilter
from edureg.pedagogues.models import Employment
from edureg.pedagogues.serializers import EmploymentSerializer


@register("employments")
class EmploymentViewSet(RegisterViewSet):
    model = Employment
    serializer_class = EmploymentSerializer
    select_related = ("person", "institution", "position", "qualification_category")
    prefetch_related = (Prefetch("subjects", queryset=ClassifierItem.objects.order_by("code")),)
    filterset_class = EmploymentFilter
    search_fields = ["person__first_name", "person__last_name"]
    ordering_fields = ["start_date", "end_date", "workload"]
    create_service = services.employ
    update_service = services.update_employment
    delete_service = services.delete_employment
