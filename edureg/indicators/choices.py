from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """Mirrors engine.dimensions.DIMENSIONS (the engine keeps the codes without Django)."""

    COUNTY = "county", _("County")
    MUNICIPALITY = "municipality", _("Municipality")
    INSTITUTION_TYPE = "institution_type", _("Institution type")
    OWNERSHIP = "ownership", _("Ownership")
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group")
    ISCED_LEVEL = "isced_level", _("ISCED level")
    EDUCATION = "education", _("Education")
    PROGRAMME_KIND = "programme_kind", _("Programme kind")


class Aggregation(models.TextChoices):
    COUNT = "count", _("Count of rows")
    SUM = "sum", _("Sum of a field")


class Sensitive(models.TextChoices):
    """Which counts of an indicator are counts of people, to be protected by disclosure control."""

    NUMERATOR = "numerator", _("Numerator")
    DENOMINATOR = "denominator", _("Denominator")
    BOTH = "both", _("Numerator and denominator")
    NONE = "none", _("None (not counts of people)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class Flag(models.TextChoices):
    NONE = "", _("None")
    SUPPRESSED = "suppressed", _("Suppressed (small count)")
    SECONDARY = "secondary", _("Suppressed (complementary)")
    ZERO_DENOMINATOR = "zero_denominator", _("Not computable (zero denominator)")
    NO_DATA = "no_data", _("No data")


FILTER_OPERATORS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge")
