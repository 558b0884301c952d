"""The demo's statistics: the indicator catalogue loaded, computed over the synthetic country and published, so the
dashboards, the summary report and the open-data API have something to show.

    result = publish_statistics()   # after the registers, the admission round and the library reports

Used by `edureg demo` when it has built or completed a country, or when nothing is published yet.
"""

import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class StatisticsUnavailable(Exception):
    """The indicator services are missing, or the computation failed (the message says why)."""


@dataclass
class StatisticsResult:
    run_number: int
    catalogue: dict = field(default_factory=dict)
    observations: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def has_published_run() -> bool:
    from edureg.indicators.publication import published_run

    return published_run() is not None


def publish_statistics() -> StatisticsResult:
    """Load the catalogue (with the data-collection definitions), compute every indicator now and publish the run.
    Raises StatisticsUnavailable when the services are not there or the run failed (nothing is published then)."""
    try:
        from edureg.indicators.services import compute_now, load_catalogue, publish_run
    except ImportError as exc:
        raise StatisticsUnavailable(_("The indicator services are not installed (%(error)s).")
                                    % {"error": exc}) from exc
    from django.db import connection

    from edureg.core.models import ObjectChange
    from edureg.indicators.choices import RunStatus

    if connection.vendor == "postgresql":
        # The build has just added millions of change records; without fresh planner statistics the run's first
        # step (reading the change-feed position) takes seconds instead of milliseconds.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ObjectChange._meta.db_table)}")
    seconds = {}
    started = time.perf_counter()
    catalogue = load_catalogue(actor=None)
    seconds["catalogue"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    run = compute_now(actor=None)
    seconds["computation"] = round(time.perf_counter() - started, 2)
    if run.status != RunStatus.FINISHED:
        raise StatisticsUnavailable(_("Indicator run #%(number)s failed: %(message)s")
                                    % {"number": run.number, "message": run.message or run.status})
    started = time.perf_counter()
    publish_run(run, actor=None)
    seconds["publication"] = round(time.perf_counter() - started, 2)
    return StatisticsResult(run_number=run.number, catalogue=dict(catalogue or {}),
                            observations=run.observations.count(), seconds=seconds)
