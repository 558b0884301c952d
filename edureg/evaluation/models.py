"""Evaluation, accreditation and funding competitions.

A procedure (criteria with weights, the scale, how many experts, how scores are aggregated and the decision rule)
is data. An application asks for an evaluation under a procedure: of a submitted programme version (accreditation
or evaluation before registration), of an institution's readiness, or of a programme in a funding call. Experts
are assigned to it (never one with a conflict of interest), score each criterion with a justification, and the
coordinator decides; a decision has a validity period and may be appealed. A call ranks its scored applications
and selects them within its budget (engine/ranking.py).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin, pick
from edureg.evaluation.choices import (
    Aggregation,
    AppealStatus,
    ApplicationStatus,
    AssignmentStatus,
    CallStatus,
    EventAction,
    LastFitRule,
    Outcome,
    Purpose,
    Selection,
    TieRelation,
)
from edureg.evaluation.querysets import (
    ApplicationChildQuerySet,
    ApplicationQuerySet,
    AssignmentQuerySet,
    CallQuerySet,
    DecisionQuerySet,
    DefinitionQuerySet,
    ExpertQuerySet,
    ExpertTieQuerySet,
    ScoreQuerySet,
)

POINTS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def points_field(verbose_name, **kwargs):
    """A weighted total in points, 0-100 (see engine/aggregation.py)."""
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=2, validators=POINTS, **kwargs)


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, validators=NON_NEGATIVE, **kwargs)


@audited
class Procedure(BilingualNameMixin, models.Model):
    """How applications of one purpose are evaluated and decided."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    kinds = models.ManyToManyField("programmes.ProgrammeKind", blank=True, related_name="+",
                                   verbose_name=_("programme kinds"),
                                   help_text=_("Submitted versions of these kinds are evaluated under this procedure."))
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)])
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=4)
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    disagreement_points = points_field(
        _("disagreement limit (points)"), null=True, blank=True,
        help_text=_("When two experts' totals differ by more than this, another expert is assigned. Empty: no rule."))
    threshold = points_field(_("pass threshold (points)"), default=Decimal("60"),
                             help_text=_("Accredited (or eligible for funding) from this weighted total, out of 100, "
                                         "when every mandatory criterion is met."))
    conditions_threshold = points_field(
        _("threshold with conditions (points)"), null=True, blank=True,
        help_text=_("Registered with conditions from this total up to the pass threshold. Empty: no such outcome."))
    eligibility_days = models.PositiveSmallIntegerField(_("days for the eligibility check"), default=10)
    evaluation_days = models.PositiveSmallIntegerField(_("days for the experts"), default=20)
    decision_days = models.PositiveSmallIntegerField(_("days for the decision"), default=10)
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal"), default=30)
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), null=True, blank=True, validators=[MaxValueValidator(20)],
        help_text=_("How long an accreditation is valid. Empty: no end date."))
    expiry_warning_days = models.PositiveSmallIntegerField(_("warn this many days before expiry"), default=90)
    conflict_years = models.PositiveSmallIntegerField(
        _("conflict period (years)"), default=3, validators=[MaxValueValidator(20)],
        help_text=_("An expert who worked at the provider within this many years may not evaluate it."))
    active = models.BooleanField(_("active"), default=True)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation procedure")
        verbose_name_plural = _("evaluation procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="procedure_scale_order"),
            models.CheckConstraint(condition=Q(conditions_threshold__isnull=True)
                                   | Q(conditions_threshold__lt=F("threshold")),
                                   name="procedure_conditions_below_threshold"),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return pick(self.description_lt, self.description_en)

    def clean(self):
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The highest score must be above the lowest.")})
        if (self.conditions_threshold is not None and self.threshold is not None
                and self.conditions_threshold >= self.threshold):
            raise ValidationError({"conditions_threshold": _("Must be below the pass threshold.")})


@audited
class Criterion(BilingualNameMixin, models.Model):
    """One criterion of a procedure, scored on the procedure's scale. A mandatory criterion must reach its pass mark
    (aggregated over the experts) whatever the total; a weight of 0 makes it pass/fail only."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="criteria",
                                  verbose_name=_("procedure"))
    code = models.SlugField(_("code"), max_length=40)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_lt = models.TextField(_("what the expert looks for (Lithuanian)"), blank=True)
    description_en = models.TextField(_("what the expert looks for (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=NON_NEGATIVE)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, null=True, blank=True,
                                    help_text=_("For a mandatory criterion: the lowest aggregated score that passes."))
    justification_required = models.BooleanField(_("justification required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["procedure", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="criterion_code_uniq")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def description(self) -> str:
        return pick(self.description_lt, self.description_en)

    def clean(self):
        if self.mandatory and self.pass_mark is None:
            raise ValidationError({"pass_mark": _("A mandatory criterion needs a pass mark.")})
        procedure = getattr(self, "procedure", None) if self.procedure_id else None
        if procedure is not None and self.pass_mark is not None and not (
                procedure.scale_min <= self.pass_mark <= procedure.scale_max):
            raise ValidationError({"pass_mark": _("The pass mark must be on the scale %(low)s-%(high)s.") % {
                "low": procedure.scale_min, "high": procedure.scale_max}})


@audited
class Expert(models.Model):
    """A person in the experts register: what they evaluate and how much they can take."""

    person = models.OneToOneField("persons.Person", on_delete=models.PROTECT, related_name="expert",
                                  verbose_name=_("person"))
    expertise = models.ManyToManyField("classifiers.ClassifierItem", blank=True, related_name="+",
                                    limit_choices_to={"code_list__code": "isced_f"},
                                    verbose_name=_("fields of expertise (ISCED-F)"))
    kinds = models.ManyToManyField("programmes.ProgrammeKind", blank=True, related_name="+",
                                   verbose_name=_("programme kinds evaluated"))
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="experts",
                                        verbose_name=_("procedures"),
                                        help_text=_("Empty: any procedure of the kinds and fields above."))
    email = models.EmailField(_("e-mail"), blank=True)
    max_load = models.PositiveSmallIntegerField(_("most open assignments"), default=5,
                                                validators=[MinValueValidator(1), MaxValueValidator(100)])
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(available_until__isnull=True) | Q(available_from__isnull=True)
            | Q(available_until__gte=F("available_from")), name="expert_availability_order")]

    def __str__(self):
        return f"{self.person.first_name} {self.person.last_name}"


@audited
class ExpertTie(models.Model):
    """A tie between an expert and an institution (besides employment, which the staff register holds)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="ties", verbose_name=_("expert"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("institution"))
    relation = models.CharField(_("relation"), max_length=12, choices=TieRelation.choices)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ExpertTieQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert's tie")
        verbose_name_plural = _("experts' ties")
        ordering = ["expert", "institution"]
        constraints = [models.CheckConstraint(
            condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            name="expert_tie_dates_order")]

    def __str__(self):
        return f"{self.expert} – {self.institution}"


@audited
class Call(BilingualNameMixin, models.Model):
    """A call for proposals with a budget: applications are scored under the procedure, ranked, and selected."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="calls",
                                  limit_choices_to={"purpose": Purpose.COMPETITION}, verbose_name=_("procedure"))
    kinds = models.ManyToManyField("programmes.ProgrammeKind", related_name="+",
                                   verbose_name=_("eligible programme kinds"))
    budget = money_field(_("budget (EUR)"))
    max_per_application = money_field(_("most per application (EUR)"))
    min_score = points_field(_("minimum score (points)"), default=Decimal("50"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    tie_rules = models.JSONField(_("tie rules"), default=list, blank=True,
                                 help_text=_('In order, e.g. ["criterion:relevance", "lower_amount", '
                                             '"earlier_submission"]. Earlier submission always breaks a last tie.'))
    last_fit_rule = models.CharField(_("when the next application does not fit"), max_length=8,
                                     choices=LastFitRule.choices, default=LastFitRule.PARTIAL)
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT,
                              editable=False)
    ranked_at = models.DateTimeField(_("ranked"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        ordering = ["-opens_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="call_dates_order"),
            models.CheckConstraint(condition=Q(max_per_application__lte=F("budget")), name="call_max_within_budget"),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return pick(self.description_lt, self.description_en)

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The call cannot close before it opens.")})
        if (self.budget is not None and self.max_per_application is not None
                and self.max_per_application > self.budget):
            raise ValidationError({"max_per_application": _("Cannot exceed the budget.")})


@audited
class Application(models.Model):
    """A request for evaluation: a programme version (accreditation, registration, a call) or an institution's
    readiness. The institution is the provider or applicant whose officers follow it."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("procedure"))
    call = models.ForeignKey(Call, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
                             verbose_name=_("call"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT,
                                    related_name="evaluation_applications", verbose_name=_("institution"))
    programme_version = models.ForeignKey("programmes.ProgrammeVersion", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="evaluation_applications",
                                          verbose_name=_("programme version"))
    title = models.CharField(_("title"), max_length=255,
                             help_text=_("What is evaluated (the programme's name, or the readiness asked for)."))
    isced_f = models.ForeignKey("classifiers.ClassifierItem", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", limit_choices_to={"code_list__code": "isced_f"},
                                verbose_name=_("field of education (ISCED-F)"))
    requested_amount = money_field(_("requested amount (EUR)"), null=True, blank=True)
    provider_note = models.TextField(_("provider's note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, editable=False)
    status_since = models.DateTimeField(_("status since"), auto_now_add=True, editable=False)
    due_on = models.DateField(_("current stage due on"), null=True, blank=True, editable=False)
    round = models.PositiveSmallIntegerField(_("evaluation round"), default=1, editable=False,
                                             help_text=_("1, then one more for each re-evaluation after an appeal."))
    correction_request = models.TextField(_("corrections requested"), blank=True, editable=False)
    extra_expert_needed = models.BooleanField(_("another expert needed"), default=False, editable=False)
    total = points_field(_("weighted total (points)"), null=True, blank=True, editable=False)
    mandatory_passed = models.BooleanField(_("mandatory criteria met"), null=True, blank=True, editable=False)
    proposed_outcome = models.CharField(_("outcome by the decision rule"), max_length=16, choices=Outcome.choices,
                                        blank=True, editable=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, editable=False)
    selection = models.CharField(_("selection"), max_length=16, choices=Selection.choices, blank=True,
                                 editable=False)
    granted_amount = money_field(_("granted amount (EUR)"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name=_("submitted by"))

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation application")
        verbose_name_plural = _("evaluation applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="evaluation_app_status_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["programme_version"], condition=Q(call__isnull=True),
                                    name="evaluation_app_version_uniq"),
            models.UniqueConstraint(fields=["call", "programme_version"], name="evaluation_app_call_version_uniq"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


@audited
class Assignment(models.Model):
    """An expert assigned to one round of an application's evaluation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments",
                                    verbose_name=_("application"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments",
                               verbose_name=_("expert"))
    round = models.PositiveSmallIntegerField(_("evaluation round"), default=1, editable=False)
    extra = models.BooleanField(_("additional expert"), default=False, editable=False,
                                help_text=_("Assigned because the first experts disagreed."))
    status = models.CharField(_("status"), max_length=10, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED, editable=False)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True, editable=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False, verbose_name=_("assigned by"))
    no_conflict_at = models.DateTimeField(_("no conflict declared"), null=True, blank=True, editable=False)
    conflict_note = models.TextField(_("conflict of interest"), blank=True, editable=False)
    comment = models.TextField(_("overall comment"), blank=True)
    total = points_field(_("expert's total (points)"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["application", "round", "assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "expert", "round"],
                                               name="assignment_expert_round_uniq")]

    def __str__(self):
        return f"{self.application.number}: {self.expert}"


@audited
class Score(models.Model):
    """An expert's score on one criterion, with the justification."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("assignment"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criterion"))
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    justification = models.TextField(_("justification"), blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__order", "criterion__code"]
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_criterion_uniq")]

    def __str__(self):
        return f"{self.criterion.code}: {self.value}"


@audited
class Decision(models.Model):
    """The decision on an application (one per round; a re-evaluation's decision replaces the earlier one)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions",
                                    verbose_name=_("application"))
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    round = models.PositiveSmallIntegerField(_("evaluation round"), default=1, editable=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, editable=False)
    total = points_field(_("weighted total (points)"), null=True, blank=True, editable=False)
    mandatory_passed = models.BooleanField(_("mandatory criteria met"), null=True, blank=True, editable=False)
    summary = models.JSONField(_("scores summary"), default=dict, blank=True, editable=False,
                               help_text=_("Criteria with their aggregated scores, as decided (for the document)."))
    conditions = models.TextField(_("conditions"), blank=True, editable=False)
    reason = models.TextField(_("reasons"), blank=True, editable=False)
    granted_amount = money_field(_("granted amount (EUR)"), null=True, blank=True, editable=False)
    valid_from = models.DateField(_("valid from"), editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("decided by"))
    current = models.BooleanField(_("in force"), default=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    expiry_warned_on = models.DateField(_("expiry warning sent"), null=True, blank=True, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["application"], condition=Q(current=True),
                                               name="decision_one_current")]

    def __str__(self):
        return f"{self.number} {self.get_outcome_display()}"


@audited
class Appeal(models.Model):
    """A provider's appeal against a decision; upheld, it sends the application to another round."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals",
                                    verbose_name=_("application"))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals",
                                 verbose_name=_("decision appealed"))
    grounds = models.TextField(_("grounds"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.FILED,
                              editable=False)
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True, editable=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", editable=False, verbose_name=_("filed by"))
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False, verbose_name=_("resolved by"))

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.application.number}: {self.get_status_display()}"


class Event(models.Model):
    """The application's history: one row per transition, with who did it (the change log keeps the field
    changes)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("application"))
    action = models.CharField(_("action"), max_length=24, choices=EventAction.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=ApplicationStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "id"]

    def __str__(self):
        return f"{self.application.number}: {self.get_action_display()}"
