from django.db import models
from django.utils.translation import gettext_lazy as _


class EducationKind(models.TextChoices):
    PRESCHOOL = "preschool", _("Pre-school and pre-primary")
    GENERAL = "general", _("General education")
    VET = "vet", _("Vocational education and training")
    HIGHER = "higher", _("Higher education")
    NON_FORMAL = "non_formal", _("Non-formal education")


# End-reason codes of the enrolment_end_reason classifier that the services rely on.
END_COMPLETED = "10"
END_TRANSFERRED = "20"
END_DROPPED_OUT = "30"
