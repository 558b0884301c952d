"""Programme kinds and their default rules, loaded from data/kinds.json."""

from edureg.core.services import acting
from edureg.programmes.data.loader import KINDS_FILE, LoadReport, load_kinds_into
from edureg.programmes.models import ProgrammeKind, ProgrammeRule


def load_kinds(*, actor=None, update: bool = False, path=KINDS_FILE) -> LoadReport:
    """Create the shipped kinds and rules that are missing (and with update=True, reset the others)."""
    with acting(actor, source="command" if actor is None else None):
        return load_kinds_into(ProgrammeKind, ProgrammeRule, update=update, path=path)
