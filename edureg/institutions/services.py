"""Every write to the institution register goes through these functions."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, delete_instance, save_validated
from edureg.institutions.choices import STATUS_TRANSITIONS, InstitutionStatus
from edureg.institutions.models import Branch, Institution, StatusChange


def register_institution(*, actor, **fields) -> Institution:
    with acting(actor):
        institution = save_validated(Institution(**fields), actor=actor)
        StatusChange.objects.create(institution=institution, status=institution.status,
                                    since=institution.status_since or institution.registered_on,
                                    note=_("Registered"))
    return institution


# What identifies an institution and places it in a municipality's scope: kept by those who register institutions
# (the municipality for its own, the agency), not by the institution's own officer.
REGISTRAR_FIELDS = ("code", "municipality")


def _code(value):
    """A classifier item by its code (another version of the same item is no change); text as it is."""
    return getattr(value, "code", value)


def check_registrar_fields(institution: Institution, changes: dict, *, actor) -> None:
    """Refuse a change of the legal-entity code or the municipality by someone who may not register institutions.

    Moving a school to another municipality would hand its learners and staff to that municipality's officers
    (and take them from its own): a write that changes other users' scopes.
    """
    if actor is None or actor.has_perm("institutions.add_institution"):
        return
    errors = {field: _("Only the municipality or the agency may change this for an institution.")
              for field in REGISTRAR_FIELDS
              if field in changes and _code(changes[field]) != _code(getattr(institution, field))}
    if errors:
        raise ValidationError(errors)


def update_institution(institution: Institution, *, actor, **changes) -> Institution:
    """Edit register data. A status change goes through `change_status` so the history is kept."""
    check_registrar_fields(institution, changes, actor=actor)
    status = changes.pop("status", None)
    since = changes.pop("status_since", None)
    with acting(actor):
        apply_changes(institution, changes, actor=actor)
        if status is not None and status != institution.status:
            change_status(institution, status=status, since=since or datetime.date.today(), actor=actor)
    return institution


def check_status_change(institution: Institution, *, status: str, since: datetime.date) -> None:
    """The lifecycle rule: only the allowed transitions, and not back in time (also used by the import)."""
    if status not in STATUS_TRANSITIONS[InstitutionStatus(institution.status)]:
        raise ValidationError({"status": _("An institution cannot go from %(old)s to %(new)s.") % {
            "old": institution.get_status_display(), "new": InstitutionStatus(status).label}})
    if since < institution.status_since:
        raise ValidationError({"status_since": _("The new status cannot start before the current one.")})


def change_status(institution: Institution, *, status: str, since: datetime.date, actor, note: str = "") -> Institution:
    check_status_change(institution, status=status, since=since)
    with acting(actor):
        institution.status = status
        institution.status_since = since
        if status == InstitutionStatus.LIQUIDATED:
            institution.liquidated_on = since
        save_validated(institution, actor=actor)
        StatusChange.objects.create(institution=institution, status=status, since=since, note=note)
    return institution


def delete_institution(institution: Institution, *, actor) -> None:
    """Only for records entered by mistake: an institution with learners or staff is protected."""
    delete_instance(institution, actor=actor)


def add_branch(*, actor, **fields) -> Branch:
    return save_validated(Branch(**fields), actor=actor)


def update_branch(branch: Branch, *, actor, **changes) -> Branch:
    return apply_changes(branch, changes, actor=actor)


def delete_branch(branch: Branch, *, actor) -> None:
    delete_instance(branch, actor=actor)
