"""Periodic data collections: a form (sections and fields), validation rules as data, periods with their
respondents, and each respondent's submission with its values and status."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin, pick
from edureg.datacollections.choices import FieldType, Operator, PeriodStatus, Severity, SubmissionStatus
from edureg.datacollections.querysets import DefinitionQuerySet, SubmissionQuerySet, ValueQuerySet


@audited
class Collection(BilingualNameMixin, models.Model):
    """A statistical form and who fills it in (institutions of the respondent types)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    respondent_types = models.ManyToManyField(
        "classifiers.ClassifierItem", related_name="+", verbose_name=_("respondent institution types"),
        limit_choices_to={"code_list__code": "institution_type"})
    version = models.PositiveIntegerField(_("form version"), default=1,
                                          help_text=_("Raised when the form changes; uploaded templates must match."))
    standard = models.CharField(_("standard"), max_length=100, blank=True, help_text=_("e.g. ISO 2789:2022"))

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("data collection")
        verbose_name_plural = _("data collections")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def description(self):
        return pick(self.description_lt, self.description_en)


@audited
class Section(BilingualNameMixin, models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="sections",
                                   verbose_name=_("data collection"))
    code = models.SlugField(_("code"), max_length=40)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["collection", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="section_code_uniq")]

    def __str__(self):
        return self.name


@audited
class Field(BilingualNameMixin, models.Model):
    """A question of the form. Its code names it in rules, templates and measures."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="fields",
                                   verbose_name=_("data collection"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="fields", verbose_name=_("section"))
    code = models.SlugField(_("code"), max_length=60)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    help_lt = models.TextField(_("help (Lithuanian)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices, default=FieldType.INTEGER)
    unit_lt = models.CharField(_("unit (Lithuanian)"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=True)
    minimum = models.DecimalField(_("lowest value"), max_digits=18, decimal_places=4, null=True, blank=True,
                                  default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["collection", "section__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="field_code_uniq")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def help(self):
        return pick(self.help_lt, self.help_en)

    @property
    def unit(self):
        return pick(self.unit_lt, self.unit_en)

    def clean(self):
        if self.section_id and self.collection_id and self.section.collection_id != self.collection_id:
            raise ValidationError({"section": _("The section belongs to another data collection.")})


@audited
class Rule(models.Model):
    """A validation rule: left side, operator, right side (formulas over field codes; `prev(code)` is last period's
    approved value). An error blocks submission; a warning needs the respondent's comment."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="rules",
                                   verbose_name=_("data collection"))
    code = models.SlugField(_("code"), max_length=60)
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=500)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    message_lt = models.CharField(_("message (Lithuanian)"), max_length=500)
    message_en = models.CharField(_("message (English)"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["collection", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["collection", "code"], name="rule_code_uniq")]

    def __str__(self):
        return f"{self.code}: {self.left} {self.get_operator_display()} {self.right}"

    @property
    def message(self):
        return pick(self.message_lt, self.message_en)

    def clean(self):
        from edureg.datacollections.services.rules import check_rule

        errors = check_rule(self)
        if errors:
            raise ValidationError(errors)


@audited
class Period(models.Model):
    """One round of a collection (e.g. the library report for 2025): when it opens and is due."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="periods",
                                   verbose_name=_("data collection"))
    year = models.PositiveSmallIntegerField(_("reporting year"))
    status = models.CharField(_("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection period")
        verbose_name_plural = _("collection periods")
        ordering = ["collection", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "year"], name="period_year_uniq"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("opens_on")), name="period_due_after_opening"),
        ]

    def __str__(self):
        return f"{self.collection.code} {self.year}"


@audited
class Submission(models.Model):
    """A respondent's report for a period. Created "not started" for every respondent when the period opens."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions",
                               verbose_name=_("period"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT,
                                    related_name="submissions", verbose_name=_("respondent"))
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.NOT_STARTED)
    warning_comments = models.JSONField(_("comments on warnings"), default=dict, blank=True,
                                        help_text=_("Rule code → the respondent's explanation."))
    return_comment = models.TextField(_("return comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["period", "institution__name"]
        constraints = [models.UniqueConstraint(fields=["period", "institution"], name="submission_uniq")]

    def __str__(self):
        return f"{self.period} · {self.institution}"


@audited
class Value(models.Model):
    """One answer: a number for numeric fields, text for text fields."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values",
                                   verbose_name=_("submission"))
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="values", verbose_name=_("field"))
    number = models.DecimalField(_("number"), max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    objects = ValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["submission", "field__section__order", "field__order"]
        constraints = [models.UniqueConstraint(fields=["submission", "field"], name="value_uniq")]

    def __str__(self):
        return f"{self.field.code}={self.number if self.number is not None else self.text}"
