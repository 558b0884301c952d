from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "edureg.qualifications"
    label = "qualifications"
    verbose_name = _("Qualifications and professional standards")

    def ready(self):
        from edureg.qualifications import signals  # noqa: F401
