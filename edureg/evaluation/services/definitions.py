"""Writes of the evaluation configuration (the back-office and the API call them): procedures and criteria, experts
and their ties, calls. Only the coordinator writes them.

Each is one audited transaction within the actor's scope (edureg.core.services); a procedure is checked as a whole
by services.procedures.check_procedure (after its criteria are saved, see common.WholeCheckMixin) and a call by
services.calls.check_call, so the same rules hold here as in the loader and the API.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, delete_instance, save_validated
from edureg.evaluation.choices import CallStatus
from edureg.evaluation.models import Call, Criterion, Expert, ExpertTie, Procedure
from edureg.evaluation.services.common import ensure_coordinator


def _delete(instance, *, actor, field: str, message: str) -> None:
    ensure_coordinator(actor)
    try:
        delete_instance(instance, actor=actor)
    except ProtectedError:
        raise ValidationError({field: [message]}) from None


def _create(model, m2m: tuple[str, ...], *, actor, fields: dict):
    ensure_coordinator(actor)
    later = {name: fields.pop(name) for name in m2m if name in fields}
    fields.pop("id", None)
    with acting(actor):
        instance = save_validated(model(**fields), actor=actor)
        for name, value in later.items():
            getattr(instance, name).set(value)
    return instance


# --- procedures -------------------------------------------------------------------------------------------------

def check_procedure(procedure: Procedure) -> None:
    """services.procedures.check_procedure's problems as a ValidationError (above the form: they concern the
    procedure with its criteria as a whole)."""
    from edureg.evaluation.services.procedures import check_procedure as check

    problems = check(procedure)
    if problems:
        raise ValidationError(list(problems))


def create_procedure(*, actor, **fields) -> Procedure:
    return _create(Procedure, ("kinds",), actor=actor, fields=fields)


def update_procedure(procedure: Procedure, *, actor, **changes) -> Procedure:
    ensure_coordinator(actor)
    return apply_changes(procedure, dict(changes), actor=actor, m2m=("kinds",))


def delete_procedure(procedure: Procedure, *, actor) -> None:
    _delete(procedure, actor=actor, field="procedure",
            message=_("The procedure has applications or calls; make it inactive instead of deleting it."))


def create_criterion(*, actor, **fields) -> Criterion:
    return _create(Criterion, (), actor=actor, fields=fields)


def update_criterion(criterion: Criterion, *, actor, **changes) -> Criterion:
    ensure_coordinator(actor)
    if "procedure" in changes and changes["procedure"] != criterion.procedure:
        raise ValidationError({"procedure": [_("A criterion stays in its procedure.")]})
    return apply_changes(criterion, dict(changes), actor=actor)


def delete_criterion(criterion: Criterion, *, actor) -> None:
    _delete(criterion, actor=actor, field="criterion",
            message=_("Experts have scored this criterion; it cannot be deleted."))


# --- experts ----------------------------------------------------------------------------------------------------

EXPERT_M2M = ("expertise", "kinds", "procedures")


def create_expert(*, actor, **fields) -> Expert:
    return _create(Expert, EXPERT_M2M, actor=actor, fields=fields)


def update_expert(expert: Expert, *, actor, **changes) -> Expert:
    ensure_coordinator(actor)
    if "person" in changes and changes["person"] != expert.person:
        raise ValidationError({"person": [_("An expert's person cannot be changed; add another expert instead.")]})
    return apply_changes(expert, dict(changes), actor=actor, m2m=EXPERT_M2M)


def delete_expert(expert: Expert, *, actor) -> None:
    _delete(expert, actor=actor, field="expert",
            message=_("The expert has assignments; make the expert inactive instead of deleting."))


def create_tie(*, actor, **fields) -> ExpertTie:
    return _create(ExpertTie, (), actor=actor, fields=fields)


def update_tie(tie: ExpertTie, *, actor, **changes) -> ExpertTie:
    ensure_coordinator(actor)
    return apply_changes(tie, dict(changes), actor=actor)


def delete_tie(tie: ExpertTie, *, actor) -> None:
    ensure_coordinator(actor)
    delete_instance(tie, actor=actor)


# --- calls ------------------------------------------------------------------------------------------------------

def _check_call(call: Call) -> None:
    from edureg.evaluation.services.calls import check_call

    check_call(call)


def create_call(*, actor, **fields) -> Call:
    ensure_coordinator(actor)
    kinds = fields.pop("kinds", None)
    fields.pop("id", None)
    with acting(actor):
        call = save_validated(Call(**fields, status=CallStatus.DRAFT), actor=actor)
        if kinds is not None:
            call.kinds.set(kinds)
        _check_call(call)
    return call


def update_call(call: Call, *, actor, **changes) -> Call:
    ensure_coordinator(actor)
    with acting(actor):
        if call.status == CallStatus.PUBLISHED and changes:
            raise ValidationError({"status": [_("The call's results are published; its settings no longer change.")]})
        apply_changes(call, dict(changes), actor=actor, m2m=("kinds",))
        _check_call(call)
    return call


def delete_call(call: Call, *, actor) -> None:
    ensure_coordinator(actor)
    if call.status != CallStatus.DRAFT or call.applications.exists():
        raise PermissionDenied(_("Only a call being prepared, without applications, can be deleted."))
    delete_instance(call, actor=actor)
