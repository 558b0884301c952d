"""Every write to the qualifications system goes through these functions (admin, API, imports, commands).

A professional standard's status follows the sectoral committee's decisions and the agency's own steps; the
table is in docs/qualifications.md and in DECISION_STATUS / AGENCY_TRANSITIONS below.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.search import search_document
from edureg.core.services import acting, apply_changes, delete_instance, ensure_in_scope, save_validated
from edureg.qualifications.choices import DecisionOutcome, StandardStatus
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)

S = StandardStatus
# A committee decides on a standard while it is being drafted or consulted on; its content changes only then.
UNDER_REVIEW = (S.DRAFT, S.CONSULTATION)
DECISION_STATUS = {
    DecisionOutcome.APPROVE: S.APPROVED,
    DecisionOutcome.RETURN: S.DRAFT,
    DecisionOutcome.REJECT: S.WITHDRAWN,
}
# The agency's own steps: target status -> the statuses it may come from.
AGENCY_TRANSITIONS = {
    S.CONSULTATION: (S.DRAFT,),
    S.REGISTERED: (S.APPROVED,),
    S.WITHDRAWN: (S.DRAFT, S.CONSULTATION, S.APPROVED, S.REGISTERED),
}
# Set only by the transitions, never by an edit.
STATUS_FIELDS = ("status", "status_since", "status_reason", "valid_from")


def _status_label(value) -> str:
    return str(S(value).label)


def _refuse_transition(standard: ProfessionalStandard, to) -> ValidationError:
    return ValidationError({"status": _("A professional standard cannot go from %(old)s to %(new)s.") % {
        "old": _status_label(standard.status), "new": _status_label(to)}})


# --- committees, members, meetings ------------------------------------------------------------------

def create_committee(*, actor, **fields) -> SectoralCommittee:
    return save_validated(SectoralCommittee(**fields), actor=actor)


def update_committee(committee: SectoralCommittee, *, actor, **changes) -> SectoralCommittee:
    return apply_changes(committee, changes, actor=actor)


def delete_committee(committee: SectoralCommittee, *, actor) -> None:
    """Only a committee entered by mistake: one with meetings or standards is protected (dissolve it instead)."""
    delete_instance(committee, actor=actor)


def add_member(*, actor, **fields) -> CommitteeMember:
    return save_validated(CommitteeMember(**fields), actor=actor)


def update_member(member: CommitteeMember, *, actor, **changes) -> CommitteeMember:
    return apply_changes(member, changes, actor=actor)


def remove_member(member: CommitteeMember, *, actor) -> None:
    """For a member entered by mistake; a member who leaves gets an end date."""
    delete_instance(member, actor=actor)


def create_meeting(*, actor, **fields) -> CommitteeMeeting:
    return save_validated(CommitteeMeeting(**fields), actor=actor)


def update_meeting(meeting: CommitteeMeeting, *, actor, **changes) -> CommitteeMeeting:
    return apply_changes(meeting, changes, actor=actor)


def delete_meeting(meeting: CommitteeMeeting, *, actor) -> None:
    """A meeting with decisions is protected: the decisions are deleted first."""
    delete_instance(meeting, actor=actor)


# --- professional standards -----------------------------------------------------------------------

def create_standard(*, actor, **fields) -> ProfessionalStandard:
    """A new standard starts as a draft; its status then moves only by decisions and the agency's steps."""
    status = fields.pop("status", S.DRAFT)
    if status != S.DRAFT:
        raise ValidationError({"status": _("A new professional standard starts as a draft.")})
    for name in STATUS_FIELDS[1:]:
        fields.pop(name, None)
    standard = save_validated(ProfessionalStandard(**fields), actor=actor)
    return standard


def _changed(instance, changes: dict) -> dict:
    """The changes that differ from the stored row (a form or PATCH may repeat unchanged values; an admin form
    has already set its values on the instance, so the stored row is the one to compare with)."""
    stored = type(instance)._base_manager.filter(pk=instance.pk).first() or instance
    differ = {}
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        current = getattr(stored, field.attname)
        new = value.pk if field.is_relation and hasattr(value, "pk") else value
        if current != new:
            differ[name] = value
    return differ


