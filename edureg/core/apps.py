from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "edureg.core"
    label = "core"
    verbose_name = _("Audit and system")

    def ready(self):
        from edureg.core.audit import registry

        registry.connect_signals()
