"""Signals other apps listen to (the programmes register imports none of them).

`version_submitted` is sent inside the submission's transaction, after the version became submitted, with
`version` and `actor`: the evaluation app opens (or resumes) the evaluation of the version, and a failure there
undoes the submission.

`version_deciding` is sent before a registrar's decision on a submitted (or rejected) version — register, return,
reject — with `version`, `actor` and `decision`: the evaluation app refuses it (a ValidationError) while the version
is being evaluated, since the decision is then the evaluation's.
"""

from django.dispatch import Signal

version_submitted = Signal()
version_deciding = Signal()
