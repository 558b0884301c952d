"""The evaluation definitions in the API: procedures (criteria nested), criteria, experts and ties, calls."""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import PublishedOnlyMixin, RegisterViewSet
from edureg.evaluation.api.common import CODE, EvaluationContextMixin
from edureg.evaluation.choices import CallStatus
from edureg.evaluation.filters import (
    CallFilter,
    CriterionFilter,
    ExpertFilter,
    ExpertTieFilter,
    ProcedureFilter,
)
from edureg.evaluation.models import (
    Call,
    Criterion,
    Expert,
    ExpertTie,
    Procedure,
)
from edureg.evaluation.serializers import (
    CallResultSerializer,
    CallSerializer,
    CriterionSerializer,
    ExpertSerializer,
    ExpertTieSerializer,
    ProcedureListSerializer,
    ProcedureSerializer,
)
from edureg.evaluation.services import calls, definitions
from edureg.evaluation.services.common import is_coordinator


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
