"""Background import jobs (django-tasks): large uploads are checked and imported off the request."""

from django_tasks import task

from edureg.core.imports.jobs import execute_job


@task()
def run_import_job(token: str, dry_run: bool) -> dict:
    return execute_job(token, dry_run=dry_run)
