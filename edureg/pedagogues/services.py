"""Employments of pedagogues."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, delete_instance
from edureg.pedagogues.models import Employment


def employ(*, actor, subjects=(), **fields) -> Employment:
    with acting(actor):
        employment = Employment(**fields)
        employment.full_clean()
        employment.save()
        if subjects:
            employment.subjects.set(subjects)
    return employment


def update_employment(employment: Employment, *, actor, **changes) -> Employment:
    return apply_changes(employment, changes, actor=actor, m2m=("subjects",))


def end_employment(employment: Employment, *, end_date: datetime.date, actor) -> Employment:
    if employment.end_date is not None:
        raise ValidationError({"end_date": _("This employment has already ended.")})
    return apply_changes(employment, {"end_date": end_date}, actor=actor)


def delete_employment(employment: Employment, *, actor) -> None:
    delete_instance(employment, actor=actor)
