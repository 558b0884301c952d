"""Evaluation in the back-office: the agency's configuration (procedures with their criteria, the experts register
with ties, funding calls with their steps Open / Close / Rank / Publish) and a read-only overview of applications,
assignments, scores, decisions, appeals and events. The coordinator's day-to-day work is on the evaluation desk's
pages (/evaluation/); every write here is a service call."""

from edureg.evaluation.admin import applications, calls, experts, procedures  # noqa: F401  (registers the pages)
