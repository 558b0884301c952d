from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "edureg.indicators"
    verbose_name = _("Monitoring and statistics")
    default_auto_field = "django.db.models.BigAutoField"
