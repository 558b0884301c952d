"""The lifecycle: submit, return, register (a new version supersedes the old), suspend, resume, deregister.

The evaluation and accreditation workflow (edureg.evaluation) hears of each submission through the
`version_submitted` signal and decides on it through `decide_submission`: register (accredited, with the validity
date), return for corrections, or reject. Kinds without an evaluation procedure are decided by the registrar
directly.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.programmes.choices import ProgrammeAction, VersionStatus
from edureg.programmes.models import Programme, ProgrammeVersion, state_code_validator
from edureg.programmes.services.checks import check_version, findings_error
from edureg.programmes.services.common import (
    IN_FORCE,
    ensure_provider,
    ensure_registrar,
    fail,
    is_registrar,
    record,
    refresh_head,
)
from edureg.programmes.services.programmes import check_kind_fields
from edureg.programmes.signals import version_deciding, version_submitted


def _today() -> datetime.date:
    return datetime.date.today()


def _ensure_status(version: ProgrammeVersion, *allowed: str) -> None:
    if version.status not in allowed:
        fail("status", _("The version is %(status)s; this needs a version that is %(allowed)s.") % {
            "status": version.get_status_display().lower(),
            "allowed": _(" or ").join(str(VersionStatus(s).label).lower() for s in allowed)})


def _set_status(version: ProgrammeVersion, status: str, on: datetime.date | None = None) -> None:
    version.status = status
    version.status_since = on or _today()
    version.save()


def _never_registered(programme: Programme) -> bool:
    return programme.current_version_id is None


def submit_version(version: ProgrammeVersion, *, actor) -> ProgrammeVersion:
    """Draft -> submitted, when the version meets its kind's rules (warnings do not block)."""
    _ensure_status(version, VersionStatus.DRAFT)
    programme = version.programme
    if programme.status == VersionStatus.DEREGISTERED:
        fail("status", _("The programme is deregistered."))
    ensure_provider(programme, actor=actor)
    version.full_clean(exclude=["programme"])
    check_kind_fields(version)
    errors = findings_error(check_version(version))
    if errors:
        raise ValidationError(errors)
    with acting(actor):
        version.submitted_on = _today()
        _set_status(version, VersionStatus.SUBMITTED)
        if _never_registered(programme):
            programme.status = VersionStatus.SUBMITTED
            programme.save()
        record(programme, ProgrammeAction.SUBMITTED, actor=actor, version=version)
        version_submitted.send(sender=ProgrammeVersion, version=version, actor=actor)
    return version


def return_version(version: ProgrammeVersion, *, actor, reason) -> ProgrammeVersion:
    """Submitted -> draft, with the reason the provider reads."""
    ensure_registrar(actor)
    _ensure_status(version, VersionStatus.SUBMITTED)
    version_deciding.send(sender=ProgrammeVersion, version=version, actor=actor, decision="return")
    if not (reason or "").strip():
        fail("reason", _("Say why the version is returned."))
    programme = version.programme
    with acting(actor):
        version.submitted_on = None
        _set_status(version, VersionStatus.DRAFT)
        if _never_registered(programme):
            programme.status = VersionStatus.DRAFT
            programme.save()
        record(programme, ProgrammeAction.RETURNED, actor=actor, version=version, reason=reason)
    return version


def generated_state_code(programme: Programme, version: ProgrammeVersion) -> str:
    """{prefix}{LTKS level}{ISCED-F 4 digits}{nn}: e.g. P4071501, the first free number for that stem."""
    level = str(version.ltks_level or 0)
    field = "".join(ch for ch in (version.isced_f.code if version.isced_f_id else "") if ch.isdigit())
    stem = f"{programme.kind.code_prefix}{level}{field.ljust(4, '0')[:4]}".upper()
    taken = set(Programme.objects.filter(state_code__startswith=stem).values_list("state_code", flat=True))
    n = 1
    while f"{stem}{n:02d}" in taken:
        n += 1
    return f"{stem}{n:02d}"


