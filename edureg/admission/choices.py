from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    MAIN = "main", _("Main round")
    ADDITIONAL = "additional", _("Additional round")
    WINTER = "winter", _("Winter additional round")


# Defaults per kind (Lithuanian practice); each round keeps its own copy, editable.
KIND_DEFAULTS = {
    RoundKind.MAIN: {"max_preferences": 3, "state_funded_only": False},
    RoundKind.ADDITIONAL: {"max_preferences": 2, "state_funded_only": False},
    RoundKind.WINTER: {"max_preferences": 2, "state_funded_only": True},
}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being configured")
    OPEN = "open", _("Accepting applications")
    CLOSED = "closed", _("Applications closed")
    ALLOCATED = "allocated", _("Allocated, not published")
    PUBLISHED = "published", _("Results published")
    FINISHED = "finished", _("Finished")


# Rounds the public sees (configuration and offers); results only once published.
PUBLIC_ROUND = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.ALLOCATED, RoundStatus.PUBLISHED,
                RoundStatus.FINISHED)
RESULTS_PUBLIC = (RoundStatus.PUBLISHED, RoundStatus.FINISHED)


class ApplicantEducation(models.TextChoices):
    """Highest education the applicant has (or will have by the start), for the entry rules."""

    NONE = "none", _("Not completed basic education")
    BASIC = "basic", _("Basic education")
    SECONDARY = "secondary", _("Secondary education")


class PriorQualifications(models.TextChoices):
    """Vocational qualifications the applicant already holds, for the funding rules."""

    NONE = "none", _("No vocational qualification")
    ONE_STATE = "one_state", _("One qualification acquired with state funding")
    TWO_OR_MORE = "two_or_more", _("Two or more qualifications acquired with state funding")


class GradeScale(models.IntegerChoices):
    TEN = 10, _("10-point scale")
    FIVE = 5, _("5-point scale (older documents; grades are doubled)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    SIGNED = "signed", _("Contract signed")
    DECLINED = "declined", _("Declined")
    ANNULLED = "annulled", _("Annulled (no contract by the deadline)")


class Outcome(models.TextChoices):
    """What happened to one preference in a run (per-applicant explanation)."""

    INVITED = "invited", _("Invited")
    BELOW_CUTOFF = "below_cutoff", _("Score below the cut-off")
    NOT_NEEDED = "not_needed", _("Not considered: invited to a higher preference")
    INELIGIBLE = "ineligible", _("Not eligible")
