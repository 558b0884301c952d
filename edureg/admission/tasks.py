"""Background jobs of common admission (django-tasks)."""

from django_tasks import task

from edureg.admission.models import AllocationRun
from edureg.admission.services.runs import execute_run
from edureg.core.audit.context import audit_context


@task()
def run_allocation(run_id: int) -> dict:
    """Execute a queued allocation run (services.runs.start_run queues it); progress and the outcome are on the run
    row."""
    run = AllocationRun.objects.get(pk=run_id)
    with audit_context(source="job"):
        execute_run(run)
    return {"run": run.pk, "status": run.status, "summary": run.summary}
