"""What changed between two versions of a programme: fields, and modules added, removed or changed (matched by
module code). Values are display text, so the same list serves templates and JSON (`as_dict`)."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from edureg.programmes.choices import LearningForm, TargetGroup
from edureg.programmes.models import Module, ProgrammeVersion

FIELD = "field"
MODULE_ADDED = "module_added"
MODULE_REMOVED = "module_removed"
MODULE_CHANGED = "module_changed"

# Bookkeeping, not content: never reported.
VERSION_SKIP = {"id", "programme", "number", "status", "status_since", "based_on", "submitted_on", "registered_on",
                "created_at", "updated_at"}
MODULE_SKIP = {"id", "version", "position"}
LIST_LABELS = {"forms": LearningForm, "target_groups": TargetGroup}


@dataclass
class Difference:
    kind: str  # "field", "module_added", "module_removed", "module_changed"
    field: str  # the field name, or the module code for module differences
    label: str
    old: str = ""
    new: str = ""
    changes: list["Difference"] = field(default_factory=list)  # the changed fields of a changed module

    @property
    def is_module(self) -> bool:
        return self.kind != FIELD

    def as_dict(self) -> dict:
        return asdict(self)


def _display(obj: models.Model, f: models.Field) -> str:
    value = getattr(obj, f.name)
    if value is None or value == "" or value == []:
        return ""
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if f.name in LIST_LABELS and isinstance(value, list):
        labels = dict(LIST_LABELS[f.name].choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _label(f) -> str:
    text = str(f.verbose_name)
    return text[:1].upper() + text[1:]


def _field_differences(old: models.Model, new: models.Model, skip: set[str]) -> list[Difference]:
    found = []
    for f in type(new)._meta.concrete_fields:
        if f.name in skip:
            continue
        before, after = _display(old, f), _display(new, f)
        if before != after:
            found.append(Difference(kind=FIELD, field=f.name, label=_label(f), old=before, new=after))
    return found


def _competences(module: Module) -> str:
    return ", ".join(sorted(c.code for c in module.competences.all()))


def _module_differences(old: Module, new: Module) -> list[Difference]:
    found = _field_differences(old, new, MODULE_SKIP)
    before, after = _competences(old), _competences(new)
    if before != after:
        found.append(Difference(kind=FIELD, field="competences",
                                label=_label(Module._meta.get_field("competences")), old=before, new=after))
    return found


def _module_label(module: Module) -> str:
    return f"{module.code} {module.name}"


def diff_versions(old: ProgrammeVersion, new: ProgrammeVersion) -> list[Difference]:
    """Field differences first (in the model's field order), then modules in code order."""
    found = _field_differences(old, new, VERSION_SKIP)
    old_modules = {m.code: m for m in old.modules.prefetch_related("competences")}
    new_modules = {m.code: m for m in new.modules.prefetch_related("competences")}
    for code in sorted(set(old_modules) | set(new_modules)):
        before, after = old_modules.get(code), new_modules.get(code)
        if before is None:
            found.append(Difference(kind=MODULE_ADDED, field=code, label=_module_label(after),
                                    new=_module_label(after)))
        elif after is None:
            found.append(Difference(kind=MODULE_REMOVED, field=code, label=_module_label(before),
                                    old=_module_label(before)))
        else:
            changes = _module_differences(before, after)
            if changes:
                found.append(Difference(kind=MODULE_CHANGED, field=code, label=_module_label(after),
                                        changes=changes))
    return found
