from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataCollectionsConfig(AppConfig):
    name = "edureg.datacollections"
    verbose_name = _("Data collections")
    default_auto_field = "django.db.models.BigAutoField"