def _state_code(programme: Programme, version: ProgrammeVersion, given: str) -> str:
    given = (given or "").strip().upper()
    if programme.state_code:
        if given and given != programme.state_code:
            fail("state_code", _("The programme already has the state code %(code)s.") % {"code": programme.state_code})
        return programme.state_code
    code = given or generated_state_code(programme, version)
    try:
        state_code_validator(code)
    except ValidationError as exc:
        raise ValidationError({"state_code": exc.messages}) from None
    if Programme.objects.filter(state_code=code).exclude(pk=programme.pk).exists():
        fail("state_code", _("The state code %(code)s is already used by another programme.") % {"code": code})
    return code


def register_version(version: ProgrammeVersion, *, actor, state_code: str = "",
                     registered_on: datetime.date | None = None, accredited_until: datetime.date | None = None,
                     after_appeal: bool = False) -> ProgrammeVersion:
    """Submitted -> registered (or rejected -> registered when an appeal's re-evaluation accredits it). The first
    registration gives the programme its state code; the version in force before is superseded."""
    ensure_registrar(actor)
    if after_appeal:
        _ensure_status(version, VersionStatus.SUBMITTED, VersionStatus.REJECTED)
    else:
        _ensure_status(version, VersionStatus.SUBMITTED)
    version_deciding.send(sender=ProgrammeVersion, version=version, actor=actor, decision="register")
    programme = version.programme
    if programme.status == VersionStatus.SUSPENDED:
        fail("status", _("The programme is suspended; lift the suspension before registering a new version."))
    if programme.status == VersionStatus.DEREGISTERED:
        fail("status", _("The programme is deregistered."))
    on = registered_on or _today()
    code = _state_code(programme, version, state_code)
    with acting(actor):
        previous = programme.current_version
        if previous is not None and previous.pk != version.pk and previous.status in IN_FORCE:
            _set_status(previous, VersionStatus.SUPERSEDED, on)
        version.registered_on = on
        version.accredited_until = accredited_until
        _set_status(version, VersionStatus.REGISTERED, on)
        programme.state_code = code
        programme.current_version = version
        programme.status = VersionStatus.REGISTERED
        refresh_head(programme)
        record(programme, ProgrammeAction.REGISTERED, actor=actor, version=version, date=on)
    return version


def reject_version(version: ProgrammeVersion, *, actor, reason) -> ProgrammeVersion:
    """Submitted -> rejected after an evaluation. The version stays as it was (the decision refers to it); the
    provider drafts a new version to try again."""
    ensure_registrar(actor)
    _ensure_status(version, VersionStatus.SUBMITTED)
    if not (reason or "").strip():
        fail("reason", _("Say why the version is rejected."))
    version_deciding.send(sender=ProgrammeVersion, version=version, actor=actor, decision="reject")
    programme = version.programme
    with acting(actor):
        _set_status(version, VersionStatus.REJECTED)
        if _never_registered(programme):
            programme.status = VersionStatus.REJECTED
            programme.save()
        record(programme, ProgrammeAction.REJECTED, actor=actor, version=version, reason=reason)
    return version


def set_accreditation_end(version: ProgrammeVersion, *, actor, accredited_until: datetime.date | None,
                          reason: str) -> ProgrammeVersion:
    """A registered version's accreditation gets a new end date (a re-evaluation after an appeal decided again;
    today's date ends it)."""
    ensure_registrar(actor)
    _ensure_status(version, VersionStatus.REGISTERED, VersionStatus.SUSPENDED)
    if not (reason or "").strip():
        fail("reason", _("Say why the accreditation period changes."))
    with acting(actor):
        version.accredited_until = accredited_until
        version.save()
        record(version.programme, ProgrammeAction.ACCREDITATION_CHANGED, actor=actor, version=version, reason=reason)
    return version


DECISIONS = ("register", "return", "reject")


