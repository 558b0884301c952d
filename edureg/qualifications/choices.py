from django.db import models
from django.utils.translation import gettext_lazy as _


class QualificationType(models.TextChoices):
    FULL = "full", _("Full qualification")
    PARTIAL = "partial", _("Partial qualification")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("Public consultation")
    APPROVED = "approved", _("Approved")
    REGISTERED = "registered", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


# The Lithuanian Qualifications Framework (LTKS) was referenced to the EQF level for level (2012 report).
LTKS_TO_EQF = {n: n for n in range(1, 9)}
