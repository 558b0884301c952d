"""`edureg serve`: serve the existing database over HTTP.

    edureg serve [--port 8000] [--host 127.0.0.1] [--workers 2] [--no-task-worker]

Runs gunicorn with edureg.wsgi; without gunicorn, Django's runserver (with --insecure, so static
files are served). With the database task backend (the default) it also runs one background-task worker
(`db_worker`), so that long jobs such as large imports started in the back-office are carried out.
Refuses to start on a database that is not migrated.
"""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations not yet applied to the database (all of them for an empty database)."""
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "edureg.wsgi:application", "--bind", bind_address(host, port),
            "--workers", str(workers), "--access-logfile", "-", "--graceful-timeout", "5",
            # The access log masks personal codes (a back-office search by code is a URL).
            "--logger-class", "edureg.core.logging.GunicornLogger"]


class Command(BaseCommand):
    help = "Serve the existing database over HTTP (gunicorn; Django's runserver when gunicorn is missing)."
    requires_system_checks = []  # checked by the server itself; a missing database is reported below

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start a background-task worker (run `edureg db_worker` elsewhere)")

    def handle(self, *args, port=8000, host="127.0.0.1", workers=2, no_task_worker=False, **options):
        try:
            pending = pending_migrations()
        except OperationalError as exc:
            raise CommandError(f"The database cannot be reached: {exc}") from exc
        if pending:
            raise CommandError(
                f"The database is not migrated ({len(pending)} migrations pending). "
                "Run `edureg migrate` (or `edureg demo`, which also loads classifiers and demo data) first.")
        url = f"http://{bind_address(host, port)}/"
        task_worker = None
        if not no_task_worker and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
            task_worker = subprocess.Popen([sys.executable, "-m", "edureg.cli", "db_worker"])
            self.stdout.write("Background tasks: one worker started (edureg db_worker).")
        try:
            self._serve(url, host, port, workers)
        finally:
            if task_worker is not None:
                task_worker.terminate()
                task_worker.wait(10)

    def _serve(self, url, host, port, workers):
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            self.stdout.write(f"Serving edureg at {url} with Django's development server (gunicorn is not "
                              "installed). Press Ctrl+C to stop.")
            call_command("runserver", bind_address(host, port), insecure_serving=True, use_reloader=False)
            return
        self.stdout.write(f"Serving edureg at {url} (gunicorn, {workers} workers). Press Ctrl+C to stop.")
        self.stdout.flush()
        process = subprocess.Popen(gunicorn_argv(host, port, workers))
        # Stopping this command (SIGTERM) stops gunicorn too, which then stops its workers.
        signal.signal(signal.SIGTERM, lambda signum, frame: process.terminate())
        try:
            code = process.wait()
        except KeyboardInterrupt:
            # The terminal sent the interrupt to gunicorn too; let it shut its workers down.
            code = process.wait()
        if code not in (0, -signal.SIGINT, -signal.SIGTERM, 130):
            raise CommandError(f"gunicorn stopped with exit code {code}")
