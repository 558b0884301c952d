"""Checking a version against its kind's rules (the rules engine) and field requirements."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language

from edureg.programmes.engine.rules import Finding, KindFacts, ModuleFacts, ProgrammeFacts, Rule, check
from edureg.programmes.models import ProgrammeKind, ProgrammeRule, ProgrammeVersion


def language() -> str:
    return "en" if (get_language() or "lt")[:2] == "en" else "lt"


def version_facts(version: ProgrammeVersion) -> ProgrammeFacts:
    modules = tuple(ModuleFacts(code=m.code, type=m.type, credits=m.credits, hours=m.hours,
                                practice_hours=m.practice_hours, mandatory=m.mandatory)
                    for m in version.modules.all())
    total = None
    if version.hours is not None:
        total = Decimal(version.hours)
    elif version.credits is not None:
        total = Decimal(version.credits) * settings.EDUREG_CREDIT_HOURS
    return ProgrammeFacts(kind=version.programme.kind.code, subtype=version.subtype, credits=version.credits,
                          hours=version.hours, practice_hours=version.practice_hours, total_hours=total,
                          ltks_level=version.ltks_level, has_qualification=version.qualification_id is not None,
                          modules=modules)


def kind_facts(kind: ProgrammeKind) -> KindFacts:
    return KindFacts(code=kind.code, unit=kind.unit, requires_qualification=kind.requires_qualification,
                     requires_ltks_level=kind.requires_ltks_level)


def engine_rule(row: ProgrammeRule) -> Rule:
    return Rule(code=row.code, metric=row.metric, minimum=row.minimum, maximum=row.maximum,
                values=tuple(row.values or ()), subtype=row.subtype, severity=row.severity,
                message_lt=row.message_lt, message_en=row.message_en)


def kind_rules(kind: ProgrammeKind) -> list[Rule]:
    """Active rules in the order they were written (the shipped ones in data order)."""
    return [engine_rule(row) for row in ProgrammeRule.objects.filter(kind=kind, active=True).order_by("id")]


def check_version(version: ProgrammeVersion) -> list[Finding]:
    """The findings for this version (errors block submission, warnings do not), in the active language."""
    kind = version.programme.kind
    return check(version_facts(version), kind_facts(kind), kind_rules(kind), language())


def findings_error(findings: list[Finding]) -> dict[str, list[str]]:
    """Blocking findings as ValidationError content: {field: [one message per broken rule]}."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.blocking:
            errors.setdefault(finding.field or "__all__", []).append(finding.message)
    return errors