def decide_submission(version: ProgrammeVersion, *, actor, decision: str, reason: str = "",
                      state_code: str = "", accredited_until: datetime.date | None = None,
                      after_appeal: bool = False) -> ProgrammeVersion:
    """The decision on a submitted version, where the evaluation workflow plugs in: register (with the
    accreditation's end date, if any), return for corrections, or reject."""
    if decision == "register":
        return register_version(version, actor=actor, state_code=state_code, accredited_until=accredited_until,
                                after_appeal=after_appeal)
    if decision == "return":
        return return_version(version, actor=actor, reason=reason)
    if decision == "reject":
        return reject_version(version, actor=actor, reason=reason)
    raise ValidationError({"decision": _("Decide %(choices)s.") % {"choices": " / ".join(DECISIONS)}})


def suspend_programme(programme: Programme, *, actor, reason, date: datetime.date | None = None) -> Programme:
    ensure_registrar(actor)
    if programme.status != VersionStatus.REGISTERED:
        fail("status", _("Only a registered programme can be suspended."))
    if not (reason or "").strip():
        fail("reason", _("Say why the programme is suspended."))
    on = date or _today()
    with acting(actor):
        programme.status = VersionStatus.SUSPENDED
        programme.save()
        _set_status(programme.current_version, VersionStatus.SUSPENDED, on)
        record(programme, ProgrammeAction.SUSPENDED, actor=actor, version=programme.current_version,
               reason=reason, date=on)
    return programme


def resume_programme(programme: Programme, *, actor, reason: str = "") -> Programme:
    ensure_registrar(actor)
    if programme.status != VersionStatus.SUSPENDED:
        fail("status", _("Only a suspended programme can be resumed."))
    with acting(actor):
        programme.status = VersionStatus.REGISTERED
        programme.save()
        _set_status(programme.current_version, VersionStatus.REGISTERED)
        record(programme, ProgrammeAction.RESUMED, actor=actor, version=programme.current_version, reason=reason)
    return programme


def _ensure_provider_or_registrar(programme: Programme, actor) -> None:
    if not is_registrar(actor):
        ensure_provider(programme, actor=actor)


def request_deregistration(programme: Programme, *, actor, date: datetime.date | None, reason: str) -> Programme:
    """Ask for deregistration from `date`; nothing changes until the registrar confirms."""
    _ensure_provider_or_registrar(programme, actor)
    if programme.status not in IN_FORCE:
        fail("status", _("Only a registered or suspended programme can be deregistered."))
    if programme.deregistration_requested_on:
        fail("status", _("Deregistration has already been requested."))
    errors = {}
    if date is None:
        errors["date"] = _("Give the date of deregistration.")
    elif programme.current_version.registered_on and date < programme.current_version.registered_on:
        errors["date"] = _("The programme cannot be deregistered before it was registered.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the programme is deregistered.")
    if errors:
        raise ValidationError(errors)
    with acting(actor):
        programme.deregistration_requested_on = _today()
        programme.deregistration_date = date
        programme.deregistration_reason = reason
        programme.save()
        record(programme, ProgrammeAction.DEREGISTRATION_REQUESTED, actor=actor,
               version=programme.current_version, reason=reason)
    return programme


def cancel_deregistration(programme: Programme, *, actor) -> Programme:
    _ensure_provider_or_registrar(programme, actor)
    if not programme.deregistration_requested_on or programme.status == VersionStatus.DEREGISTERED:
        fail("status", _("There is no deregistration request to withdraw."))
    with acting(actor):
        programme.deregistration_requested_on = None
        programme.deregistration_date = None
        programme.deregistration_reason = ""
        programme.save()
        record(programme, ProgrammeAction.DEREGISTRATION_CANCELLED, actor=actor, version=programme.current_version)
    return programme


def confirm_deregistration(programme: Programme, *, actor) -> Programme:
    """The registrar confirms: the programme and its version in force are deregistered from the requested date."""
    ensure_registrar(actor)
    if not programme.deregistration_requested_on or programme.status == VersionStatus.DEREGISTERED:
        fail("status", _("There is no deregistration request to confirm."))
    on = programme.deregistration_date
    with acting(actor):
        programme.status = VersionStatus.DEREGISTERED
        programme.save()
        _set_status(programme.current_version, VersionStatus.DEREGISTERED, on)
        record(programme, ProgrammeAction.DEREGISTERED, actor=actor, version=programme.current_version,
               reason=programme.deregistration_reason, date=on)
    return programme