def update_standard(standard: ProfessionalStandard, *, actor, **changes) -> ProfessionalStandard:
    """Edit a draft or a standard in consultation. An approved or registered standard keeps its content (only
    its end of validity may be set): a change makes a new version (new_standard_version)."""
    changes = _changed(standard, changes)
    status_changes = [name for name in STATUS_FIELDS if name in changes]
    if status_changes:
        raise ValidationError({"status": _("The status changes only by a committee decision or the agency's "
                                           "steps (consultation, registration, withdrawal).")})
    if standard.status not in UNDER_REVIEW and set(changes) - {"valid_to"}:
        raise ValidationError({"status": _("A standard that is %(status)s is not changed: make a new version.")
                               % {"status": _status_label(standard.status).lower()}})
    renamed = {"name_lt", "name_en"} & set(changes)
    with acting(actor):
        apply_changes(standard, changes, actor=actor)
        if renamed:
            refresh_search_text(standard.qualifications.all())
    return standard


def delete_standard(standard: ProfessionalStandard, *, actor) -> None:
    """Only a draft is deleted (with its competences); a standard in use is withdrawn instead."""
    if standard.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft is deleted; withdraw this standard instead.")})
    with acting(actor):
        ensure_in_scope(standard, actor=actor, action="delete")
        for competence in standard.competences.all():
            delete_competence(competence, actor=actor)
        delete_instance(standard, actor=actor)


def _move(standard: ProfessionalStandard, *, to, on: datetime.date, reason: str, actor,
          date_field: str = "on", **extra) -> ProfessionalStandard:
    if on < standard.status_since:
        raise ValidationError({date_field: _("The new status cannot start before the current one (%(date)s).")
                               % {"date": standard.status_since.isoformat()}})
    standard.status, standard.status_since, standard.status_reason = to, on, reason
    for name, value in extra.items():
        setattr(standard, name, value)
    return save_validated(standard, actor=actor)


def open_consultation(standard: ProfessionalStandard, *, actor, on: datetime.date | None = None):
    """draft → public consultation."""
    if standard.status not in AGENCY_TRANSITIONS[S.CONSULTATION]:
        raise _refuse_transition(standard, S.CONSULTATION)
    return _move(standard, to=S.CONSULTATION, on=on or datetime.date.today(), reason="", actor=actor)


def register_standard(standard: ProfessionalStandard, *, actor, registered_on: datetime.date):
    """approved → registered, valid from `registered_on`. An earlier registered version of the same code that is
    still valid then ends the day before (it is superseded)."""
    if standard.status not in AGENCY_TRANSITIONS[S.REGISTERED]:
        raise _refuse_transition(standard, S.REGISTERED)
    with acting(actor):
        for older in (ProfessionalStandard.objects.filter(code=standard.code, status=S.REGISTERED,
                                                          version__lt=standard.version)
                      .exclude(valid_to__lt=registered_on)):
            if older.valid_from and older.valid_from >= registered_on:
                raise ValidationError({"registered_on": _(
                    "Version %(version)s is valid from %(date)s: the new version must start later.") % {
                    "version": older.version, "date": older.valid_from.isoformat()}})
            older.valid_to = registered_on - datetime.timedelta(days=1)
            save_validated(older, actor=actor)
        return _move(standard, to=S.REGISTERED, on=registered_on, reason="", actor=actor, date_field="registered_on",
                     valid_from=registered_on)


def withdraw_standard(standard: ProfessionalStandard, *, actor, reason: str, on: datetime.date | None = None):
    """Any status but withdrawn → withdrawn, with the reason; a registered standard stops being valid that day."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    if standard.status not in AGENCY_TRANSITIONS[S.WITHDRAWN]:
        raise _refuse_transition(standard, S.WITHDRAWN)
    on = on or datetime.date.today()
    extra = {}
    if standard.valid_from and (standard.valid_to is None or standard.valid_to > on):
        extra["valid_to"] = max(on, standard.valid_from)
    return _move(standard, to=S.WITHDRAWN, on=on, reason=reason.strip(), actor=actor, **extra)


def change_standard_status(standard: ProfessionalStandard, *, actor, status: str, on: datetime.date | None = None,
                           reason: str = "") -> ProfessionalStandard:
    """One entry point for the agency's three steps (the API's and the back-office's status forms)."""
    if status == S.CONSULTATION:
        return open_consultation(standard, actor=actor, on=on)
    if status == S.REGISTERED:
        return register_standard(standard, actor=actor, registered_on=on or datetime.date.today())
    if status == S.WITHDRAWN:
        return withdraw_standard(standard, actor=actor, reason=reason, on=on)
    raise _refuse_transition(standard, status)


