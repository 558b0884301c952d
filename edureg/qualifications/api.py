"""/api/v1/qualifications/ (by code), professional standards, competences and the sectoral committees with
their meetings, decisions and members. Public to read (members: the agency only); the agency writes."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet
from edureg.qualifications import services
from edureg.qualifications.filters import (
    CommitteeDecisionFilter,
    CommitteeMeetingFilter,
    CommitteeMemberFilter,
    CompetenceFilter,
    ProfessionalStandardFilter,
    QualificationFilter,
    SectoralCommitteeFilter,
)
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)
from edureg.qualifications.serializers import (
    CommitteeDecisionSerializer,
    CommitteeMeetingSerializer,
    CommitteeMemberSerializer,
    CompetenceSerializer,
    ProfessionalStandardSerializer,
    QualificationSerializer,
    SectoralCommitteeSerializer,
    StandardStatusRequestSerializer,
)

CODE_REGEX = r"[A-Za-z0-9][A-Za-z0-9._-]*"
ordered_competences = Prefetch("competences", queryset=Competence.objects.order_by("code"))


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


@register("qualifications")
class QualificationViewSet(RegisterViewSet):
    """The qualifications register. `q` searches names and codes in Lithuanian and English, with or without
    diacritics, by word beginnings ("suvirint" finds "suvirintojas")."""

    model = Qualification
    serializer_class = QualificationSerializer
    select_related = ("isced_f", "standard")
    prefetch_related = (ordered_competences,)
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    filterset_class = QualificationFilter
    ordering_fields = ["code", "name_lt", "name_en", "ltks_level", "valid_from", "updated_at"]
    create_service = services.create_qualification
    update_service = services.update_qualification
    delete_service = services.delete_qualification

    @extend_schema(responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONLDRenderer, JSONRenderer, BrowsableAPIRenderer])
    def elm(self, request, code=None):
        """The qualification in the European Learning Model (Europass), as JSON-LD (application/ld+json unless
        plain JSON or a browser page is asked for)."""
        from edureg.qualifications.elm import qualification_elm  # written apart; imported when asked for

        return Response(qualification_elm(self.get_object()))


@register("professional-standards")
class ProfessionalStandardViewSet(RegisterViewSet):
    """Professional standards, one row per version. The status follows committee decisions
    (POST /committee-decisions/) and the agency's steps (POST .../status/)."""

    model = ProfessionalStandard
    serializer_class = ProfessionalStandardSerializer
    select_related = ("sector", "committee")
    prefetch_related = (ordered_competences,)
    filterset_class = ProfessionalStandardFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "version", "name_lt", "status", "status_since", "updated_at"]
    create_service = services.create_standard
    update_service = services.update_standard
    delete_service = services.delete_standard

    @extend_schema(request=StandardStatusRequestSerializer, responses=ProfessionalStandardSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def status(self, request, pk=None):
        """The agency's steps: open the public consultation (from draft), register (from approved) or withdraw
        (with a reason)."""
        standard = self.get_object()
        payload = StandardStatusRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        standard = services.change_standard_status(standard, actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(standard).data)


@register("competences")
class CompetenceViewSet(RegisterViewSet):
    model = Competence
    serializer_class = CompetenceSerializer
    select_related = ("standard",)
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    filterset_class = CompetenceFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "name_lt", "ltks_level"]
    create_service = services.create_competence
    update_service = services.update_competence
    delete_service = services.delete_competence


@register("sectoral-committees")
class SectoralCommitteeViewSet(RegisterViewSet):
    model = SectoralCommittee
    serializer_class = SectoralCommitteeSerializer
    select_related = ("sector",)
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    filterset_class = SectoralCommitteeFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "name_lt", "established_on"]
    create_service = services.create_committee
    update_service = services.update_committee
    delete_service = services.delete_committee


@register("committee-meetings")
class CommitteeMeetingViewSet(RegisterViewSet):
    model = CommitteeMeeting
    serializer_class = CommitteeMeetingSerializer
    select_related = ("committee",)
    prefetch_related = (Prefetch("decisions", queryset=CommitteeDecision.objects.select_related("standard")
                                 .order_by("id")),)
    filterset_class = CommitteeMeetingFilter
    ordering_fields = ["date", "number"]
    create_service = services.create_meeting
    update_service = services.update_meeting
    delete_service = services.delete_meeting


@register("committee-decisions")
class CommitteeDecisionViewSet(RegisterViewSet):
    """Decisions of the committees. Recording one on a standard moves its status; on a programme version it is
    advice. Only the reasons of a recorded decision are corrected."""

    model = CommitteeDecision
    serializer_class = CommitteeDecisionSerializer
    select_related = ("meeting", "meeting__committee", "standard")
    filterset_class = CommitteeDecisionFilter
    ordering_fields = ["meeting__date", "id"]
    create_service = services.record_decision
    update_service = services.update_decision
    delete_service = services.delete_decision


@register("committee-members")
class CommitteeMemberViewSet(RegisterViewSet):
    """Members of the committees (persons): the agency only."""

    model = CommitteeMember
    serializer_class = CommitteeMemberSerializer
    select_related = ("committee", "person")
    filterset_class = CommitteeMemberFilter
    ordering_fields = ["start_date", "end_date", "role"]
    create_service = services.add_member
    update_service = services.update_member
    delete_service = services.remove_member
