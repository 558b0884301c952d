"""Common admission to VET schools: rounds with their offers, eligibility rules and scoring formulas
(configuration as data), applications with grades and ranked preferences, allocation runs and what they
produce (per-applicant results with explanations, per-offer results, invitations and contracts)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.admission.choices import (
    ApplicantEducation,
    ApplicationStatus,
    GradeScale,
    InvitationStatus,
    PriorQualifications,
    RoundKind,
    RoundStatus,
    RunStatus,
)
from edureg.admission.querysets import (
    ApplicationPartQuerySet,
    ApplicationQuerySet,
    InvitationQuerySet,
    OfferResultQuerySet,
    ResultQuerySet,
    RoundPartQuerySet,
    RoundQuerySet,
    RunQuerySet,
)
from edureg.classifiers.models import classifier_fk
from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin
from edureg.programmes.choices import Funding


def default_entry_levels() -> dict:
    """Highest LTKS level an applicant may enter with each education (none → II, basic → III, secondary → IV)."""
    return {"none": 2, "basic": 3, "secondary": 4}


def default_entry_levels_general() -> dict:
    """The same for programmes combined with general (secondary) education: basic-school leavers may take a level IV
    programme together with the secondary curriculum."""
    return {"none": 2, "basic": 4, "secondary": 4}


def default_funding_rules() -> dict:
    """Which places an applicant may take given the vocational qualifications already held: "programme kind:funding"
    patterns, `*` for any (no qualification → any place; one state-funded → state-funded continuing programmes and
    paid places; two or more → paid places only)."""
    return {
        "none": ["*:*"],
        "one_state": ["continuing_vet:state", "*:paid"],
        "two_or_more": ["*:paid"],
    }


@audited
class Round(BilingualNameMixin, models.Model):
    """An admission round: its rules (eligibility, number of preferences, funding) and its deadlines."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=RoundKind.choices, default=RoundKind.MAIN)
    year = models.PositiveSmallIntegerField(_("school year"), validators=[MinValueValidator(2000),
                                                                          MaxValueValidator(2100)],
                                            help_text=_("The year the school year starts, e.g. 2026 for 2026-2027."))
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT,
                              editable=False)
    previous_round = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="next_rounds", verbose_name=_("previous round"),
                                       help_text=_("The round whose places left this round offers."))
    max_preferences = models.PositiveSmallIntegerField(_("preferences allowed"), default=3,
                                                       validators=[MinValueValidator(1), MaxValueValidator(20)])
    state_funded_only = models.BooleanField(_("state-funded places only"), default=False)
    applications_open = models.DateField(_("applications open"))
    application_deadline = models.DateField(_("application deadline"),
                                            help_text=_("Applications may be changed until the end of this day."))
    results_date = models.DateField(_("results published on"))
    contract_deadline = models.DateField(_("contract deadline"),
                                         help_text=_("Invitations without a signed contract by the end of this day "
                                                     "are annulled."))
    age_on = models.DateField(_("age counted on"), help_text=_("Applicants' ages are counted on this date "
                                                                "(usually 1 September)."))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=14)
    min_age_without_general_education = models.PositiveSmallIntegerField(
        _("minimum age for programmes without general education"), default=16)
    entry_levels = models.JSONField(_("highest LTKS level by entry education"), default=default_entry_levels)
    entry_levels_with_general_education = models.JSONField(
        _("highest LTKS level by entry education, programmes with general education"),
        default=default_entry_levels_general,
        help_text=_("For programmes combined with general (secondary) education."))
    funding_rules = models.JSONField(_("places open by qualifications held"), default=default_funding_rules)
    lottery_seed = models.CharField(_("lottery seed"), max_length=64, blank=True,
                                    help_text=_("Published with the results; the same seed gives the same lottery "
                                                "numbers. Drawn at the first run when left empty."))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission round")
        verbose_name_plural = _("admission rounds")
        ordering = ["-year", "-applications_open", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        from edureg.admission.engine.eligibility import RulesError, parse_rules
        from edureg.admission.facts import rules_error_text

        errors: dict[str, list] = {}
        order = [("applications_open", self.applications_open), ("application_deadline", self.application_deadline),
                 ("results_date", self.results_date), ("contract_deadline", self.contract_deadline)]
        for (_earlier, first), (later, second) in zip(order, order[1:], strict=False):
            if first and second and second < first:
                errors[later] = [_("The deadlines must follow one another: applications open, application deadline, "
                                   "results, contract deadline.")]
                break
        ages = (self.min_age, self.min_age_without_general_education)
        if None not in ages and ages[1] < ages[0]:
            errors["min_age_without_general_education"] = [_("This cannot be lower than the minimum age.")]
        if self.previous_round_id and self.previous_round_id == self.pk:
            errors["previous_round"] = [_("A round cannot follow itself.")]
        if None not in ages:
            try:  # the other rules are checked even when the ages are the wrong way round (reported above)
                parse_rules(min_age=ages[0], min_age_without_general_education=max(ages),
                            entry_levels=self.entry_levels, funding_rules=self.funding_rules,
                            state_funded_only=self.state_funded_only,
                            entry_levels_with_general_education=self.entry_levels_with_general_education)
            except RulesError as error:
                errors.setdefault(error.field, []).append(rules_error_text(error))
        if errors:
            raise ValidationError(errors)


@audited
class ScoringFormula(BilingualNameMixin, models.Model):
    """How the competitive score of a group of offers is computed: weighted subject grades plus additional
    components, then priority criteria for ties. Data, checked when saved (admission.engine.scoring)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="formulas", verbose_name=_("round"))
    code = models.SlugField(_("code"), max_length=40)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    components = models.JSONField(
        _("components"), default=list, blank=True,
        help_text=_('A list such as [{"type": "subject", "code": "LT", "weight": 0.4}, '
                    '{"type": "extra", "code": "work_experience", "weight": 1, "max": 2}].'))
    priorities = models.JSONField(_("priority criteria"), default=list, blank=True,
                                  help_text=_("Codes of the priority criteria that break ties, in order."))
    note = models.TextField(_("note"), blank=True)

    objects = RoundPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring formula")
        verbose_name_plural = _("scoring formulas")
        ordering = ["round", "code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="admission_formula_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        from edureg.admission.engine.scoring import FormulaError, parse_formula
        from edureg.admission.facts import formula_errors, subject_codes

        try:
            parse_formula(self.components, self.priorities, subjects=subject_codes())
        except FormulaError as error:
            raise ValidationError(formula_errors(error)) from error


@audited
class Offer(models.Model):
    """An offering's state-funded or paid places in a round: what applicants list as preferences."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="offers", verbose_name=_("round"))
    code = models.CharField(_("code"), max_length=40, help_text=_("Unique within the round, e.g. 1234-S."))
    offering = models.ForeignKey("programmes.Offering", on_delete=models.PROTECT, related_name="admission_offers",
                                 verbose_name=_("offering"))
    funding = models.CharField(_("funding"), max_length=8, choices=Funding.choices)
    capacity = models.PositiveIntegerField(_("places"))
    formula = models.ForeignKey(ScoringFormula, on_delete=models.PROTECT, related_name="offers",
                                verbose_name=_("scoring formula"))

    objects = RoundPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="admission_offer_code_unique"),
            models.UniqueConstraint(fields=["round", "offering", "funding"], name="admission_offer_unique"),
        ]

    def __str__(self):
        return f"{self.code} ({self.get_funding_display()})"

    def clean(self):
        if self.formula_id and self.round_id and self.formula.round_id != self.round_id:
            raise ValidationError({"formula": _("The formula belongs to another round.")})