def version_code(code: str, version: int) -> str:
    """A competence code for a standard's version n: its code without an earlier "-V<k>" suffix, plus "-V<n>"."""
    suffix = f"-V{version}"
    base = re.sub(r"-V\d+$", "", code)
    return base[: 40 - len(suffix)] + suffix


def new_standard_version(standard: ProfessionalStandard, *, actor) -> ProfessionalStandard:
    """Copy the latest version of a standard as version n+1, a draft, with copies of its competences.

    Competence codes are unique across standards, so each copy gets the code "<code>-V<n+1>" (see version_code).
    Qualifications stay with the version they point at until the agency moves them to the new one.
    """
    latest = ProfessionalStandard.objects.filter(code=standard.code).order_by("-version").first()
    if latest.pk != standard.pk:
        raise ValidationError({"version": _("Version %(version)s is the latest: make the new version from it.")
                               % {"version": latest.version}})
    if standard.status in UNDER_REVIEW:
        raise ValidationError({"status": _("This version is still %(status)s: change it instead of making a new "
                                           "version.") % {"status": _status_label(standard.status).lower()}})
    version = standard.version + 1
    competences = list(standard.competences.order_by("code"))
    taken = set(Competence.objects.filter(code__in=[version_code(c.code, version) for c in competences])
                .values_list("code", flat=True))
    if taken:
        raise ValidationError({"competences": _("Competence codes %(codes)s are taken already.")
                               % {"codes": ", ".join(sorted(taken))}})
    copied = ("code", "name_lt", "name_en", "sector_id", "committee_id", "description_lt", "description_en")
    with acting(actor):
        new = save_validated(ProfessionalStandard(version=version, status=S.DRAFT,
                                                  **{f: getattr(standard, f) for f in copied}), actor=actor)
        for c in competences:
            save_validated(Competence(code=version_code(c.code, version), standard=new, name_lt=c.name_lt,
                                      name_en=c.name_en, description_lt=c.description_lt,
                                      description_en=c.description_en, ltks_level=c.ltks_level), actor=actor)
    return new


# --- committee decisions ---------------------------------------------------------------------------

def record_decision(*, actor, meeting, outcome, reasons="", standard=None, programme_version=None) -> CommitteeDecision:
    """A committee's decision at a meeting. On a professional standard it moves the standard's status
    (DECISION_STATUS); on a programme version it is advice to the agency and is only recorded."""
    with acting(actor):
        if standard is not None and standard.pk is not None:
            # The stored row, locked: the caller's copy may be stale (or changed by a rolled-back dry run).
            standard = ProfessionalStandard.objects.select_for_update().get(pk=standard.pk)
        decision = CommitteeDecision(meeting=meeting, outcome=outcome, reasons=(reasons or "").strip(),
                                     standard=standard, programme_version=programme_version)
        decision.full_clean()
        if standard is not None:
            if standard.status not in UNDER_REVIEW:
                raise ValidationError({"status": _(
                    "A committee decides on a draft or a standard in public consultation; this one is %(status)s.")
                    % {"status": _status_label(standard.status).lower()}})
            if standard.committee_id and standard.committee_id != meeting.committee_id:
                raise ValidationError({"meeting": _("The standard is reviewed by %(committee)s.")
                                       % {"committee": standard.committee}})
            if meeting.date < standard.status_since:
                raise ValidationError({"meeting": _("The meeting was before the standard's current status began "
                                                    "(%(date)s).") % {"date": standard.status_since.isoformat()}})
        decision.save()
        ensure_in_scope(decision, actor=actor, action="add")
        if standard is not None:
            _move(standard, to=DECISION_STATUS[DecisionOutcome(outcome)], on=meeting.date, reason=decision.reasons,
                  actor=actor, date_field="meeting")
    return decision


def update_decision(decision: CommitteeDecision, *, actor, **changes) -> CommitteeDecision:
    """Only the reasons of a decision are corrected; a different decision is recorded as a new one."""
    changes = _changed(decision, changes)
    fixed = set(changes) - {"reasons"}
    if fixed:
        raise ValidationError({name: _("A decision is not changed: record a new decision (the reasons may be "
                                       "corrected).") for name in sorted(fixed)})
    with acting(actor):
        apply_changes(decision, changes, actor=actor)
        standard = decision.standard
        # The standard shows the reasons of the decision that gave it its status.
        if (standard is not None and "reasons" in changes and standard.status == DECISION_STATUS[decision.outcome]
                and standard.decisions.order_by("-meeting__date", "-id").first() == decision):
            standard.status_reason = decision.reasons
            save_validated(standard, actor=actor)
    return decision


