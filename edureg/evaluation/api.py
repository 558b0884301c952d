"""Evaluation in the API.

Definitions: /evaluation-procedures/ (by code, criteria nested), /evaluation-criteria/, /experts/, /expert-ties/,
/calls/ (by code; open, close, rank, publish; results once published). Work: /evaluation-applications/ (apply to
a call or ask for a readiness evaluation; the workflow's steps as actions), /assignments/ (the expert's conflict
declaration, scores and submission), /scores/, /decisions/ (public once published; the decision document as PDF),
/appeals/, /evaluation-events/.

Rows come from `Model.objects.for_user` (querysets.py); every step goes through edureg.evaluation.services, which
decide who may take it: a refused step answers 403, a step not allowed now or with bad input 400 naming the field.
"""

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import PublishedOnlyMixin, ReadOnlyRegisterViewSet, RegisterViewSet
from edureg.core.scoping import scope_for
from edureg.evaluation.choices import CallStatus
from edureg.evaluation.filters import (
    AppealFilter,
    ApplicationFilter,
    AssignmentFilter,
    CallFilter,
    CriterionFilter,
    DecisionFilter,
    EventFilter,
    ExpertFilter,
    ExpertTieFilter,
    ProcedureFilter,
    ScoreFilter,
)
from edureg.evaluation.models import (
    Appeal,
    Application,
    Assignment,
    Call,
    Criterion,
    Decision,
    Event,
    Expert,
    ExpertTie,
    Procedure,
    Score,
)
from edureg.evaluation.serializers import (
    SCORE_SHEET_SCHEMA,
    AppealCreateSerializer,
    AppealSerializer,
    AssignmentSerializer,
    AssignSerializer,
    CallResultSerializer,
    CallSerializer,
    CorrectionRequestSerializer,
    CriterionSerializer,
    DecideSerializer,
    DecisionSerializer,
    EvaluationApplicationCreateSerializer,
    EvaluationApplicationSerializer,
    EventSerializer,
    ExpertSerializer,
    ExpertTieSerializer,
    GroundsSerializer,
    NoteSerializer,
    ProcedureListSerializer,
    ProcedureSerializer,
    ProposalSerializer,
    RequiredReasonSerializer,
    ResolveSerializer,
    ResubmitSerializer,
    ScoreSerializer,
    WithdrawalSerializer,
)
from edureg.evaluation.services import calls, definitions, experts, scoring, workflow
from edureg.evaluation.services.common import is_coordinator

CODE = r"[-a-zA-Z0-9_]{1,40}"
MAX_SCORES = 100


class EvaluationContextMixin:
    """Serializers are told whether the reader is the agency's coordinator and which person is theirs."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user if self.request is not None else None
        context["coordinator"] = bool(user is not None and user.is_authenticated and is_coordinator(user))
        context["person_ids"] = scope_for(user).person_ids if user is not None else frozenset()
        return context

    def payload(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, instance, serializer_class=None, code=status.HTTP_200_OK):
        """The record re-read as the user sees it, with the list's joins."""
        serializer_class = serializer_class or self.serializer_class
        queryset = self.scoped("view")
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        fresh = queryset.filter(pk=instance.pk).first() or instance
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=code)


class NoDeleteMixin:
    """Records kept for the history: DELETE is refused (404 outside the user's scope, 403 for a visible one)."""

    no_delete_message = _("Evaluation records are kept; they change only through the workflow's steps.")

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise PermissionDenied(self.no_delete_message)


# --- definitions ------------------------------------------------------------------------------------------------

