"""Monitoring and statistics in the back-office (the agency's education-data unit).

The catalogue: themes, measures (a count or sum over a fact source, with filters as JSON; the page lists what each
source offers) and indicators (formulas over measures, checked when saved: a problem shows on its field). Runs: "Add"
computes a new run in the background (its page shows progress and the timings per source and indicator); a finished
run can be compared with the published one and published; a run is deleted with its observations. Observations are
listed read-only, filtered by run, indicator and year; everyone but the agency sees them as the public does (small
counts suppressed).
"""

from edureg.indicators.admin import catalogue, runs  # noqa: F401  (registers the pages)
