"""The evaluation procedures shipped with edureg (data/procedures.json) and a check of a procedure's consistency.

`load_procedures` is idempotent: missing procedures and criteria are created; existing ones are left as the
coordinators set them unless `update=True` (then the shipped values are written back; criteria that are not in the
file are kept, since scores refer to them). `edureg evaluation load [--update]` runs it.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.evaluation.choices import Purpose
from edureg.evaluation.models import Criterion, Procedure
from edureg.evaluation.services.common import ensure_coordinator

DEFAULT = Path(__file__).resolve().parent.parent / "data" / "procedures.json"
PROCEDURE_FIELDS = ("name_lt", "name_en", "description_lt", "description_en", "purpose", "experts_per_application",
                    "scale_min", "scale_max", "aggregation", "disagreement_points", "threshold", "conditions_threshold",
                    "eligibility_days", "evaluation_days", "decision_days", "appeal_days", "validity_years",
                    "expiry_warning_days", "conflict_years")
CRITERION_FIELDS = ("name_lt", "name_en", "description_lt", "description_en", "weight", "mandatory", "pass_mark",
                    "justification_required", "order")
DECIMALS = ("disagreement_points", "threshold", "conditions_threshold", "weight", "pass_mark")
CRITERION_DEFAULTS = {"description_lt": "", "description_en": "", "mandatory": False, "pass_mark": None,
                      "justification_required": True}


@dataclass
class LoadReport:
    procedures_created: int = 0
    procedures_updated: int = 0
    criteria_created: int = 0
    criteria_updated: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self):
        return (f"procedures: {self.procedures_created} created, {self.procedures_updated} updated; "
                f"criteria: {self.criteria_created} created, {self.criteria_updated} updated")


def _values(data: dict, names: tuple[str, ...]) -> dict:
    out = {k: data[k] for k in names if k in data}
    for name in DECIMALS:
        if out.get(name) is not None:
            out[name] = Decimal(str(out[name]))
    return out


def read_procedures(path=DEFAULT) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["procedures"]


def _save(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        instance.full_clean(exclude=["procedure"] if isinstance(instance, Criterion) else None)
    except ValidationError as exc:
        label = getattr(instance, "code", "")
        raise ValidationError({f"{label}.{k}": v for k, v in exc.message_dict.items()}) from None
    instance.save()


def load_procedures(*, actor=None, update: bool = False, path=DEFAULT) -> LoadReport:
    """Create the shipped procedures and criteria that are missing (with update=True, reset the others)."""
    from edureg.programmes.models import ProgrammeKind

    ensure_coordinator(actor)
    report = LoadReport()
    with acting(actor, source="command" if actor is None else None):
        for data in read_procedures(path):
            procedure = Procedure.objects.filter(code=data["code"]).first()
            created = procedure is None
            if created:
                procedure = Procedure(code=data["code"])
            if created or update:
                _save(procedure, _values(data, PROCEDURE_FIELDS))
                kinds = list(ProgrammeKind.objects.filter(code__in=data.get("kinds", [])))
                missing = set(data.get("kinds", [])) - {k.code for k in kinds}
                if missing:
                    report.problems.append(f"{procedure.code}: unknown programme kinds {sorted(missing)}")
                procedure.kinds.set(kinds)
                if created:
                    report.procedures_created += 1
                else:
                    report.procedures_updated += 1
            for order, cdata in enumerate(data.get("criteria", [])):
                criterion = Criterion.objects.filter(procedure=procedure, code=cdata["code"]).first()
                if criterion is not None and not update:
                    continue
                values = {**CRITERION_DEFAULTS, "order": order, **_values(cdata, CRITERION_FIELDS)}
                if criterion is None:
                    criterion = Criterion(procedure=procedure, code=cdata["code"])
                    report.criteria_created += 1
                else:
                    report.criteria_updated += 1
                _save(criterion, values)
            report.problems += [f"{procedure.code}: {p}" for p in check_procedure(procedure)]
    return report


def check_procedure(procedure: Procedure) -> list[str]:
    """What is wrong with a procedure as a whole (translated; [] = nothing): criteria, weights, pass marks,
    thresholds, kinds. An inactive procedure is one being prepared: it may have no criteria yet."""
    problems = []
    criteria = list(procedure.criteria.all()) if procedure.pk else []
    if not criteria:
        if procedure.active:
            problems.append(_("The procedure has no criteria; add them, or save it as inactive until it has."))
    elif sum((c.weight or 0 for c in criteria), Decimal(0)) <= 0:
        problems.append(_("At least one criterion needs a weight above 0."))
    for c in criteria:
        if c.mandatory and c.pass_mark is None:
            problems.append(_("The mandatory criterion %(code)s has no pass mark.") % {"code": c.code})
        if c.pass_mark is not None and not procedure.scale_min <= c.pass_mark <= procedure.scale_max:
            problems.append(_("The pass mark of %(code)s is off the scale %(low)s-%(high)s.") % {
                "code": c.code, "low": procedure.scale_min, "high": procedure.scale_max})
    if procedure.conditions_threshold is not None and procedure.conditions_threshold >= procedure.threshold:
        problems.append(_("The threshold with conditions must be below the pass threshold."))
    if procedure.purpose == Purpose.COMPETITION and procedure.conditions_threshold is not None:
        problems.append(_("A funding competition has no registration with conditions; leave that threshold empty."))
    if procedure.pk and procedure.purpose in (Purpose.ACCREDITATION, Purpose.REGISTRATION):
        kinds = list(procedure.kinds.all())
        if procedure.active and not kinds:
            problems.append(_("Choose the programme kinds whose submitted versions this procedure evaluates."))
        shared = (Procedure.objects.filter(active=True, purpose__in=(Purpose.ACCREDITATION, Purpose.REGISTRATION),
                                           kinds__in=kinds).exclude(pk=procedure.pk).distinct())
        if procedure.active and shared.exists():
            problems.append(_("Another active procedure already evaluates the same programme kinds: %(codes)s.") % {
                "codes": ", ".join(sorted(p.code for p in shared))})
    return problems


__all__ = ["DEFAULT", "LoadReport", "check_procedure", "load_procedures", "read_procedures"]
