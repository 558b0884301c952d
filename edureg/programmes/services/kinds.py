"""Programme kinds and their rules: the shipped defaults loaded from data/kinds.json, and the agency's edits
(each one audited transaction, with the checks a rule needs beyond its row: bounds in order, module types known,
subtype of its kind)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, delete_instance, save_validated
from edureg.programmes.choices import ModuleType, RuleMetric
from edureg.programmes.data.loader import KINDS_FILE, LoadReport, load_kinds_into
from edureg.programmes.models import ProgrammeKind, ProgrammeRule

KIND_FIELDS = {f.name for f in ProgrammeKind._meta.concrete_fields} - {"id"}
RULE_FIELDS = {f.name for f in ProgrammeRule._meta.concrete_fields} - {"id"}


def _reject_unknown(fields: dict, allowed: set[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})


def check_subtypes(value) -> None:
    good = isinstance(value, list) and all(
        isinstance(s, dict) and isinstance(s.get("code"), str) and s["code"].strip()
        and all(isinstance(v, str) for v in s.values()) for s in value)
    codes = [s["code"] for s in value] if good else []
    if not good or len(codes) != len(set(codes)):
        raise ValidationError({"subtypes": _('Give a list of subtypes with distinct codes, e.g. [{"code": "national", '
                                             '"name_lt": "Nacionalinė", "name_en": "National"}].')})


def create_kind(*, actor, **fields) -> ProgrammeKind:
    _reject_unknown(fields, KIND_FIELDS)
    check_subtypes(fields.get("subtypes", []))
    return save_validated(ProgrammeKind(**fields), actor=actor)


def update_kind(kind: ProgrammeKind, *, actor, **changes) -> ProgrammeKind:
    _reject_unknown(changes, KIND_FIELDS)
    if "code" in changes and changes["code"] != kind.code and kind.programmes.exists():
        raise ValidationError({"code": _("Programmes of this kind exist; its code cannot change.")})
    if "subtypes" in changes:
        check_subtypes(changes["subtypes"])
    return apply_changes(kind, changes, actor=actor)


def check_rule(rule: ProgrammeRule) -> None:
    errors = {}
    if rule.minimum is not None and rule.maximum is not None and rule.minimum > rule.maximum:
        errors["maximum"] = _("The maximum cannot be below the minimum.")
    if not isinstance(rule.values, list) or not all(isinstance(v, str) for v in rule.values):
        errors["values"] = _("Give a list of codes, e.g. [\"competence\", \"final\"].")
    elif rule.metric == RuleMetric.MODULE_TYPES:
        values = rule.values if isinstance(rule.values, list) else None
        unknown = sorted(set(values or ()) - set(ModuleType.values))
        if not values:
            errors["values"] = _("List the module types that must be present, e.g. [\"competence\", \"final\"].")
        elif unknown:
            errors["values"] = _("Unknown module types: %(codes)s. Allowed: %(allowed)s.") % {
                "codes": ", ".join(map(str, unknown)), "allowed": ", ".join(ModuleType.values)}
    if rule.subtype and rule.kind_id and rule.subtype not in rule.kind.subtype_codes():
        errors["subtype"] = _("%(kind)s has no subtype %(code)s.") % {"kind": rule.kind, "code": rule.subtype}
    if errors:
        raise ValidationError(errors)


def create_rule(*, actor, **fields) -> ProgrammeRule:
    _reject_unknown(fields, RULE_FIELDS)
    rule = ProgrammeRule(**fields)
    with acting(actor):
        check_rule(rule)
        return save_validated(rule, actor=actor)


def update_rule(rule: ProgrammeRule, *, actor, **changes) -> ProgrammeRule:
    _reject_unknown(changes, RULE_FIELDS)
    with acting(actor):
        for name, value in changes.items():
            setattr(rule, name, value)
        check_rule(rule)
        return apply_changes(rule, {}, actor=actor)


def delete_rule(rule: ProgrammeRule, *, actor) -> None:
    delete_instance(rule, actor=actor)


def load_kinds(*, actor=None, update: bool = False, path=KINDS_FILE) -> LoadReport:
    """Create the shipped kinds and rules that are missing (and with update=True, reset the others)."""
    with acting(actor, source="command" if actor is None else None):
        return load_kinds_into(ProgrammeKind, ProgrammeRule, update=update, path=path)
