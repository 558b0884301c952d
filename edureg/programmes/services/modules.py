"""Modules of a draft version."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from edureg.core.services import acting, ensure_in_scope
from edureg.programmes.models import Module, ProgrammeVersion
from edureg.programmes.services.common import ensure_draft

MODULE_SYSTEM_FIELDS = {"id", "version"}


def module_fields() -> set[str]:
    return {f.name for f in Module._meta.concrete_fields} - MODULE_SYSTEM_FIELDS


def _check(module: Module) -> None:
    errors = {}
    try:
        module.full_clean(exclude=["version"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if module.code and Module.objects.filter(version_id=module.version_id, code=module.code) \
            .exclude(pk=module.pk).exists():
        errors["code"] = [_("The version already has a module with code %(code)s.") % {"code": module.code}]
    if errors:
        raise ValidationError(errors)
    module.validate_constraints()


def _reject_unknown(fields: dict) -> None:
    unknown = sorted(set(fields) - module_fields())
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})


def add_module(version: ProgrammeVersion, *, actor, competences=(), **fields) -> Module:
    ensure_draft(version)
    _reject_unknown(fields)
    with acting(actor):
        if "position" not in fields:
            fields["position"] = (version.modules.aggregate(m=Max("position"))["m"] or 0) + 1
        module = Module(version=version, **fields)
        _check(module)
        module.save()
        ensure_in_scope(module, actor=actor, action="add")
        if competences:
            module.competences.set(competences)
    return module


def update_module(module: Module, *, actor, **changes) -> Module:
    ensure_draft(module.version)
    competences = changes.pop("competences", None)
    _reject_unknown(changes)
    with acting(actor):
        ensure_in_scope(module, actor=actor, action="change")
        for name, value in changes.items():
            setattr(module, name, value)
        _check(module)
        module.save()
        if competences is not None:
            module.competences.set(competences)
    return module


def delete_module(module: Module, *, actor) -> None:
    ensure_draft(module.version)
    with acting(actor):
        ensure_in_scope(module, actor=actor, action="delete")
        module.delete()
