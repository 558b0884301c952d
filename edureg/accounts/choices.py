from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Municipality education officer")
    INSTITUTION_OFFICER = "institution_officer", _("Institution officer")
    EXPERT = "expert", _("Expert")
    APPLICANT = "applicant", _("Applicant")
    PUBLIC = "public", _("Public user")


# Roles that work in the back-office (Django admin needs is_staff).
BACK_OFFICE_ROLES = {Role.AGENCY_ADMIN, Role.MUNICIPALITY_OFFICER, Role.INSTITUTION_OFFICER}
