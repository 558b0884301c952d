"""The qualifications system: sectoral professional committees, professional standards with their
competences, and qualifications (LTKS level, field, competences)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin, pick
from edureg.qualifications.choices import (
    LTKS_TO_EQF,
    DecisionOutcome,
    MemberRole,
    QualificationType,
    StandardStatus,
)
from edureg.qualifications.querysets import (
    CommitteeMemberQuerySet,
    CommitteeQuerySet,
    CompetenceQuerySet,
    DecisionQuerySet,
    MeetingQuerySet,
    QualificationQuerySet,
    StandardQuerySet,
)

code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9._-]{1,39}$",
                                _("Use capital letters, digits, dots, dashes or underscores."))
ltks_validators = [MinValueValidator(1, _("The LTKS level is 1 to 8.")),
                   MaxValueValidator(8, _("The LTKS level is 1 to 8."))]


def ltks_level_field(null=False):
    return models.PositiveSmallIntegerField(_("LTKS level"), validators=ltks_validators, null=null, blank=null,
                                            help_text=_("Lithuanian Qualifications Framework level, 1 to 8."))


@audited
class SectoralCommittee(BilingualNameMixin, models.Model):
    """A sectoral professional committee (sektorinis profesinis komitetas) that reviews standards and
    programmes of its economic sector."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    sector = classifier_fk("economic_sector", _("economic sector"))
    established_on = models.DateField(_("established on"), default=datetime.date.today)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("sectoral professional committee")
        verbose_name_plural = _("sectoral professional committees")
        ordering = ["name_lt"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = check_classifier(self.sector if self.sector_id else None, "economic_sector", "sector",
                                  on=self.established_on)
        if self.dissolved_on and self.established_on and self.dissolved_on < self.established_on:
            errors["dissolved_on"] = _("A committee cannot be dissolved before it is established.")
        if errors:
            raise ValidationError(errors)


@audited
class CommitteeMember(models.Model):
    committee = models.ForeignKey(SectoralCommittee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("committee"))
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="committee_memberships",
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    represents = models.CharField(_("represents"), max_length=255, blank=True,
                                  help_text=_("The organisation that delegated the member."))
    start_date = models.DateField(_("member since"))
    end_date = models.DateField(_("member until"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "role", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="committee_member_end_after_start"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


@audited
class CommitteeMeeting(models.Model):
    committee = models.ForeignKey(SectoralCommittee, on_delete=models.PROTECT, related_name="meetings",
                                  verbose_name=_("committee"))
    number = models.CharField(_("minutes number"), max_length=40)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-date", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="committee_meeting_number_uniq")]

    def __str__(self):
        return f"{self.committee} {self.date:%Y-%m-%d} Nr. {self.number}"

    def clean(self):
        if not self.committee_id or not self.date:
            return
        committee = self.committee
        if self.date < committee.established_on:
            raise ValidationError({"date": _("The committee was established only on %(date)s.")
                                   % {"date": committee.established_on.isoformat()}})
        if committee.dissolved_on and self.date > committee.dissolved_on:
            raise ValidationError({"date": _("The committee was dissolved on %(date)s.")
                                   % {"date": committee.dissolved_on.isoformat()}})


@audited
class ProfessionalStandard(BilingualNameMixin, models.Model):
    """A professional standard (profesinis standartas) of a sector: the qualifications and competences
    it defines. Each version is a row; its status follows the committee's decisions."""

    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    sector = classifier_fk("economic_sector", _("economic sector"))
    committee = models.ForeignKey(SectoralCommittee, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="standards", verbose_name=_("committee"))
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=StandardStatus.choices,
                              default=StandardStatus.DRAFT)
    status_since = models.DateField(_("status since"), default=datetime.date.today)
    # Why the standard was returned, rejected or withdrawn (the committee's reasons or the agency's).
    status_reason = models.TextField(_("reasons of the status"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("professional standard")
        verbose_name_plural = _("professional standards")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version_uniq"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="standard_valid_range"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version} {self.name}"

    def clean(self):
        errors = check_classifier(self.sector if self.sector_id else None, "economic_sector", "sector")
        if self.committee_id and self.sector_id and self.committee.sector_id != self.sector_id:
            errors["committee"] = _("The committee of another economic sector cannot review this standard.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)


@audited
class Competence(BilingualNameMixin, models.Model):
    """A competence defined by a professional standard (or by a qualification without one)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    standard = models.ForeignKey(ProfessionalStandard, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="competences", verbose_name=_("professional standard"))
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    ltks_level = ltks_level_field(null=True)

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(ltks_level__isnull=True) | Q(ltks_level__gte=1, ltks_level__lte=8),
                                   name="competence_ltks_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def description(self) -> str:
        return pick(self.description_lt, self.description_en)


@audited
class Qualification(BilingualNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    ltks_level = ltks_level_field()
    isced_f = classifier_fk("isced_f", _("field of education (ISCED-F)"))
    type = models.CharField(_("type"), max_length=16, choices=QualificationType.choices,
                            default=QualificationType.FULL)
    standard = models.ForeignKey(ProfessionalStandard, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="qualifications", verbose_name=_("professional standard"))
    competences = models.ManyToManyField(Competence, blank=True, related_name="qualifications",
                                         verbose_name=_("competences"))
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    entry_requirements_lt = models.TextField(_("entry requirements (Lithuanian)"), blank=True)
    entry_requirements_en = models.TextField(_("entry requirements (English)"), blank=True)
    valid_from = models.DateField(_("valid from"), default=datetime.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Folded (lower-case, no diacritics) names and codes for the catalogue search; see core.search.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QualificationQuerySet.as_manager()
    defer_in_joins = ("search_text", "description_lt", "description_en", "entry_requirements_lt",
                      "entry_requirements_en")

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["name_lt"]
        constraints = [
            models.CheckConstraint(condition=Q(ltks_level__gte=1, ltks_level__lte=8), name="qualification_ltks_range"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="qualification_valid_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def eqf_level(self) -> int | None:
        return LTKS_TO_EQF.get(self.ltks_level)

    def clean(self):
        errors = check_classifier(self.isced_f if self.isced_f_id else None, "isced_f", "isced_f",
                                  on=self.valid_from)
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)


@audited
class CommitteeDecision(models.Model):
    """A committee's decision on a professional standard or on a programme version."""

    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("meeting"))
    standard = models.ForeignKey(ProfessionalStandard, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="decisions", verbose_name=_("professional standard"))
    programme_version = models.ForeignKey("programmes.ProgrammeVersion", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="committee_decisions",
                                          verbose_name=_("programme version"))
    outcome = models.CharField(_("decision"), max_length=16, choices=DecisionOutcome.choices)
    reasons = models.TextField(_("reasons"), blank=True,
                               help_text=_("Required when the decision returns or rejects."))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        ordering = ["-meeting__date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(standard__isnull=False, programme_version__isnull=True)
                           | Q(standard__isnull=True, programme_version__isnull=False)),
                name="committee_decision_one_subject"),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.get_outcome_display()}"

    def clean(self):
        errors = {}
        if bool(self.standard_id) == bool(self.programme_version_id):
            errors["standard"] = _("A decision is on either a professional standard or a programme version.")
        if self.outcome in (DecisionOutcome.RETURN, DecisionOutcome.REJECT) and not self.reasons.strip():
            errors["reasons"] = _("Give the reasons for returning or rejecting.")
        if errors:
            raise ValidationError(errors)
