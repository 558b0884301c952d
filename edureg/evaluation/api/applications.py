"""Applications and their workflow steps, decisions (with the PDF), appeals and events in the API."""

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import PublishedOnlyMixin, ReadOnlyRegisterViewSet
from edureg.core.scoping import scope_for
from edureg.evaluation.api.common import EvaluationContextMixin, NoDeleteMixin, PDFRenderer
from edureg.evaluation.filters import (
    AppealFilter,
    ApplicationFilter,
    DecisionFilter,
    EventFilter,
)
from edureg.evaluation.models import (
    Appeal,
    Application,
    Assignment,
    Decision,
    Event,
)
from edureg.evaluation.serializers import (
    AppealCreateSerializer,
    AppealSerializer,
    AssignmentSerializer,
    AssignSerializer,
    CorrectionRequestSerializer,
    DecideSerializer,
    DecisionSerializer,
    EvaluationApplicationCreateSerializer,
    EvaluationApplicationSerializer,
    EventSerializer,
    GroundsSerializer,
    ProposalSerializer,
    RequiredReasonSerializer,
    ResolveSerializer,
    ResubmitSerializer,
    WithdrawalSerializer,
)
from edureg.evaluation.services import calls, experts, workflow
from edureg.evaluation.services.common import is_coordinator

APPLICATION_JOINS = ("procedure", "call", "institution", "isced_f")


