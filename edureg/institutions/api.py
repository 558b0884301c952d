"""/api/v1/institutions/ (by legal-entity code) and /api/v1/branches/: public to read."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet
from edureg.institutions import services
from edureg.institutions.filters import BranchFilter, InstitutionFilter
from edureg.institutions.models import Branch, Institution
from edureg.institutions.serializers import BranchSerializer, InstitutionSerializer, StatusChangeRequestSerializer


@register("institutions")
class InstitutionViewSet(RegisterViewSet):
    """The institution register. Status changes keep their history (POST .../status/)."""

    model = Institution
    serializer_class = InstitutionSerializer
    select_related = ("type", "ownership", "municipality", "municipality__parent", "parent")
    prefetch_related = (Prefetch("branches", queryset=Branch.objects.select_related("municipality")),)
    lookup_field = "code"
    lookup_value_regex = r"\d{9}"
    filterset_class = InstitutionFilter
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["name", "code", "registered_on", "status", "updated_at"]
    create_service = services.register_institution
    update_service = services.update_institution
    delete_service = services.delete_institution

    @extend_schema(request=StatusChangeRequestSerializer, responses=InstitutionSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def status(self, request, code=None):
        """Change the status (registered → active → reorganising → liquidated); the history is kept."""
        institution = self.get_object()
        payload = StatusChangeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        institution = services.change_status(institution, actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(institution).data)


@register("branches")
class BranchViewSet(RegisterViewSet):
    model = Branch
    serializer_class = BranchSerializer
    select_related = ("institution", "municipality")
    filterset_class = BranchFilter
    search_fields = ["name", "code", "institution__name"]
    ordering_fields = ["name", "code", "opened_on"]
    create_service = services.add_branch
    update_service = services.update_branch
    delete_service = services.delete_branch
