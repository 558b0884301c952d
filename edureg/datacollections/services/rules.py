"""Checking a validation rule's definition when it is saved (the evaluation is in engine/validation.py)."""

from django.utils.translation import gettext as _

from edureg.indicators.engine.expressions import ExpressionError, Name, parse

RULE_FUNCTIONS = frozenset({"prev", "abs", "min", "max"})


def check_rule(rule) -> dict[str, list[str]]:
    """Both sides parse; they name only the collection's fields; prev() takes one field code."""
    errors: dict[str, list[str]] = {}
    codes = set(rule.collection.fields.values_list("code", flat=True)) if rule.collection_id else set()
    for side in ("left", "right"):
        try:
            expression = parse(getattr(rule, side), functions=RULE_FUNCTIONS)
        except ExpressionError as error:
            errors[side] = [_("The formula cannot be read: %(error)s.") % {"error": error}]
            continue
        unknown = sorted(expression.names - codes)
        if unknown:
            errors[side] = [_("Unknown field %(names)s.") % {"names": ", ".join(repr(u) for u in unknown)}]
        elif any(len(args) != 1 or not isinstance(args[0], Name) for args in expression.calls("prev")):
            errors[side] = [_("prev() takes one field code, e.g. prev(visits).")]
    return errors
