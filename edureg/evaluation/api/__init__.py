"""Evaluation in the API.

Definitions: /evaluation-procedures/ (by code, criteria nested), /evaluation-criteria/, /experts/, /expert-ties/,
/calls/ (by code; open, close, rank, publish; results once published). Work: /evaluation-applications/ (apply to
a call or ask for a readiness evaluation; the workflow's steps as actions), /assignments/ (the expert's conflict
declaration, scores and submission), /scores/, /decisions/ (public once published; the decision document as PDF),
/appeals/, /evaluation-events/.

Rows come from `Model.objects.for_user` (querysets.py); every step goes through edureg.evaluation.services, which
decide who may take it: a refused step answers 403, a step not allowed now or with bad input 400 naming the field.
"""

from edureg.evaluation.api import applications, assignments, definitions  # noqa: F401  (registers the viewsets)
