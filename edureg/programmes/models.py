"""The programmes register: one model for every kind of programme (formal VET, CPD, non-formal, library
staff competence), its versions and modules, the rules each kind must meet (as data), and offerings."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin, pick
from edureg.programmes.choices import (
    EntryEducation,
    Funding,
    LearningForm,
    LengthUnit,
    ModuleType,
    ProgrammeAction,
    RuleMetric,
    RuleSeverity,
    VersionStatus,
)
from edureg.programmes.querysets import (
    ModuleQuerySet,
    OfferingQuerySet,
    ProgrammeEventQuerySet,
    ProgrammeQuerySet,
    ProgrammeVersionQuerySet,
    ReferenceQuerySet,
)
from edureg.qualifications.models import ltks_level_field

state_code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9-]{3,19}$",
                                      _("A state code is 4 to 20 capital letters, digits or dashes."))
positive = [MinValueValidator(Decimal("0"))]


@deconstructible
class ChoiceListValidator:
    """Validate a JSON list of codes from a TextChoices class (forms, target groups)."""

    def __init__(self, choices_path: str):
        self.choices_path = choices_path  # dotted path, so migrations can serialise the validator

    def __call__(self, value):
        allowed = set(import_string(self.choices_path).values)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Give a list of codes."))
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValidationError(_("Unknown codes: %(codes)s. Allowed: %(allowed)s.")
                                  % {"codes": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))})

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices_path == self.choices_path


FORMS = ChoiceListValidator("edureg.programmes.choices.LearningForm")
TARGET_GROUPS = ChoiceListValidator("edureg.programmes.choices.TargetGroup")


@audited
class ProgrammeKind(BilingualNameMixin, models.Model):
    """A kind of programme and what it requires, as data (see data/kinds.json)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    formal = models.BooleanField(_("formal education"), default=False)
    modular = models.BooleanField(_("modular"), default=False,
                                  help_text=_("Programmes of this kind are made of modules."))
    unit = models.CharField(_("length unit"), max_length=8, choices=LengthUnit.choices, default=LengthUnit.HOURS)
    requires_qualification = models.BooleanField(_("awards a qualification"), default=False)
    requires_ltks_level = models.BooleanField(_("has an LTKS level"), default=False)
    code_prefix = models.CharField(_("state code prefix"), max_length=4,
                                   help_text=_("First letters of the state codes given on registration."))
    forms = models.JSONField(_("allowed forms"), default=list, blank=True,
                             validators=[FORMS])
    target_groups = models.JSONField(_("allowed target groups"), default=list, blank=True,
                                     validators=[TARGET_GROUPS])
    subtypes = models.JSONField(_("subtypes"), default=list, blank=True,
                                help_text=_('Subtype codes with names, e.g. [{"code": "national", '
                                            '"name_lt": "...", "name_en": "..."}]; rules may apply to one.'))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme kind")
        verbose_name_plural = _("programme kinds")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def subtype_codes(self) -> set[str]:
        return {s.get("code") for s in self.subtypes if isinstance(s, dict)}


@audited
class ProgrammeRule(models.Model):
    """One rule a programme of a kind (and optionally subtype) must meet on submission."""

    kind = models.ForeignKey(ProgrammeKind, on_delete=models.CASCADE, related_name="rules",
                             verbose_name=_("programme kind"))
    code = models.SlugField(_("code"), max_length=60)
    subtype = models.CharField(_("only for subtype"), max_length=40, blank=True)
    metric = models.CharField(_("measure"), max_length=32, choices=RuleMetric.choices)
    minimum = models.DecimalField(_("minimum"), max_digits=10, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=10, decimal_places=4, null=True, blank=True)
    values = models.JSONField(_("values"), default=list, blank=True,
                              help_text=_("For 'module types present': the module types that must be present."))
    severity = models.CharField(_("severity"), max_length=8, choices=RuleSeverity.choices,
                                default=RuleSeverity.ERROR)
    message_lt = models.CharField(_("message (Lithuanian)"), max_length=500, blank=True)
    message_en = models.CharField(_("message (English)"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme rule")
        verbose_name_plural = _("programme rules")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="programme_rule_code_uniq")]

    def __str__(self):
        return f"{self.kind.code}: {self.code}"

    @property
    def message(self) -> str:
        return pick(self.message_lt, self.message_en)


