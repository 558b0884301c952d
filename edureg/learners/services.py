"""Enrolments: enrol, end with a reason, transfer (end + start in one operation)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem
from edureg.classifiers.services import resolve
from edureg.core.services import acting, apply_changes, delete_instance, ensure_in_scope
from edureg.learners.choices import END_TRANSFERRED, EducationKind
from edureg.learners.models import Enrolment


def is_single_main(enrolment: Enrolment) -> bool:
    """Main general-education enrolments: a learner has at most one at a time."""
    return enrolment.is_main and enrolment.kind == EducationKind.GENERAL


def periods_overlap(start_a: datetime.date, end_a: datetime.date | None, start_b: datetime.date,
                    end_b: datetime.date | None) -> bool:
    """Whether two periods share a day (an open end is None)."""
    return start_a <= (end_b or datetime.date.max) and start_b <= (end_a or datetime.date.max)


def overlap_error(clash: Enrolment) -> ValidationError:
    return ValidationError({"start_date": _(
        "The learner already has a main general-education enrolment at %(inst)s from %(start)s "
        "that overlaps this one. End it or transfer the learner.") % {
            "inst": clash.institution, "start": clash.start_date.isoformat()}})


def _check_overlap(enrolment: Enrolment) -> None:
    """A learner has at most one main general-education enrolment at a time (the import checks the same
    rule in bulk with `is_single_main`, `periods_overlap` and `overlap_error`)."""
    if not is_single_main(enrolment):
        return
    end = enrolment.end_date or datetime.date.max
    clash = (Enrolment.objects.filter(person_id=enrolment.person_id, is_main=True, kind=EducationKind.GENERAL)
             .exclude(pk=enrolment.pk)
             .filter(Q(end_date__isnull=True) | Q(end_date__gte=enrolment.start_date), start_date__lte=end)
             .select_related("institution").first())
    if clash is not None:
        raise overlap_error(clash)


def enrol(*, actor, **fields) -> Enrolment:
    with acting(actor):
        enrolment = Enrolment(**fields)
        enrolment.full_clean(validate_constraints=False)
        _check_overlap(enrolment)  # before the constraints: its message names the clashing enrolment
        enrolment.validate_constraints()
        enrolment.save()
        ensure_in_scope(enrolment, actor=actor, action="add")
    return enrolment


def enrol_person(*, actor, person_data: dict, **fields) -> Enrolment:
    """Enrol someone identified by personal code (or other id), registering them first if unknown."""
    from edureg.persons.services import find_or_register

    with acting(actor):
        person = find_or_register(actor=actor, **person_data)
        return enrol(actor=actor, person=person, **fields)


def update_enrolment(enrolment: Enrolment, *, actor, **changes) -> Enrolment:
    with acting(actor):
        ensure_in_scope(enrolment, actor=actor, action="change")
        for field, value in changes.items():
            setattr(enrolment, field, value)
        enrolment.full_clean(validate_constraints=False)
        _check_overlap(enrolment)  # before the constraints: its message names the clashing enrolment
        enrolment.validate_constraints()
        enrolment.save()
        ensure_in_scope(enrolment, actor=actor, action="change")
    return enrolment


def end_enrolment(enrolment: Enrolment, *, end_date: datetime.date, reason: ClassifierItem, actor) -> Enrolment:
    if enrolment.end_date is not None:
        raise ValidationError({"end_date": _("This enrolment has already ended on %(d)s.") % {
            "d": enrolment.end_date.isoformat()}})
    return apply_changes(enrolment, {"end_date": end_date, "end_reason": reason}, actor=actor)


def transfer(enrolment: Enrolment, *, to_institution, on: datetime.date, actor, **new_fields) -> Enrolment:
    """End `enrolment` the day before `on` (reason: transferred) and start one at `to_institution`."""
    if on <= enrolment.start_date:
        raise ValidationError({"on": _("A transfer date must be after the start of the current enrolment.")})
    with acting(actor):
        reason = resolve("enrolment_end_reason", END_TRANSFERRED, on=on)
        end_enrolment(enrolment, end_date=on - datetime.timedelta(days=1), reason=reason, actor=actor)
        fields = {"person": enrolment.person, "kind": enrolment.kind, "is_main": enrolment.is_main,
                  "school_year": enrolment.school_year, "grade": enrolment.grade,
                  "isced_level": enrolment.isced_level, **new_fields}
        return enrol(actor=actor, institution=to_institution, start_date=on, **fields)


def delete_enrolment(enrolment: Enrolment, *, actor) -> None:
    delete_instance(enrolment, actor=actor)



