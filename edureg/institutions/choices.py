from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACTIVE = "active", _("Active")
    REORGANISING = "reorganising", _("Reorganising")
    LIQUIDATED = "liquidated", _("Liquidated")


# Allowed status transitions; the service refuses any other.
STATUS_TRANSITIONS = {
    InstitutionStatus.REGISTERED: {InstitutionStatus.ACTIVE, InstitutionStatus.LIQUIDATED},
    InstitutionStatus.ACTIVE: {InstitutionStatus.REORGANISING, InstitutionStatus.LIQUIDATED},
    InstitutionStatus.REORGANISING: {InstitutionStatus.ACTIVE, InstitutionStatus.LIQUIDATED},
    InstitutionStatus.LIQUIDATED: set(),
}
