from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REGISTERED = "registered", _("Registered")
    SUPERSEDED = "superseded", _("Replaced by a newer version")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")
    REJECTED = "rejected", _("Rejected after evaluation")


# Statuses the public catalogue shows.
PUBLISHED = (VersionStatus.REGISTERED, VersionStatus.SUPERSEDED, VersionStatus.SUSPENDED,
             VersionStatus.DEREGISTERED)
# Statuses in which a version's content may still change.
EDITABLE = (VersionStatus.DRAFT,)


class ModuleType(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    GENERAL = "general", _("General")
    COMPETENCE = "competence", _("Qualification competence")
    ELECTIVE = "elective", _("Elective")
    FINAL = "final", _("Final")


class LearningForm(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    DISTANCE = "distance", _("Distance")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")


class TargetGroup(models.TextChoices):
    BASIC_SCHOOL_LEAVERS = "basic_school_leavers", _("Basic school leavers")
    SECONDARY_SCHOOL_LEAVERS = "secondary_school_leavers", _("Secondary school leavers")
    ADULTS = "adults", _("Adults")
    EMPLOYED = "employed", _("Employed people")
    UNEMPLOYED = "unemployed", _("Unemployed people")
    TEACHERS = "teachers", _("Teachers")
    SCHOOL_LEADERS = "school_leaders", _("School leaders")
    SUPPORT_SPECIALISTS = "support_specialists", _("Learner support specialists")
    VET_TEACHERS = "vet_teachers", _("VET teachers")
    CHILDREN = "children", _("Children and young people")
    LIBRARY_STAFF = "library_staff", _("Library staff")


class EntryEducation(models.TextChoices):
    NONE = "none", _("No formal requirement")
    BASIC = "basic", _("Basic education")
    SECONDARY = "secondary", _("Secondary education")
    VOCATIONAL = "vocational", _("A vocational qualification")
    HIGHER = "higher", _("Higher education")


class LengthUnit(models.TextChoices):
    CREDITS = "credits", _("Credits")
    HOURS = "hours", _("Academic hours")


class Funding(models.TextChoices):
    STATE = "state", _("State-funded")
    PAID = "paid", _("Paid")


class ProgrammeAction(models.TextChoices):
    """Business events of the programme lifecycle (one row per transition)."""

    CREATED = "created", _("Draft created")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned to the provider")
    REGISTERED = "registered", _("Registered")
    NEW_VERSION = "new_version", _("New version drafted")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Suspension lifted")
    DEREGISTRATION_REQUESTED = "deregistration_requested", _("Deregistration requested")
    DEREGISTRATION_CANCELLED = "deregistration_cancelled", _("Deregistration request withdrawn")
    DEREGISTERED = "deregistered", _("Deregistered")
    REJECTED = "rejected", _("Rejected after evaluation")
    ACCREDITATION_CHANGED = "accreditation_changed", _("Accreditation period changed")


class RuleMetric(models.TextChoices):
    """What a programme rule measures; the engine (programmes.engine.rules) computes each."""

    MODULE_TYPES = "module_types", _("Module types present")
    MODULE_CREDITS_SUM = "module_credits_sum", _("Module credits add up to the programme's credits")
    MODULE_HOURS_SUM = "module_hours_sum", _("Module hours add up to the programme's hours")
    ELECTIVE_SHARE = "elective_share", _("Share of elective credits")
    TOTAL_CREDITS = "total_credits", _("Programme credits")
    TOTAL_HOURS = "total_hours", _("Programme hours")
    PRACTICE_SHARE = "practice_share", _("Share of practice hours")
    MODULE_COUNT = "module_count", _("Number of modules")
    HAS_QUALIFICATION = "has_qualification", _("Qualification awarded is given")
    LTKS_LEVEL = "ltks_level", _("LTKS level")


class RuleSeverity(models.TextChoices):
    ERROR = "error", _("Error (blocks submission)")
    WARNING = "warning", _("Warning")
