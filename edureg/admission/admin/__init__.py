"""Common admission in the back-office.

The organiser configures a round (deadlines, eligibility rules, scoring formulas, offers from the offerings),
opens it, enters applications on applicants' behalf, closes applications, runs the allocation (a background job
whose page shows its progress), publishes the results, annuls the invitations left unsigned after the contract
deadline and opens the next round with the places left. Schools see the applications naming their offers and
record signed contracts on their invitations. Every step is a service call (edureg.admission.services); the
buttons show only the steps the user may take on the object in its state. Personal codes are masked in lists.
"""

from edureg.admission.admin import applications, results, rounds  # noqa: F401  (registers the pages)
