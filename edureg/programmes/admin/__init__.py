"""The programmes register in the back-office.

A provider adds a programme (with its first, draft version), edits the draft and its modules, checks it against
its kind's rules and submits it; the register's administrator registers it (giving the state code) or returns
it, suspends, resumes and confirms deregistration. Every step is a service call (edureg.programmes.services);
the buttons only show the steps the user may take on the object in its state.
"""

from edureg.programmes.admin import offerings, programmes, reference  # noqa: F401  (registers the pages)
