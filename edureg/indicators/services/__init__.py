"""Services of the indicators app: loading the catalogue and computing, publishing and comparing runs."""

from edureg.indicators.services.catalogue import load_catalogue, read_catalogue
from edureg.indicators.services.runs import (
    changes_since,
    compare_runs,
    compute_now,
    delete_run,
    execute_run,
    publish_run,
    start_run,
)

__all__ = ["load_catalogue", "read_catalogue", "start_run", "execute_run", "compute_now", "publish_run", "delete_run",
           "compare_runs", "changes_since"]
