"""Load kinds.json into ProgrammeKind and ProgrammeRule rows. Takes the model classes as arguments, so the
data migration can pass its historical models and the service the live ones.

Idempotent: missing kinds and rules are created; existing ones are left as the administrators set them
unless `update=True` (then the shipped values are written back).
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

KINDS_FILE = Path(__file__).with_name("kinds.json")
KIND_FIELDS = ("name_lt", "name_en", "formal", "modular", "unit", "requires_qualification", "requires_ltks_level",
               "code_prefix", "forms", "target_groups", "subtypes", "sort_order")
RULE_FIELDS = ("subtype", "metric", "minimum", "maximum", "values", "severity", "message_lt", "message_en",
               "active")
RULE_DEFAULTS = {"subtype": "", "minimum": None, "maximum": None, "values": [], "severity": "error",
                 "message_lt": "", "message_en": "", "active": True}


@dataclass
class LoadReport:
    kinds_created: int = 0
    kinds_updated: int = 0
    rules_created: int = 0
    rules_updated: int = 0

    def __str__(self):
        return (f"programme kinds: {self.kinds_created} created, {self.kinds_updated} updated; "
                f"rules: {self.rules_created} created, {self.rules_updated} updated")


def read_kinds(path: Path = KINDS_FILE) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["kinds"]


def _rule_values(data: dict) -> dict:
    values = {**RULE_DEFAULTS, **{k: data[k] for k in RULE_FIELDS if k in data}}
    for bound in ("minimum", "maximum"):
        if values[bound] is not None:
            values[bound] = Decimal(str(values[bound]))
    return values


def load_kinds_into(kind_model, rule_model, *, update: bool = False, path: Path = KINDS_FILE) -> LoadReport:
    report = LoadReport()
    for data in read_kinds(path):
        values = {k: data[k] for k in KIND_FIELDS if k in data}
        kind = kind_model.objects.filter(code=data["code"]).first()
        if kind is None:
            kind = kind_model.objects.create(code=data["code"], **values)
            report.kinds_created += 1
        elif update:
            for name, value in values.items():
                setattr(kind, name, value)
            kind.save()
            report.kinds_updated += 1
        for rule_data in data.get("rules", []):
            rule_values = _rule_values(rule_data)
            rule = rule_model.objects.filter(kind=kind, code=rule_data["code"]).first()
            if rule is None:
                rule_model.objects.create(kind=kind, code=rule_data["code"], **rule_values)
                report.rules_created += 1
            elif update:
                for name, value in rule_values.items():
                    setattr(rule, name, value)
                rule.save()
                report.rules_updated += 1
    return report