@audited(feed=False)
class Application(models.Model):
    """One applicant's application in a round: education, grades and ranked preferences."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round"))
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="admission_applications",
                               verbose_name=_("applicant"))
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT, editable=False)
    education = models.CharField(_("education"), max_length=12, choices=ApplicantEducation.choices,
                                 default=ApplicantEducation.BASIC)
    prior_qualifications = models.CharField(_("vocational qualifications held"), max_length=12,
                                            choices=PriorQualifications.choices, default=PriorQualifications.NONE)
    grade_scale = models.PositiveSmallIntegerField(_("grade scale"), choices=GradeScale.choices,
                                                   default=GradeScale.TEN)
    extras = models.JSONField(_("additional components"), default=dict, blank=True,
                              help_text=_("Values of the formulas' additional components, by code."))
    priorities = models.JSONField(_("priority criteria met"), default=list, blank=True)
    entered_by_officer = models.BooleanField(_("entered by an officer"), default=False, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="admission_application_unique")]

    def __str__(self):
        return f"{self.number} ({self.round.code})"

    @property
    def number(self) -> str:
        return f"P-{self.pk:07d}" if self.pk else "P-new"


@audited(feed=False)
class Grade(models.Model):
    """A subject grade from the applicant's school-leaving document, on the application's scale."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="grades",
                                    verbose_name=_("application"))
    subject = classifier_fk("subject", _("subject"))
    value = models.DecimalField(_("grade"), max_digits=4, decimal_places=2,
                                validators=[MinValueValidator(1), MaxValueValidator(10)])

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["application", "subject__code"]
        constraints = [models.UniqueConstraint(fields=["application", "subject"], name="admission_grade_unique")]

    def __str__(self):
        return f"{self.subject.code}: {self.value}"

    def clean(self):
        if self.application_id and self.value is not None and self.value > self.application.grade_scale:
            raise ValidationError({"value": _("The grade is above the scale (%(scale)s).")
                                   % {"scale": self.application.grade_scale}})


