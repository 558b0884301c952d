"""The indicator catalogue as data (themes, measures, indicators with formulas), the runs that compute it and the
observations they produce (indicator × year × dimension values → value, numerator, denominator, flag)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin, pick
from edureg.indicators.choices import Aggregation, Dimension, Flag, RunStatus, Sensitive
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.querysets import CatalogueQuerySet, IndicatorQuerySet, ObservationQuerySet, RunQuerySet


@audited
class Theme(BilingualNameMixin, models.Model):
    """A group of indicators: a dashboard section and a sheet of the statistical summary."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


@audited
class Measure(BilingualNameMixin, models.Model):
    """A count or sum over one fact source (a register or an approved data collection), with filters; defined once
    and used by name in indicator formulas. Measures are additive, so they roll up over every dimension."""

    code = models.SlugField(_("code"), max_length=60, unique=True,
                            help_text=_("The name formulas use, e.g. learners_general."))
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_lt = models.TextField(_("description (Lithuanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=40,
                              help_text=_("The fact source, e.g. learners, staff, collection."))
    collection = models.ForeignKey("datacollections.Collection", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="measures", verbose_name=_("data collection"),
                                   help_text=_("For the collection source: whose approved values are summed."))
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.COUNT)
    field = models.CharField(_("summed field"), max_length=60, blank=True,
                             help_text=_("For a sum: the source's numeric field (or the collection's field code)."))
    filters = models.JSONField(_("filters"), default=list, blank=True,
                               help_text=_('A list of [field, operator, value], e.g. [["education", "eq", "vet"]]; '
                                           "operators: eq, ne, in, not_in, lt, le, gt, ge."))

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def description(self):
        return pick(self.description_lt, self.description_en)

    def clean(self):
        from edureg.indicators.sources import check_measure

        errors = check_measure(self)
        if errors:
            raise ValidationError(errors)


@audited
class Indicator(BilingualNameMixin, models.Model):
    """An indicator: (numerator formula / denominator formula) × factor over measures, broken down by the listed
    dimensions (every combination of at most `max_cross` of them, always by year)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("theme"))
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    definition_lt = models.TextField(_("definition (Lithuanian)"))
    definition_en = models.TextField(_("definition (English)"))
    numerator = models.CharField(_("numerator"), max_length=500,
                                 help_text=_("A formula over measure codes: + - * / and parentheses."))
    denominator = models.CharField(_("denominator"), max_length=500, blank=True,
                                   help_text=_("Empty for a plain count or sum."))
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1,
                                 validators=[MinValueValidator(0)],
                                 help_text=_("100 for a percentage, 1000 for per thousand, 1 otherwise."))
    unit_lt = models.CharField(_("unit (Lithuanian)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1, validators=[MaxValueValidator(6)])
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True,
                                  help_text=_("Codes of the dimensions it can be broken down by."))
    max_cross = models.PositiveSmallIntegerField(_("dimensions crossed at most"), default=2,
                                                 validators=[MinValueValidator(1), MaxValueValidator(4)])
    sensitive = models.CharField(_("counts of people"), max_length=12, choices=Sensitive.choices,
                                 default=Sensitive.BOTH,
                                 help_text=_("Which counts disclosure control protects."))
    threshold = models.PositiveSmallIntegerField(_("suppression threshold"), default=5,
                                                 validators=[MinValueValidator(1)],
                                                 help_text=_("Counts from 1 to this number minus one are suppressed."))
    source_lt = models.CharField(_("source (Lithuanian)"), max_length=255, blank=True)
    source_en = models.CharField(_("source (English)"), max_length=255, blank=True)
    methodology_lt = models.TextField(_("methodology notes (Lithuanian)"), blank=True)
    methodology_en = models.TextField(_("methodology notes (English)"), blank=True)
    methodology_version = models.CharField(_("methodology version"), max_length=20, default="1")
    is_public = models.BooleanField(_("published"), default=True,
                                    help_text=_("Shown on the dashboards and in the open data."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["theme__order", "order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def definition(self):
        return pick(self.definition_lt, self.definition_en)

    @property
    def unit(self):
        return pick(self.unit_lt, self.unit_en)

    @property
    def source_text(self):
        return pick(self.source_lt, self.source_en)

    @property
    def methodology(self):
        return pick(self.methodology_lt, self.methodology_en)

    def clean(self):
        from edureg.indicators.sources import check_indicator

        errors = check_indicator(self)
        if errors:
            raise ValidationError(errors)


@audited
class IndicatorRun(models.Model):
    """One computation of the whole catalogue (or of some indicators) over every year in the registers. Its
    observations stay with it: a run can be compared with another, published, or deleted as a unit."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+", verbose_name=_("indicators"),
                                        help_text=_("Empty: the whole catalogue."))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    change_position = models.BigIntegerField(
        _("change-feed position"), null=True, blank=True,
        help_text=_("The last change record the run saw; later changes make it out of date."))
    years = models.JSONField(_("years"), default=list, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator run")
        verbose_name_plural = _("indicator runs")
        ordering = ["-number"]

    def __str__(self):
        return f"#{self.number}"


class Observation(models.Model):
    """A value of an indicator for a year and a combination of dimension values ("" = all). Written in bulk by a
    run (the run is the audited unit, not each row)."""

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="observations",
                            verbose_name=_("run"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    county = models.CharField(Dimension.COUNTY.label, max_length=20, blank=True, default="")
    municipality = models.CharField(Dimension.MUNICIPALITY.label, max_length=20, blank=True, default="")
    institution_type = models.CharField(Dimension.INSTITUTION_TYPE.label, max_length=20, blank=True, default="")
    ownership = models.CharField(Dimension.OWNERSHIP.label, max_length=20, blank=True, default="")
    sex = models.CharField(Dimension.SEX.label, max_length=4, blank=True, default="")
    age_group = models.CharField(Dimension.AGE_GROUP.label, max_length=10, blank=True, default="")
    isced_level = models.CharField(Dimension.ISCED_LEVEL.label, max_length=10, blank=True, default="")
    education = models.CharField(Dimension.EDUCATION.label, max_length=20, blank=True, default="")
    programme_kind = models.CharField(Dimension.PROGRAMME_KIND.label, max_length=40, blank=True, default="")
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    flag = models.CharField(_("flag"), max_length=20, choices=Flag.choices, blank=True, default="")

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "year", *DIMENSIONS]
        constraints = [models.UniqueConstraint(fields=["run", "indicator", "year", *DIMENSIONS],
                                               name="observation_uniq")]
        indexes = [models.Index(fields=["run", "indicator", "year"], name="observation_lookup_idx")]

    def __str__(self):
        return f"{self.indicator_id} {self.year}"

    @property
    def dimension_values(self) -> dict:
        return {name: getattr(self, name) for name in DIMENSIONS if getattr(self, name)}
