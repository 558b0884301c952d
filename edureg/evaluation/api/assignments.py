"""The experts' side in the API: assignments (conflict declarations, scores, submission) and scores."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from edureg.core.api.registry import register
from edureg.core.api.viewsets import ReadOnlyRegisterViewSet
from edureg.evaluation.api.common import MAX_SCORES, EvaluationContextMixin, NoDeleteMixin
from edureg.evaluation.filters import (
    AssignmentFilter,
    ScoreFilter,
)
from edureg.evaluation.models import (
    Assignment,
    Score,
)
from edureg.evaluation.serializers import (
    SCORE_SHEET_SCHEMA,
    AssignmentSerializer,
    NoteSerializer,
    RequiredReasonSerializer,
    ScoreSerializer,
)
from edureg.evaluation.services import experts, scoring


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
