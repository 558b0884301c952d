"""Pieces shared by the indicators' back-office pages."""

from django.utils.translation import gettext

from edureg.indicators.models import Observation


def with_observations(objs, observations):
    """The delete page's summary: the objects, and their observations counted rather than listed one by one (a run
    holds many thousands; they are deleted with it, without a right of their own: nobody edits observations)."""
    objs = list(objs)
    count = observations.count()
    opts = objs[0]._meta if objs else observations.model._meta
    summary = [str(obj) for obj in objs]
    if count:
        summary.append(gettext("%(n)d observations") % {"n": count})
    model_count = {opts.verbose_name_plural: len(objs)}
    if count:
        model_count[Observation._meta.verbose_name_plural] = count
    return summary, model_count, set(), []
