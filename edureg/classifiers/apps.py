from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassifiersConfig(AppConfig):
    name = "edureg.classifiers"
    label = "classifiers"
    verbose_name = _("Classifiers")
