"""What the public reads: observations of the published run, public indicators only, with disclosure control
applied — a suppressed cell (flag "suppressed" or "secondary") shows its flag and no value, numerator or
denominator. Pages, downloads, the summary report and the open-data API all read through here."""

from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.models import IndicatorRun, Observation

HIDDEN_FLAGS = frozenset({"suppressed", "secondary"})


def published_run():
    return IndicatorRun.objects.published()


def published_observations(indicator=None, run=None, **dimension_filters):
    """The published run's observations (of `indicator` if given). `dimension_filters` take dimension codes
    ("" = the total over that dimension) and `year`."""
    run = run or published_run()
    if run is None:
        return Observation.objects.none()
    rows = Observation.objects.filter(run=run, indicator__is_public=True).select_related("indicator")
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    return rows.filter(**dimension_filters)


def masked(observation) -> dict:
    """An observation as the public may see it."""
    hidden = observation.flag in HIDDEN_FLAGS
    row = {"year": observation.year}
    row.update({name: getattr(observation, name) for name in DIMENSIONS})
    row.update(value=None if hidden else observation.value,
               numerator=None if hidden else observation.numerator,
               denominator=None if hidden else observation.denominator,
               flag=observation.flag)
    return row
