"""Data collections in the API: /api/v1/collections/ (forms by code, with sections, fields and rules nested),
/collection-sections/, /collection-fields/, /collection-rules/, /collection-periods/ (with open and close),
/collection-submissions/ (reports with their answers; save-values, submit, return, approve, validate) and
/collection-values/ (answers, read-only).

Forms and periods are public; a report is seen by its institution, its municipality and the agency. Every write
goes through edureg.datacollections.services, which decide who may fill in a report (the reporting institution's
officers) and who approves or returns it (the agency)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import ReadOnlyRegisterViewSet, RegisterViewSet
from edureg.datacollections import services
from edureg.datacollections.filters import (
    FieldFilter,
    PeriodFilter,
    RuleFilter,
    SectionFilter,
    SubmissionFilter,
    ValueFilter,
)
from edureg.datacollections.models import Collection, Field, Period, Rule, Section, Submission, Value
from edureg.datacollections.serializers import (
    CollectionListSerializer,
    CollectionSerializer,
    FieldSerializer,
    PeriodSerializer,
    ReturnSerializer,
    RuleSerializer,
    SavedValuesSerializer,
    SaveValuesSerializer,
    SectionSerializer,
    SubmissionSerializer,
    SubmitSerializer,
    ValidationReportSerializer,
    ValueSerializer,
)

CODE = r"[-a-zA-Z0-9_]{1,40}"


# --- the forms ------------------------------------------------------------------------------------------------

@register("collections")
class CollectionViewSet(RegisterViewSet):
    """Statistical forms by code: sections with their fields (type, unit, help, required, lowest value) and the
    validation rules (left side, operator, right side; errors block submission, warnings need a comment). The list
    leaves out the sections and rules."""

    model = Collection
    serializer_class = CollectionSerializer
    list_serializer_class = CollectionListSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    prefetch_related = ("respondent_types",
                        Prefetch("sections", queryset=Section.objects.order_by("order", "code").prefetch_related(
                            Prefetch("fields", queryset=Field.objects.order_by("order", "code")))),
                        Prefetch("rules", queryset=Rule.objects.order_by("order", "code")))
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code"]
    create_service = services.create_collection
    update_service = services.update_collection
    delete_service = services.delete_collection

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.prefetch_related(None).prefetch_related("respondent_types")
        return queryset


@register("collection-sections")
class SectionViewSet(RegisterViewSet):
    """Sections of the forms (their code unique within the collection)."""

    model = Section
    serializer_class = SectionSerializer
    select_related = ("collection",)
    filterset_class = SectionFilter
    ordering_fields = ["id", "order", "code"]
    create_service = services.create_section
    update_service = services.update_section
    delete_service = services.delete_section


@register("collection-fields")
class FieldViewSet(RegisterViewSet):
    """Fields (questions) of the forms: their code names them in rules, templates and indicator measures. A field
    with answers keeps its code and type."""

    model = Field
    serializer_class = FieldSerializer
    select_related = ("collection", "section")
    filterset_class = FieldFilter
    ordering_fields = ["id", "order", "code"]
    create_service = services.create_field
    update_service = services.update_field
    delete_service = services.delete_field


@register("collection-rules")
class RuleViewSet(RegisterViewSet):
    """Validation rules: formulas over field codes (+ - * /, abs, min, max, prev(code) = last year's approved value),
    checked when saved."""

    model = Rule
    serializer_class = RuleSerializer
    select_related = ("collection",)
    filterset_class = RuleFilter
    ordering_fields = ["id", "order", "code"]
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule


# --- periods ----------------------------------------------------------------------------------------------------

@register("collection-periods")
class PeriodViewSet(RegisterViewSet):
    """Periods (a collection's reporting year, when it opens and is due). A period is made being prepared; POST
    open/ opens it (every operating institution of the respondent types gets a report, not started), POST close/
    ends it."""

    model = Period
    serializer_class = PeriodSerializer
    select_related = ("collection",)
    filterset_class = PeriodFilter
    ordering_fields = ["id", "year", "due_on"]
    create_service = services.create_period
    update_service = services.update_period
    delete_service = services.delete_period

    def _answer(self, period):
        return Response(PeriodSerializer(Period.objects.select_related("collection").get(pk=period.pk),
                                         context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def open(self, request, pk=None):
        """Being prepared → open: reports are made for the respondents."""
        period = self.get_object()
        return self._answer(services.open_period(period.collection, year=period.year, opens_on=period.opens_on,
                                                 due_on=period.due_on, actor=request.user))

    @extend_schema(request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def close(self, request, pk=None):
        """Open → closed: respondents can no longer change or submit; submitted reports can still be approved."""
        return self._answer(services.close_period(self.get_object(), actor=request.user))


# --- reports ----------------------------------------------------------------------------------------------------

class NoDeleteMixin:
    def destroy(self, request, *args, **kwargs):
        self.get_object()  # 404 outside the user's scope, 403 for a row they see
        raise PermissionDenied(self.no_delete_message)


@register("collection-submissions")
class SubmissionViewSet(NoDeleteMixin, ReadOnlyRegisterViewSet):
    """Reports: the respondent's answers ({field code: answer}) and status (not started, draft, submitted, returned,
    approved). The respondent saves answers (POST save-values/: all or nothing; text in a number field is refused
    naming the field) and submits (POST submit/: no errors left, a comment on each warning); the agency returns
    (POST return/ with a comment) or approves (POST approve/). GET validate/ checks the stored answers."""

    model = Submission
    serializer_class = SubmissionSerializer
    select_related = ("period", "period__collection", "institution")
    prefetch_related = (Prefetch("values", queryset=Value.objects.select_related("field").order_by(
        "field__section__order", "field__order")),)
    filterset_class = SubmissionFilter
    search_fields = ["institution__name", "institution__code"]
    ordering_fields = ["id", "updated_at", "submitted_at"]
    no_delete_message = _("Reports are kept; they are made when a period opens.")

    def _submission(self, submission):
        return SubmissionSerializer(self.get_queryset().get(pk=submission.pk),
                                    context=self.get_serializer_context()).data

    @extend_schema(request=SaveValuesSerializer, responses=SavedValuesSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="save-values")
    def save_values(self, request, pk=None):
        """Save answers as a draft and return the report's validation (errors, warnings, skipped rules)."""
        submission = self.get_object()
        payload = SaveValuesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.save_values(submission, payload.validated_data["values"], actor=request.user,
                                      comments=payload.validated_data.get("comments"))
        submission.refresh_from_db()
        return Response({"submission": self._submission(submission),
                         "report": report.as_dict(submission.warning_comments)})

    @extend_schema(request=None, responses=ValidationReportSerializer)
    @action(detail=True, methods=["get"], scope_action="view")
    def validate(self, request, pk=None):
        """The stored answers checked: field checks and the form's rules."""
        submission = self.get_object()
        return Response(services.validate(submission).as_dict(submission.warning_comments))

    @extend_schema(request=SubmitSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def submit(self, request, pk=None):
        """Submit for the agency's review: refused while errors remain or a warning has no comment."""
        submission = self.get_object()
        payload = SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.submit(submission, actor=request.user, comments=payload.validated_data.get("comments"))
        return Response(self._submission(submission))

    @extend_schema(request=ReturnSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="return")
    def return_(self, request, pk=None):
        """The agency sends a submitted report back with a comment."""
        submission = self.get_object()
        payload = ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.return_submission(submission, actor=request.user, comment=payload.validated_data["comment"])
        return Response(self._submission(submission))

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def approve(self, request, pk=None):
        """The agency accepts a submitted report: its answers feed the indicators."""
        submission = self.get_object()
        services.approve(submission, actor=request.user)
        return Response(self._submission(submission))


@register("collection-values")
class ValueViewSet(NoDeleteMixin, ReadOnlyRegisterViewSet):
    """Answers, one per report and field: read-only here (written through the report's save-values/). Filter by
    collection, year, field code and report status (e.g. approved)."""

    model = Value
    serializer_class = ValueSerializer
    select_related = ("field",)
    filterset_class = ValueFilter
    ordering_fields = ["id"]
    no_delete_message = _("Answers are written through their report: POST /api/v1/collection-submissions/{id}/"
                          "save-values/ (an empty answer clears one).")
