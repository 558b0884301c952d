from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "edureg.evaluation"
    verbose_name = _("Evaluation and accreditation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from edureg.evaluation import receivers  # noqa: F401  (connects to the programmes register's signals)
