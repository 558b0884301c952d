"""Every write of data collections goes through these functions (the pages, the back-office, the API, the CLI):
form definitions and their loading (definitions.py), periods and reminders (periods.py), reports and their review
(submissions.py), the XLSX template and its upload (xlsx.py). Checking a rule's definition is in rules.py."""

from edureg.datacollections.services.definitions import (
    create_collection,
    create_field,
    create_rule,
    create_section,
    delete_collection,
    delete_field,
    delete_rule,
    delete_section,
    load_collections,
    rules_reading,
    update_collection,
    update_field,
    update_rule,
    update_section,
)
from edureg.datacollections.services.periods import (
    Reminder,
    close_period,
    create_period,
    delete_period,
    open_period,
    reminders,
    respondents,
    update_period,
)
from edureg.datacollections.services.rules import RULE_FUNCTIONS, check_rule
from edureg.datacollections.services.submissions import (
    approve,
    may_decide,
    may_fill_in,
    previous_values,
    return_submission,
    save_values,
    stored_values,
    submit,
    validate,
)
from edureg.datacollections.services.xlsx import import_xlsx, read_answers, template_name, template_xlsx

__all__ = [
    # definitions
    "load_collections", "create_collection", "update_collection", "delete_collection", "create_section",
    "update_section", "delete_section", "create_field", "update_field", "delete_field", "create_rule", "update_rule",
    "delete_rule", "rules_reading", "check_rule", "RULE_FUNCTIONS",
    # periods
    "create_period", "update_period", "delete_period", "open_period", "close_period", "respondents", "reminders",
    "Reminder",
    # submissions
    "save_values", "validate", "submit", "return_submission", "approve", "may_fill_in", "may_decide",
    "stored_values", "previous_values",
    # XLSX
    "template_xlsx", "import_xlsx", "read_answers", "template_name",
]
