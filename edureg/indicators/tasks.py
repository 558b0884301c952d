"""Background jobs of the indicators app (django-tasks)."""

from django_tasks import task

from edureg.core.audit.context import audit_context
from edureg.indicators.models import IndicatorRun
from edureg.indicators.services.runs import execute_run


@task()
def compute_indicators(run_id: int) -> dict:
    """Execute a queued indicator run (services.start_run queues it); progress and the outcome are on the run row."""
    run = IndicatorRun.objects.get(pk=run_id)
    with audit_context(source="job"):
        execute_run(run)
    return {"run": run.pk, "number": run.number, "status": run.status, "summary": run.summary}