def delete_decision(decision: CommitteeDecision, *, actor) -> None:
    """For a decision entered by mistake. The standard's status stays as it is (docs/qualifications.md)."""
    delete_instance(decision, actor=actor)


# --- competences ----------------------------------------------------------------------------------

def _check_standard_open(standard, field: str = "standard") -> None:
    if standard is not None and standard.status not in UNDER_REVIEW:
        raise ValidationError({field: _("The competences of a standard that is %(status)s are not changed: make a "
                                        "new version of the standard.")
                               % {"status": _status_label(standard.status).lower()}})


def create_competence(*, actor, **fields) -> Competence:
    competence = Competence(**fields)
    _check_standard_open(competence.standard if competence.standard_id else None)
    return save_validated(competence, actor=actor)


def update_competence(competence: Competence, *, actor, **changes) -> Competence:
    changes = _changed(competence, changes)
    if not changes:
        return competence
    stored = Competence.objects.select_related("standard").get(pk=competence.pk)
    _check_standard_open(stored.standard)
    if "standard" in changes:
        _check_standard_open(changes["standard"])
    with acting(actor):
        apply_changes(competence, changes, actor=actor)
        if {"name_lt", "name_en"} & set(changes):
            refresh_search_text(competence.qualifications.all())
    return competence


def delete_competence(competence: Competence, *, actor) -> None:
    _check_standard_open(competence.standard if competence.standard_id else None)
    with acting(actor):
        ensure_in_scope(competence, actor=actor, action="delete")
        # Removed from each qualification first, so that each keeps a change record and a fresh search text.
        for qualification in competence.qualifications.all():
            qualification.competences.remove(competence)
        delete_instance(competence, actor=actor)


# --- qualifications -------------------------------------------------------------------------------

def qualification_document(qualification: Qualification, competences) -> str:
    """The folded search text of a qualification: code, names, its standard's names, its competences' names."""
    standard = qualification.standard if qualification.standard_id else None
    parts = [qualification.code, qualification.name_lt, qualification.name_en]
    if standard is not None:
        parts += [standard.name_lt, standard.name_en]
    for competence in competences:
        parts += [competence.name_lt, competence.name_en]
    return search_document(*parts)


def refresh_search_text(qualifications) -> int:
    """Recompute search_text of these qualifications (after a rename or a change of competences); how many
    changed. Bulk loaders that write competences with bulk_create call this afterwards."""
    changed = 0
    for qualification in qualifications.select_related("standard").prefetch_related("competences"):
        text = qualification_document(qualification, qualification.competences.all())
        if text != qualification.search_text:
            qualification.search_text = text
            qualification.save(update_fields=["search_text"])
            changed += 1
    return changed


def _check_competences(qualification: Qualification, competences) -> None:
    """A qualification's competences come from its own professional standard, or from none."""
    own = qualification.standard_id
    foreign = sorted(c.code for c in competences if c.standard_id and c.standard_id != own)
    if foreign:
        raise ValidationError({"competences": _("Competences %(codes)s belong to another professional standard.")
                               % {"codes": ", ".join(foreign)}})


def create_qualification(*, actor, competences=(), **fields) -> Qualification:
    competences = list(competences or ())
    qualification = Qualification(**fields)
    _check_competences(qualification, competences)
    qualification.search_text = qualification_document(qualification, competences)
    with acting(actor):
        save_validated(qualification, actor=actor)
        qualification.competences.set(competences)
    return qualification


def update_qualification(qualification: Qualification, *, actor, **changes) -> Qualification:
    competences = changes.pop("competences", None)
    with acting(actor):
        ensure_in_scope(qualification, actor=actor, action="change")
        for name, value in changes.items():
            setattr(qualification, name, value)
        current = list(competences) if competences is not None else list(qualification.competences.all())
        _check_competences(qualification, current)
        qualification.search_text = qualification_document(qualification, current)
        qualification.full_clean()
        qualification.save()
        if competences is not None:
            qualification.competences.set(current)
    return qualification


def delete_qualification(qualification: Qualification, *, actor) -> None:
    """A qualification awarded by programmes is protected (end its validity instead)."""
    delete_instance(qualification, actor=actor)