@audited
class Programme(BilingualNameMixin, models.Model):
    """A programme's identity across its versions. Name, level and field are copied from its head version
    (the one in force, else the newest) so the catalogue filters and searches one table."""

    kind = models.ForeignKey(ProgrammeKind, on_delete=models.PROTECT, related_name="programmes",
                             verbose_name=_("kind"))
    state_code = models.CharField(_("state code"), max_length=20, unique=True, null=True, blank=True,
                                  validators=[state_code_validator])
    temp_code = models.CharField(_("temporary code"), max_length=20, unique=True, editable=False,
                                 help_text=_("Given to a draft; the state code replaces it on registration."))
    provider = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="programmes",
                                 verbose_name=_("provider"))
    co_providers = models.ManyToManyField("institutions.Institution", blank=True, related_name="co_programmes",
                                          verbose_name=_("co-providers"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT, editable=False)
    current_version = models.ForeignKey("ProgrammeVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", editable=False, verbose_name=_("version in force"))
    # Copied from the head version by the services (see refresh_head()).
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True, editable=False)
    ltks_level = models.PositiveSmallIntegerField(_("LTKS level"), null=True, blank=True, editable=False)
    isced_f = classifier_fk("isced_f", _("field of education (ISCED-F)"), null=True)
    qualification = models.ForeignKey("qualifications.Qualification", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+", editable=False,
                                      verbose_name=_("qualification awarded"))
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    deregistration_requested_on = models.DateField(_("deregistration requested on"), null=True, blank=True,
                                                   editable=False)
    deregistration_date = models.DateField(_("deregistration date"), null=True, blank=True, editable=False)
    deregistration_reason = models.TextField(_("deregistration reason"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()
    defer_in_joins = ("search_text", "deregistration_reason")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name_lt", "id"]
        indexes = [models.Index(fields=["kind", "status"], name="programme_kind_status_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        return self.state_code or self.temp_code


@audited
class ProgrammeVersion(BilingualNameMixin, models.Model):
    """One version of a programme's content. Only a draft changes; a registered version is immutable and a
    change is a new version (see services.new_version)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT, editable=False)
    status_since = models.DateField(_("status since"), default=datetime.date.today, editable=False)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 editable=False, verbose_name=_("based on version"))
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    subtype = models.CharField(_("subtype"), max_length=40, blank=True,
                               help_text=_("A subtype of the kind (e.g. a national CPD programme)."))
    qualification = models.ForeignKey("qualifications.Qualification", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="programme_versions",
                                      verbose_name=_("qualification awarded"))
    ltks_level = ltks_level_field(null=True)
    isced_f = classifier_fk("isced_f", _("field of education (ISCED-F)"), null=True)
    entry_education = models.CharField(_("entry education"), max_length=16, choices=EntryEducation.choices,
                                       default=EntryEducation.NONE)
    entry_requirements_lt = models.TextField(_("entry requirements (Lithuanian)"), blank=True)
    entry_requirements_en = models.TextField(_("entry requirements (English)"), blank=True)
    with_general_education = models.BooleanField(
        _("with general education"), default=False,
        help_text=_("Combined with lower or upper secondary general education (open to learners under 16)."))
    language = classifier_fk("language", _("language of instruction"), null=True)
    forms = models.JSONField(_("forms"), default=list, blank=True, validators=[FORMS])
    target_groups = models.JSONField(_("target groups"), default=list, blank=True,
                                     validators=[TARGET_GROUPS])
    credits = models.DecimalField(_("credits"), max_digits=6, decimal_places=1, null=True, blank=True,
                                  validators=positive,
                                  help_text=_("1 credit = 27 academic hours; a year of full-time study = 60."))
    hours = models.PositiveIntegerField(_("academic hours"), null=True, blank=True,
                                        help_text=_("For programmes measured in hours."))
    practice_hours = models.PositiveIntegerField(_("practice hours"), null=True, blank=True)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    learning_outcomes_lt = models.TextField(_("learning outcomes (Lithuanian)"), blank=True)
    learning_outcomes_en = models.TextField(_("learning outcomes (English)"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    registered_on = models.DateField(_("registered on"), null=True, blank=True, editable=False)
    accredited_until = models.DateField(_("accredited until"), null=True, blank=True, editable=False,
                                        help_text=_("Set by the accreditation decision (the evaluation app)."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeVersionQuerySet.as_manager()
    defer_in_joins = ("description_lt", "description_en", "learning_outcomes_lt", "learning_outcomes_en",
                      "entry_requirements_lt", "entry_requirements_en")

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_number_uniq"),
            models.CheckConstraint(condition=Q(ltks_level__isnull=True) | Q(ltks_level__gte=1, ltks_level__lte=8),
                                   name="programme_version_ltks_range"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="programme_version_valid_range"),
        ]

    def __str__(self):
        return f"{self.programme.code} v{self.number}"

    @property
    def total_hours(self) -> int | None:
        """Hours, or credits in academic hours (1 credit = 27 hours)."""
        if self.hours is not None:
            return self.hours
        if self.credits is not None:
            return int(self.credits * settings.EDUREG_CREDIT_HOURS)
        return None

    def clean(self):
        errors: dict = {}
        for field, list_code in (("isced_f", "isced_f"), ("language", "language")):
            if getattr(self, f"{field}_id"):
                errors.update(check_classifier(getattr(self, field), list_code, field))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if self.practice_hours is not None and self.total_hours is not None and self.practice_hours > self.total_hours:
            errors["practice_hours"] = _("Practice hours cannot exceed the programme's hours.")
        if errors:
            raise ValidationError(errors)


@audited
class Module(BilingualNameMixin, models.Model):
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="modules",
                                verbose_name=_("programme version"))
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=ModuleType.choices)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    credits = models.DecimalField(_("credits"), max_digits=5, decimal_places=1, null=True, blank=True,
                                  validators=positive)
    hours = models.PositiveIntegerField(_("academic hours"), null=True, blank=True)
    practice_hours = models.PositiveIntegerField(_("practice hours"), null=True, blank=True)
    ltks_level = ltks_level_field(null=True)
    competences = models.ManyToManyField("qualifications.Competence", blank=True, related_name="modules",
                                         verbose_name=_("competences covered"))
    learning_outcomes_lt = models.TextField(_("learning outcomes (Lithuanian)"), blank=True)
    learning_outcomes_en = models.TextField(_("learning outcomes (English)"), blank=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="module_code_uniq"),
            models.CheckConstraint(condition=Q(ltks_level__isnull=True) | Q(ltks_level__gte=1, ltks_level__lte=8),
                                   name="module_ltks_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.type == ModuleType.ELECTIVE and self.mandatory:
            raise ValidationError({"mandatory": _("An elective module is not mandatory.")})


@audited
class ProgrammeEvent(models.Model):
    """A lifecycle transition of a programme (business event, beside the field-level change log)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("programme"))
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="events", verbose_name=_("version"))
    action = models.CharField(_("action"), max_length=32, choices=ProgrammeAction.choices)
    date = models.DateField(_("date"), default=datetime.date.today)
    reason = models.TextField(_("reason"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    time = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ProgrammeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.programme.code}: {self.get_action_display()} {self.date}"


@audited
class Offering(models.Model):
    """A registered programme offered by an institution at a place, in a school year, with places.
    Admission admits into offerings (state-funded and paid places are separate offers)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="offerings",
                                  verbose_name=_("programme"))
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="offerings",
                                editable=False, verbose_name=_("programme version"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="offerings",
                                    verbose_name=_("institution"))
    branch = models.ForeignKey("institutions.Branch", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="offerings", verbose_name=_("branch"))
    municipality = classifier_fk("municipality", _("municipality"))
    year = models.PositiveSmallIntegerField(_("school year"), validators=[MinValueValidator(2000),
                                                                          MaxValueValidator(2100)],
                                            help_text=_("The year the school year starts, e.g. 2026 for 2026-2027."))
    start_date = models.DateField(_("start date"))
    form = models.CharField(_("form"), max_length=16, choices=LearningForm.choices, default=LearningForm.FULL_TIME)
    language = classifier_fk("language", _("language of instruction"))
    state_funded_places = models.PositiveIntegerField(_("state-funded places"), default=0)
    paid_places = models.PositiveIntegerField(_("paid places"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["-year", "programme__name_lt", "id"]
        indexes = [models.Index(fields=["year", "municipality"], name="offering_year_mun_idx")]

    def __str__(self):
        return f"{self.programme.code} @ {self.institution} {self.year}"

    def places(self, funding: str) -> int:
        return self.state_funded_places if funding == Funding.STATE else self.paid_places
