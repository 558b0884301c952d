from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    ACCREDITATION = "accreditation", _("Programme accreditation")
    REGISTRATION = "registration", _("Programme evaluation before registration")
    READINESS = "readiness", _("Institution readiness")
    COMPETITION = "competition", _("Funding competition")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean of the experts' scores")
    MEDIAN = "median", _("Median of the experts' scores")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBILITY = "eligibility", _("Eligibility check")
    RETURNED = "returned", _("Returned for corrections")
    UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
    SCORED = "scored", _("Scored")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which the application is still being worked on (deadlines and reminders apply).
OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBILITY, ApplicationStatus.RETURNED,
                 ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.SCORED, ApplicationStatus.APPEALED)


class Outcome(models.TextChoices):
    ACCREDITED = "accredited", _("Accredited")
    CONDITIONS = "conditions", _("Registered with conditions")
    REJECTED = "rejected", _("Rejected")
    FUNDED = "funded", _("Funded")
    PARTIALLY_FUNDED = "partially_funded", _("Partly funded")
    NOT_FUNDED = "not_funded", _("Not funded")


# Outcomes that put a programme version in force.
POSITIVE = (Outcome.ACCREDITED, Outcome.CONDITIONS, Outcome.FUNDED, Outcome.PARTIALLY_FUNDED)


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    CONFLICT = "conflict", _("Conflict of interest declared")
    SUBMITTED = "submitted", _("Scores submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn by the coordinator")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UPHELD = "upheld", _("Upheld: re-evaluated")
    DISMISSED = "dismissed", _("Dismissed")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed: under evaluation")
    PUBLISHED = "published", _("Results published")


class LastFitRule(models.TextChoices):
    PARTIAL = "partial", _("Fund the last application partly with what is left")
    SKIP = "skip", _("Skip to the next application that fits")
    STOP = "stop", _("Stop at the first application that does not fit")


class Selection(models.TextChoices):
    FUNDED = "funded", _("Funded")
    PARTIALLY_FUNDED = "partially_funded", _("Partly funded")
    NOT_FUNDED = "not_funded", _("Not funded: the budget ran out")
    BELOW_MINIMUM = "below_minimum", _("Below the minimum score")
    MANDATORY_FAILED = "mandatory_failed", _("A mandatory criterion not met")
    INELIGIBLE = "ineligible", _("Not eligible")


class TieRule(models.TextChoices):
    """How applications with equal totals are ordered, in the call's declared order (`criterion:<code>` too)."""

    LOWER_AMOUNT = "lower_amount", _("Smaller requested amount first")
    EARLIER_SUBMISSION = "earlier_submission", _("Earlier submission first")
    MORE_AGREEMENT = "more_agreement", _("Closer agreement between experts first")


class TieRelation(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    BOARD = "board", _("Member of a governing body")
    CONSULTANT = "consultant", _("Consultant or contractor")
    FOUNDER = "founder", _("Founder or owner")
    OTHER = "other", _("Other tie")


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted after corrections")
    ELIGIBILITY_STARTED = "eligibility_started", _("Eligibility check started")
    ELIGIBLE = "eligible", _("Found eligible; evaluation started")
    INELIGIBLE = "ineligible", _("Found not eligible")
    RETURNED = "returned", _("Returned for corrections")
    EXPERT_ASSIGNED = "expert_assigned", _("Expert assigned")
    EXPERT_WITHDRAWN = "expert_withdrawn", _("Expert withdrawn")
    CONFLICT_DECLARED = "conflict_declared", _("Expert declared a conflict of interest")
    NO_CONFLICT = "no_conflict", _("Expert declared no conflict of interest")
    SCORES_SUBMITTED = "scores_submitted", _("Expert submitted scores")
    EXTRA_EXPERT_NEEDED = "extra_expert_needed", _("Experts disagree: another expert needed")
    SCORED = "scored", _("Scoring complete")
    DECIDED = "decided", _("Decision made")
    APPEALED = "appealed", _("Appeal filed")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld: re-evaluation")
    APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the provider")
    RANKED = "ranked", _("Ranked in the call")
    REQUEST_UPDATED = "request_updated", _("Requested amount or note changed")
