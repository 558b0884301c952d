"""Every write to the programmes register goes through these functions (admin, API, import and commands
call them). See /docs and the contract in each module's docstring."""

from edureg.programmes.diff import Difference, diff_versions
from edureg.programmes.engine.rules import Finding
from edureg.programmes.services.checks import check_version
from edureg.programmes.services.common import (
    ensure_draft,
    is_registrar,
    next_temp_code,
    refresh_head,
)
from edureg.programmes.services.kinds import (
    create_kind,
    create_rule,
    delete_rule,
    load_kinds,
    update_kind,
    update_rule,
)
from edureg.programmes.services.lifecycle import (
    cancel_deregistration,
    confirm_deregistration,
    decide_submission,
    generated_state_code,
    register_version,
    reject_version,
    request_deregistration,
    resume_programme,
    return_version,
    set_accreditation_end,
    submit_version,
    suspend_programme,
)
from edureg.programmes.services.modules import add_module, delete_module, update_module
from edureg.programmes.services.offerings import create_offering, delete_offering, update_offering
from edureg.programmes.services.programmes import (
    create_programme,
    delete_programme,
    new_version,
    update_programme,
    update_version,
)

__all__ = [
    "Difference", "Finding", "add_module", "create_kind", "create_rule", "delete_rule", "update_kind",
    "update_rule", "cancel_deregistration", "check_version", "confirm_deregistration",
    "create_offering", "create_programme", "decide_submission", "delete_module", "delete_offering",
    "delete_programme", "diff_versions", "ensure_draft", "generated_state_code", "is_registrar", "load_kinds",
    "new_version", "next_temp_code", "refresh_head", "register_version", "reject_version", "request_deregistration",
    "resume_programme", "return_version", "set_accreditation_end", "submit_version", "suspend_programme",
    "update_module", "update_offering", "update_programme", "update_version",
]
