"""Writes of single catalogue entries (themes, measures, indicators) from the back-office and the API: validated,
audited saves (edureg.core.services) plus the catalogue's own rules — a measure named by formulas keeps its code
and is not deleted; an indicator of the published run is not deleted (it would vanish from the open data; make it
not public instead)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import apply_changes, delete_instance, save_validated
from edureg.indicators.engine.expressions import ExpressionError, parse
from edureg.indicators.models import Indicator, Measure
from edureg.indicators.publication import published_run


def formula_names(text: str) -> list[str]:
    """The measure codes a stored formula reads, in the order they first appear (none if it does not parse)."""
    if not text:
        return []
    try:
        names = parse(text).names
    except ExpressionError:
        return []
    return sorted(names, key=lambda n: (text.find(n), n))


def indicators_using(measure_code: str) -> list[str]:
    return sorted(i.code for i in Indicator.objects.only("code", "numerator", "denominator")
                  if measure_code in formula_names(i.numerator) + formula_names(i.denominator))


def create_entry(model):
    def create(*, actor, **fields):
        return save_validated(model(**fields), actor=actor)

    return create


def update_entry(instance, *, actor, **changes):
    if isinstance(instance, Measure) and changes.get("code", instance.code) != instance.code:
        users = indicators_using(instance.code)
        if users:
            raise ValidationError({"code": [_("Indicators %(codes)s name this measure in their formulas; "
                                              "change them first.") % {"codes": ", ".join(users)}]})
    return apply_changes(instance, changes, actor=actor)


def deletion_refusal(instance) -> str:
    """Why a catalogue entry cannot be deleted ("" when it can)."""
    if isinstance(instance, Measure):
        users = indicators_using(instance.code)
        if users:
            return _("Indicators %(codes)s name this measure in their formulas; change them first.") % {
                "codes": ", ".join(users)}
    if isinstance(instance, Indicator):
        run = published_run()
        if run is not None and run.observations.filter(indicator=instance).exists():
            return _("The indicator is published in run #%(number)d; it cannot be deleted. Make it not public "
                     "instead.") % {"number": run.number}
    return ""


def delete_entry(instance, *, actor):
    refusal = deletion_refusal(instance)
    if refusal:
        raise ValidationError(refusal)
    delete_instance(instance, actor=actor)