@register("evaluation-applications")
class ApplicationViewSet(EvaluationContextMixin, NoDeleteMixin, mixins.CreateModelMixin, ReadOnlyRegisterViewSet):
    """Applications for evaluation: of a submitted programme version (opened by the programme's submission), of an
    institution's readiness, or of a programme in a funding call. The provider's institution and municipality
    follow theirs, an expert those assigned to them, the agency all. POST applies to a call (`call`,
    `programme_version`, `requested_amount`, `note`) or asks for a readiness evaluation (`procedure`,
    `institution`, `title`, `note`, `isced_f`). The workflow's steps are actions; each answers the application
    (assign/ the assignment, decide/ and ineligible/ the decision, appeal/ the appeal)."""

    model = Application
    serializer_class = EvaluationApplicationSerializer
    select_related = APPLICATION_JOINS
    filterset_class = ApplicationFilter
    search_fields = ["number", "title", "institution__name"]
    ordering_fields = ["id", "submitted_at", "status_since", "due_on", "total", "rank"]

    @extend_schema(request=EvaluationApplicationCreateSerializer, responses={201: EvaluationApplicationSerializer})
    def create(self, request, *args, **kwargs):
        data = self.payload(EvaluationApplicationCreateSerializer)
        if "call" in data:
            application = calls.apply_to_call(data["call"], actor=request.user,
                                              programme_version=data["programme_version"],
                                              requested_amount=data["requested_amount"], note=data.get("note", ""))
        else:
            application = workflow.apply_for_readiness(
                data["procedure"], actor=request.user, institution=data["institution"], title=data["title"],
                note=data.get("note", ""), isced_f=data.get("isced_f"))
        return self.answer(application, code=status.HTTP_201_CREATED)

    def _step(self, service, serializer_class=None, **extra):
        application = self.get_object()
        data = self.payload(serializer_class) if serializer_class is not None else {}
        service(application, actor=self.request.user, **data, **extra)
        return self.answer(application)

    @extend_schema(request=None, responses=EvaluationApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="start-eligibility")
    def start_eligibility(self, request, pk=None):
        """Submitted → eligibility check (coordinator)."""
        return self._step(workflow.start_eligibility)

    @extend_schema(request=None, responses=EvaluationApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def accept(self, request, pk=None):
        """Eligibility check → under evaluation (coordinator): experts may now be assigned."""
        return self._step(workflow.accept_eligibility)

    @extend_schema(request=CorrectionRequestSerializer, responses=EvaluationApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="return")
    def return_(self, request, pk=None):
        """Submitted or eligibility check → returned for corrections, saying what to correct (coordinator)."""
        return self._step(workflow.return_for_corrections, CorrectionRequestSerializer)

    @extend_schema(request=RequiredReasonSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def ineligible(self, request, pk=None):
        """Not eligible, with the reason (coordinator): a negative decision."""
        application = self.get_object()
        decision = workflow.declare_ineligible(application, actor=request.user,
                                               **self.payload(RequiredReasonSerializer))
        return _decision_answer(self, decision)

    @extend_schema(request=ResubmitSerializer, responses=EvaluationApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def resubmit(self, request, pk=None):
        """Returned → submitted again (the provider; a call's application may change its requested amount)."""
        return self._step(workflow.resubmit, ResubmitSerializer)

    @extend_schema(request=WithdrawalSerializer, responses=EvaluationApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def withdraw(self, request, pk=None):
        """The provider withdraws its application."""
        return self._step(workflow.withdraw, WithdrawalSerializer)

    def _coordinator_only(self):
        if not is_coordinator(self.request.user):
            raise PermissionDenied(_("Only the agency's evaluation coordinator may do this."))

    @extend_schema(request=AssignSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def assign(self, request, pk=None):
        """Assign an expert (coordinator; the application under evaluation). An expert with a conflict of interest,
        unavailable, at their most open assignments or already assigned is refused, naming `expert`."""
        application = self.get_object()
        data = self.payload(AssignSerializer)
        assignment = experts.assign_expert(application, data["expert"], actor=request.user,
                                           due_on=data.get("due_on"))
        fresh = (Assignment.objects.select_related("application", "expert__person")
                 .prefetch_related("scores__criterion").get(pk=assignment.pk))
        return Response(AssignmentSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProposalSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="change")
    def proposals(self, request, pk=None):
        """Experts proposed for the application (coordinator): those who may be assigned first, by field and kind
        match and lower load; blocked ones with the reasons (conflicts of interest, availability, load)."""
        application = self.get_object()
        self._coordinator_only()
        return Response(ProposalSerializer(experts.propose_experts(application), many=True).data)

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def decide(self, request, pk=None):
        """Scored → decided (coordinator): by default the decision rule's outcome; another, never more favourable,
        needs a reason; registered with conditions needs the conditions. The programme version follows."""
        application = self.get_object()
        data = self.payload(DecideSerializer)
        decision = workflow.decide(application, actor=request.user, outcome=data.get("outcome") or None,
                                   conditions=data.get("conditions", ""), reason=data.get("reason", ""))
        return _decision_answer(self, decision)

    @extend_schema(request=GroundsSerializer, responses={201: AppealSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def appeal(self, request, pk=None):
        """Appeal the decision with grounds (the provider, within the procedure's days to appeal)."""
        application = self.get_object()
        appeal = workflow.file_appeal(application, actor=request.user, **self.payload(GroundsSerializer))
        return _appeal_answer(self, appeal)


def _decision_answer(view, decision):
    fresh = Decision.objects.select_related(*DECISION_JOINS).get(pk=decision.pk)
    return Response(DecisionSerializer(fresh, context=view.get_serializer_context()).data,
                    status=status.HTTP_201_CREATED)


def _appeal_answer(view, appeal, code=status.HTTP_201_CREATED):
    fresh = Appeal.objects.select_related("application", "decision").get(pk=appeal.pk)
    return Response(AppealSerializer(fresh, context=view.get_serializer_context()).data, status=code)


# --- assignments and scores -------------------------------------------------------------------------------------



DECISION_JOINS = ("application__institution", "application__procedure", "application__call")


@register("decisions")
class DecisionViewSet(EvaluationContextMixin, PublishedOnlyMixin, NoDeleteMixin, ReadOnlyRegisterViewSet):
    """Decisions: outcome, total (weighted points out of 100), the scores summary, conditions, reasons, granted
    amount and validity. Public once published; the provider, its municipality and the agency see theirs before.
    GET pdf/ is the decision document (for the provider, its municipality and the agency)."""

    model = Decision
    serializer_class = DecisionSerializer
    select_related = DECISION_JOINS
    filterset_class = DecisionFilter
    search_fields = ["number", "application__number", "application__title"]
    ordering_fields = ["id", "decided_at", "valid_until"]

    def _may_download(self, decision) -> None:
        user = self.request.user
        if not user.is_authenticated:
            raise NotAuthenticated()
        scope = scope_for(user)
        if user.has_perm("evaluation.view_decision") and (scope.national or Decision.objects.filter(
                Decision.objects.all().scope_filter(scope), pk=decision.pk).exists()):
            return
        raise PermissionDenied(_("The decision document is for the applicant, its municipality and the agency."))

    @extend_schema(request=None, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], scope_action="view", renderer_classes=[PDFRenderer, JSONRenderer])
    def pdf(self, request, pk=None):
        """The decision document (PDF) with the scores summary."""
        decision = self.get_object()
        self._may_download(decision)
        from edureg.evaluation.services.pdf import decision_pdf

        response = HttpResponse(decision_pdf(decision, language=get_language()), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{decision.number}.pdf"'
        return response


@register("appeals")
class AppealViewSet(EvaluationContextMixin, NoDeleteMixin, mixins.CreateModelMixin, ReadOnlyRegisterViewSet):
    """Appeals against decisions. The provider files one (POST: `application`, `grounds`; also POST
    /evaluation-applications/{id}/appeal/); the coordinator resolves it (resolve/: `uphold`, `resolution`): upheld,
    the application is evaluated again in a new round; dismissed, the decision stands."""

    model = Appeal
    serializer_class = AppealSerializer
    select_related = ("application", "decision")
    filterset_class = AppealFilter
    ordering_fields = ["id", "filed_at"]

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    def create(self, request, *args, **kwargs):
        data = self.payload(AppealCreateSerializer)
        appeal = workflow.file_appeal(data["application"], actor=request.user, grounds=data["grounds"])
        return _appeal_answer(self, appeal)

    @extend_schema(request=ResolveSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def resolve(self, request, pk=None):
        """Uphold (re-evaluate) or dismiss the appeal, with the resolution (coordinator)."""
        appeal = self.get_object()
        data = self.payload(ResolveSerializer)
        workflow.resolve_appeal(appeal, actor=request.user, uphold=data["uphold"], resolution=data["resolution"])
        return _appeal_answer(self, appeal, code=status.HTTP_200_OK)


@register("evaluation-events")
class EventViewSet(EvaluationContextMixin, NoDeleteMixin, ReadOnlyRegisterViewSet):
    """The applications' history: one event per step, with the status before and after (the agency sees who)."""

    model = Event
    serializer_class = EventSerializer
    select_related = ("application", "user")
    filterset_class = EventFilter
    ordering_fields = ["id", "at"]
