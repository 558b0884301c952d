"""Enrolments: enrol, end with a reason, transfer (end + start in one operation)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
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


def overlap_error(clash, *, actor=None) -> ValidationError:
    """The overlap with `clash` (an enrolment, or the import's record of one, with pk, institution, start_date).

    The message names the other school and date only to an actor who may see that enrolment (and to the system
    actor, None): another school's learners are not an institution officer's data, even when they hold the
    learner's personal code. They can still take the learner over with a transfer.
    """
    if actor is not None and not Enrolment.objects.for_user(actor, "view").filter(pk=clash.pk).exists():
        return ValidationError({"start_date": _(
            "The learner already has a main general-education enrolment at another institution that overlaps "
            "this one. Record the enrolment as a transfer from the current school.")})
    return ValidationError({"start_date": _(
        "The learner already has a main general-education enrolment at %(inst)s from %(start)s "
        "that overlaps this one. End it or transfer the learner.") % {
            "inst": clash.institution, "start": clash.start_date.isoformat()}})


def _check_overlap(enrolment: Enrolment, *, actor=None) -> None:
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
        raise overlap_error(clash, actor=actor)


def enrol(*, actor, **fields) -> Enrolment:
    with acting(actor):
        enrolment = Enrolment(**fields)
        enrolment.full_clean(validate_constraints=False)
        _check_overlap(enrolment, actor=actor)  # before the constraints: its message names the clashing enrolment
        enrolment.validate_constraints()
        enrolment.save()
        ensure_in_scope(enrolment, actor=actor, action="add")
    return enrolment


def enrol_or_transfer(*, actor, person, transfer_in: bool = False, **fields) -> Enrolment:
    """Enrol `person`; with `transfer_in`, a learner who still has an open main general-education enrolment at
    another institution is transferred from it (it ends the day before, reason "transferred")."""
    with acting(actor):
        if transfer_in and is_single_main(Enrolment(person=person, **fields)):
            current = (Enrolment.objects.filter(person=person, is_main=True, kind=EducationKind.GENERAL,
                                                end_date__isnull=True)
                       .exclude(institution=fields.get("institution")).first())
            if current is not None:
                rest = {k: v for k, v in fields.items() if k not in ("institution", "start_date")}
                return transfer(current, to_institution=fields["institution"], on=fields["start_date"],
                                actor=actor, **rest)
        return enrol(actor=actor, person=person, **fields)


def enrol_person(*, actor, person_data: dict, transfer_in: bool = False, **fields) -> Enrolment:
    """Enrol someone identified by personal code (or other id), registering them first if unknown."""
    from edureg.persons.services import find_or_register

    with acting(actor):
        person = find_or_register(actor=actor, **person_data)
        return enrol_or_transfer(actor=actor, person=person, transfer_in=transfer_in, **fields)


def update_enrolment(enrolment: Enrolment, *, actor, **changes) -> Enrolment:
    with acting(actor):
        ensure_in_scope(enrolment, actor=actor, action="change")
        for field, value in changes.items():
            setattr(enrolment, field, value)
        enrolment.full_clean(validate_constraints=False)
        _check_overlap(enrolment, actor=actor)  # before the constraints: its message names the clashing enrolment
        enrolment.validate_constraints()
        enrolment.save()
        ensure_in_scope(enrolment, actor=actor, action="change")
    return enrolment


def end_enrolment(enrolment: Enrolment, *, end_date: datetime.date, reason: ClassifierItem, actor) -> Enrolment:
    if enrolment.end_date is not None:
        raise ValidationError({"end_date": _("This enrolment has already ended on %(d)s.") % {
            "d": enrolment.end_date.isoformat()}})
    return apply_changes(enrolment, {"end_date": end_date, "end_reason": reason}, actor=actor)


def _may(actor, enrolment: Enrolment, action: str) -> bool:
    return actor is None or Enrolment.objects.for_user(actor, action).filter(pk=enrolment.pk).exists()


def transfer(enrolment: Enrolment, *, to_institution, on: datetime.date, actor, **new_fields) -> Enrolment:
    """End `enrolment` the day before `on` (reason: transferred) and start one at `to_institution`.

    Either school may record a transfer: the old one (it may change the enrolment) or the new one (it may
    enrol there). The other half is written on that authority, in the same transaction and audit context.
    """
    if on <= enrolment.start_date:
        raise ValidationError({"on": _("A transfer date must be after the start of the current enrolment.")})
    with acting(actor):
        may_end = _may(actor, enrolment, "change")
        reason = resolve("enrolment_end_reason", END_TRANSFERRED, on=on)
        end_enrolment(enrolment, end_date=on - datetime.timedelta(days=1), reason=reason,
                      actor=actor if may_end else None)
        fields = {"person": enrolment.person, "kind": enrolment.kind, "is_main": enrolment.is_main,
                  "school_year": enrolment.school_year, "grade": enrolment.grade,
                  "isced_level": enrolment.isced_level, **new_fields}
        new = enrol(actor=None, institution=to_institution, start_date=on, **fields)
        if not (may_end or _may(actor, new, "add")):
            raise PermissionDenied(_("Only the learner's current or new institution may record a transfer."))
        return new


def delete_enrolment(enrolment: Enrolment, *, actor) -> None:
    delete_instance(enrolment, actor=actor)



