from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PedagoguesConfig(AppConfig):
    name = "edureg.pedagogues"
    label = "pedagogues"
    verbose_name = _("Pedagogue register")