@register("evaluation-procedures")
class ProcedureViewSet(EvaluationContextMixin, RegisterViewSet):
    """Evaluation procedures by code, with their criteria (weights, the scale, mandatory ones with a pass mark),
    the number of experts, the aggregation and disagreement rule, the decision rule (thresholds in weighted points
    out of 100), deadlines and validity. Public; the agency's coordinator changes them."""

    model = Procedure
    serializer_class = ProcedureSerializer
    list_serializer_class = ProcedureListSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    prefetch_related = ("kinds", Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code")))
    filterset_class = ProcedureFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code"]
    create_service = definitions.create_procedure
    update_service = definitions.update_procedure
    delete_service = definitions.delete_procedure


@register("evaluation-criteria")
class CriterionViewSet(EvaluationContextMixin, RegisterViewSet):
    """Criteria of the procedures (their code unique within the procedure)."""

    model = Criterion
    serializer_class = CriterionSerializer
    select_related = ("procedure",)
    filterset_class = CriterionFilter
    ordering_fields = ["id", "order", "code"]
    create_service = definitions.create_criterion
    update_service = definitions.update_criterion
    delete_service = definitions.delete_criterion


@register("experts")
class ExpertViewSet(EvaluationContextMixin, RegisterViewSet):
    """The experts register (the coordinator's; an expert reads their own entry): fields of expertise (ISCED-F),
    programme kinds and procedures, availability, the most open assignments and the current load. A person is
    shown by name only."""

    model = Expert
    serializer_class = ExpertSerializer
    select_related = ("person",)
    prefetch_related = ("expertise", "kinds", "procedures")
    filterset_class = ExpertFilter
    search_fields = ["person__last_name", "person__first_name", "email"]
    ordering_fields = ["id", "person__last_name"]
    create_service = definitions.create_expert
    update_service = definitions.update_expert
    delete_service = definitions.delete_expert

    def get_queryset(self):
        return (super().get_queryset().annotate(load=Count("assignments", filter=Q(assignments__status="assigned")))
                .order_by(*Expert._meta.ordering))  # a grouped query keeps no default ordering


@register("expert-ties")
class ExpertTieViewSet(EvaluationContextMixin, RegisterViewSet):
    """Experts' ties to institutions besides employment (board member, consultant, founder): a tie within the
    procedure's conflict period blocks the expert from that institution's applications."""

    model = ExpertTie
    serializer_class = ExpertTieSerializer
    select_related = ("expert", "institution")
    filterset_class = ExpertTieFilter
    ordering_fields = ["id", "started_on"]
    create_service = definitions.create_tie
    update_service = definitions.update_tie
    delete_service = definitions.delete_tie


# --- calls --------------------------------------------------------------------------------------------------------

class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


@register("calls")
class CallViewSet(EvaluationContextMixin, PublishedOnlyMixin, RegisterViewSet):
    """Funding calls by code: budget, eligible programme kinds, the competition procedure, minimum score, most per
    application, tie rules and the rule for the last application that does not fit. Public once open. The
    coordinator opens (POST open/), closes (close/), ranks and selects within the budget (rank/) and publishes the
    results (publish/); GET results/ is the ranked list, public once published."""

    model = Call
    serializer_class = CallSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    select_related = ("procedure",)
    prefetch_related = ("kinds",)
    filterset_class = CallFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "opens_on", "closes_on"]
    create_service = definitions.create_call
    update_service = definitions.update_call
    delete_service = definitions.delete_call

    def _results(self, call):
        return Response(CallResultSerializer(calls.call_results(call), many=True).data)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def open(self, request, code=None):
        """Being prepared → open for applications (the settings are checked)."""
        return self.answer(calls.open_call(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def close(self, request, code=None):
        """Open → closed: no more applications; the submitted ones go on to evaluation."""
        return self.answer(calls.close_call(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=CallResultSerializer(many=True))
    @action(detail=True, methods=["post"], scope_action="change")
    def rank(self, request, code=None):
        """Rank the scored applications by total (then the tie rules) and select them within the budget; may be
        run again until the results are published. Answers the ranked list."""
        call = self.get_object()
        calls.rank_call(call, actor=request.user)
        return self._results(call)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def publish(self, request, code=None):
        """Publish the ranked list: the applications are decided (funded, partly funded, not funded)."""
        return self.answer(calls.publish_call(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=CallResultSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="view")
    def results(self, request, code=None):
        """The ranked list: number, institution, title, total, rank, requested and granted amounts and the
        selection. Public once the results are published (the coordinator sees it as soon as it is ranked)."""
        call = self.get_object()
        if call.status != CallStatus.PUBLISHED and not is_coordinator(request.user):
            raise NotFound(_("The call's results are not published yet."))
        return self._results(call)


# --- applications ---------------------------------------------------------------------------------------------

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

@register("assignments")
class AssignmentViewSet(EvaluationContextMixin, NoDeleteMixin, ReadOnlyRegisterViewSet):
    """Experts' assignments (the coordinator all, an expert their own), with the expert's scores. The expert
    confirms having no conflict of interest (POST confirm-no-conflict/) or declares one (declare-conflict/, with a
    note), saves scores (scores/: {criterion code: {value, justification}}) and submits them (submit/); the
    coordinator may withdraw an assignment (withdraw/, with the reason)."""

    model = Assignment
    serializer_class = AssignmentSerializer
    select_related = ("application", "expert__person")
    prefetch_related = (Prefetch("scores", queryset=Score.objects.select_related("criterion")),)
    filterset_class = AssignmentFilter
    ordering_fields = ["id", "assigned_at", "due_on"]

    def _step(self, service, serializer_class=None):
        assignment = self.get_object()
        data = self.payload(serializer_class) if serializer_class is not None else {}
        service(assignment, actor=self.request.user, **data)
        return self.answer(assignment)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="confirm-no-conflict")
    def confirm_no_conflict(self, request, pk=None):
        """The assigned expert declares having no conflict of interest (needed before scoring)."""
        return self._step(experts.confirm_no_conflict)

    @extend_schema(request=NoteSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        """The assigned expert declares a conflict of interest: the assignment ends and its scores are dropped."""
        return self._step(experts.declare_conflict, NoteSerializer)

    @extend_schema(request={"application/json": SCORE_SHEET_SCHEMA}, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def scores(self, request, pk=None):
        """Save scores as a draft (the assigned expert): all or nothing, a bad score named by its criterion code."""
        assignment = self.get_object()
        sheet = request.data
        if not isinstance(sheet, dict):
            raise ValidationError({"scores": [_("Give the scores as criterion codes, each with a value and a "
                                                "justification.")]})
        sheet = dict(sheet)
        comment = sheet.pop("comment") if isinstance(sheet.get("comment"), str) else None
        if len(sheet) > MAX_SCORES:
            raise ValidationError({"scores": [_("Too many scores.")]})
        wrong = {str(code): [_("Give {\"value\": ..., \"justification\": ...}.")]
                 for code, item in sheet.items() if not isinstance(item, dict)}
        if wrong:
            raise ValidationError(wrong)
        scoring.save_scores(assignment, sheet, actor=request.user, comment=comment)
        return self.answer(assignment)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def submit(self, request, pk=None):
        """Submit the complete sheet (every criterion scored, justifications where required)."""
        return self._step(scoring.submit_scores)

    @extend_schema(request=RequiredReasonSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def withdraw(self, request, pk=None):
        """The coordinator withdraws the expert, with the reason."""
        return self._step(experts.withdraw_assignment, RequiredReasonSerializer)


@register("scores")
class ScoreViewSet(EvaluationContextMixin, NoDeleteMixin, ReadOnlyRegisterViewSet):
    """Experts' scores with justifications (read-only; written through the assignment). The coordinator reads all;
    an expert their own, and the other experts' of an application only after submitting theirs."""

    model = Score
    serializer_class = ScoreSerializer
    select_related = ("assignment__application", "assignment__expert__person", "criterion")
    filterset_class = ScoreFilter
    ordering_fields = ["id"]


# --- decisions, appeals, events ---------------------------------------------------------------------------------

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
