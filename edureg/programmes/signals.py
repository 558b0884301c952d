"""Signals other apps listen to (the programmes register imports none of them).

`version_submitted` is sent inside the submission's transaction, after the version became submitted, with
`version` and `actor`: the evaluation app opens (or resumes) the evaluation of the version, and a failure there
undoes the submission."""

from django.dispatch import Signal

version_submitted = Signal()
