"""Employments of pedagogues."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, delete_instance, ensure_in_scope
from edureg.pedagogues.models import Employment


def employ(*, actor, subjects=(), **fields) -> Employment:
    with acting(actor):
        employment = Employment(**fields)
        employment.full_clean()
        employment.save()
        ensure_in_scope(employment, actor=actor, action="add")
        if subjects:
            employment.subjects.set(subjects)
    return employment


def employ_person(*, actor, person_data: dict, **fields) -> Employment:
    """Employ someone identified by personal code (or other id), registering them first if unknown."""
    from edureg.persons.services import find_or_register

    with acting(actor):
        person = find_or_register(actor=actor, **person_data)
        return employ(actor=actor, person=person, **fields)


def update_employment(employment: Employment, *, actor, **changes) -> Employment:
    return apply_changes(employment, changes, actor=actor, m2m=("subjects",))


def end_employment(employment: Employment, *, end_date: datetime.date, actor) -> Employment:
    if employment.end_date is not None:
        raise ValidationError({"end_date": _("This employment has already ended.")})
    return apply_changes(employment, {"end_date": end_date}, actor=actor)


def delete_employment(employment: Employment, *, actor) -> None:
    delete_instance(employment, actor=actor)
