"""Every write of common admission goes through these functions (the back-office, the API, the applicant's pages,
the CLI, imports and the background job call them): rounds and their configuration (rounds.py), applications
(applications.py), allocation runs (runs.py), invitations and contracts (contracts.py)."""

from edureg.admission.services.applications import (
    accepts_changes,
    create_application,
    formula_codes,
    set_grades,
    set_preferences,
    submit_application,
    update_application,
    withdraw_application,
)
from edureg.admission.services.contracts import annul_unsigned, decline_invitation, places_left, record_contract
from edureg.admission.services.rounds import (
    add_offers,
    candidate_offerings,
    close_applications,
    create_formula,
    create_offer,
    create_round,
    current_run,
    delete_formula,
    delete_offer,
    delete_round,
    offer_code,
    open_next_round,
    open_round,
    publish_results,
    update_formula,
    update_offer,
    update_round,
)
from edureg.admission.services.runs import execute_run, round_input, run_round_now, start_run

__all__ = [
    # rounds
    "add_offers", "candidate_offerings", "close_applications", "create_formula", "create_offer", "create_round",
    "current_run", "delete_formula", "delete_offer", "delete_round", "offer_code", "open_next_round", "open_round",
    "publish_results", "update_formula", "update_offer", "update_round",
    # applications
    "accepts_changes", "create_application", "formula_codes", "set_grades", "set_preferences", "submit_application",
    "update_application", "withdraw_application",
    # runs
    "execute_run", "round_input", "run_round_now", "start_run",
    # contracts
    "annul_unsigned", "decline_invitation", "places_left", "record_contract",
]