@audited(feed=False)
class Preference(models.Model):
    """An offer the applicant wants, with its rank (1 = most wanted)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="preferences",
                                    verbose_name=_("application"))
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="preferences", verbose_name=_("offer"))

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="admission_preference_rank_unique"),
            models.UniqueConstraint(fields=["application", "offer"], name="admission_preference_offer_unique"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.offer}"


@audited
class AllocationRun(models.Model):
    """One run of a round's allocation: what went in (hash, configuration, engine version), how long each step took,
    and what came out. The results of the current run are the round's results."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="runs", verbose_name=_("round"))
    number = models.PositiveIntegerField(_("run"), editable=False)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED,
                              editable=False)
    is_current = models.BooleanField(_("current result"), default=False, editable=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("started by"))
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    progress_message = models.CharField(_("step"), max_length=200, blank=True, editable=False)
    input_hash = models.CharField(_("input hash (SHA-256)"), max_length=64, blank=True, editable=False)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True, editable=False)
    configuration = models.JSONField(_("configuration"), default=dict, blank=True, editable=False)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True, editable=False)
    summary = models.JSONField(_("result summary"), default=dict, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="admission_run_number_unique"),
            models.UniqueConstraint(fields=["round"], condition=Q(is_current=True), name="admission_run_one_current"),
        ]

    def __str__(self):
        return f"{self.round.code} #{self.number}"


@audited(feed=False)
class ApplicationResult(models.Model):
    """An application's outcome in a run, with the explanation shown to the applicant: for each preference, whether
    it was eligible (and why not), the score, and the outcome (invited, below the cut-off with the cut-off, or not
    needed because a higher preference was won)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="results",
                                    verbose_name=_("application"))
    public_id = models.CharField(_("anonymised id"), max_length=20,
                                 help_text=_("The applicant's id in the published anonymised input."))
    lottery = models.FloatField(_("lottery number"))
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("invited to"))
    rank = models.PositiveSmallIntegerField(_("preference invited to"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("application result")
        verbose_name_plural = _("application results")
        ordering = ["run", "public_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="admission_result_unique"),
            models.UniqueConstraint(fields=["run", "public_id"], name="admission_result_public_id_unique"),
        ]

    def __str__(self):
        return f"{self.public_id} → {self.offer or '—'}"


@audited
class OfferResult(models.Model):
    """What a run gave one offer; public once the round's results are published."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="offer_results",
                            verbose_name=_("run"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="results", verbose_name=_("offer"))
    applicants = models.PositiveIntegerField(_("applicants"))
    first_preference = models.PositiveIntegerField(_("first-preference applicants"))
    eligible = models.PositiveIntegerField(_("eligible applicants"))
    places = models.PositiveIntegerField(_("places"))
    invited = models.PositiveIntegerField(_("invited"))
    lowest_score = models.JSONField(_("lowest invited score"), null=True, blank=True)
    cutoff_score = models.JSONField(_("cut-off score"), null=True, blank=True,
                                    help_text=_("The last invited applicant's score; empty when places were left."))
    cutoff_lottery = models.FloatField(_("cut-off lottery number"), null=True, blank=True)

    objects = OfferResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer result")
        verbose_name_plural = _("offer results")
        ordering = ["run", "offer__code"]
        constraints = [models.UniqueConstraint(fields=["run", "offer"], name="admission_offer_result_unique")]

    def __str__(self):
        return f"{self.offer.code}: {self.invited}/{self.places}"


@audited(feed=False)
class Invitation(models.Model):
    """An invitation to study, from a run's result; the school records the signed contract, and an invitation without
    one by the round's contract deadline is annulled (its place goes to the next round)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="invitations",
                            verbose_name=_("run"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="invitations",
                                    verbose_name=_("application"))
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("offer"))
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.INVITED, editable=False)
    status_date = models.DateField(_("status since"), default=datetime.date.today, editable=False)
    contract_number = models.CharField(_("contract number"), max_length=40, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["run", "offer__code", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "application"], name="admission_invitation_unique")]

    def __str__(self):
        return f"{self.application.number} → {self.offer.code}"
