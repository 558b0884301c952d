"""The forms themselves: loading the shipped definitions (data/*.json) and the agency's edits of collections,
sections, fields and validation rules.

A form that already has answers keeps its meaning: a field with answers keeps its code and type and is not
removed, and a field that rules read keeps its code (the rules would no longer read it).
"""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.services import acting, apply_changes, delete_instance, save_validated
from edureg.datacollections.choices import FieldType
from edureg.datacollections.models import Collection, Field, Rule, Section
from edureg.datacollections.services.rules import RULE_FUNCTIONS
from edureg.indicators.engine.expressions import ExpressionError, parse

__all__ = [
    "DATA_DIR", "load_collections",
    "create_collection", "update_collection", "delete_collection",
    "create_section", "update_section", "delete_section",
    "create_field", "update_field", "delete_field",
    "create_rule", "update_rule", "delete_rule",
    "rules_reading",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
COLLECTION_KEYS = ("code", "version", "standard", "name_lt", "name_en", "description_lt", "description_en")
SECTION_KEYS = ("name_lt", "name_en")
FIELD_KEYS = ("name_lt", "name_en", "help_lt", "help_en", "type", "unit_lt", "unit_en", "required", "minimum")
RULE_KEYS = ("left", "operator", "right", "severity", "message_lt", "message_en")


def _fail(field: str, message: str):
    raise ValidationError({field: [message]})


# --- loading the shipped forms ------------------------------------------------------------------------------------

def _files(path) -> list[Path]:
    target = Path(path) if path is not None else DATA_DIR
    if target.is_dir():
        return sorted(target.glob("*.json"))
    if not target.exists():
        _fail("path", _("There is no file or folder %(path)s.") % {"path": target})
    return [target]


def _read(file: Path) -> dict:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail("path", _("%(file)s cannot be read as JSON: %(error)s") % {"file": file.name, "error": error})
    if not isinstance(data, dict):
        _fail("path", _("%(file)s: the file must hold one collection (a JSON object).") % {"file": file.name})
    for key in ("code", "name_lt", "sections"):
        if not data.get(key):
            _fail("path", _("%(file)s: “%(key)s” is missing.") % {"file": file.name, "key": key})
    return data


def _save(instance, counts: dict, created: bool) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        label = f"{type(instance)._meta.verbose_name} {getattr(instance, 'code', '')}".strip()
        raise ValidationError({"path": [f"{label}: {message}" for message in error.messages]}) from None
    instance.save()
    counts["created" if created else "updated"] += 1


def _upsert(model, lookup: dict, values: dict, counts: dict):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        _save(instance, counts, created=True)
        return instance
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        _save(instance, counts, created=False)
    return instance


def _respondent_types(codes, file: Path) -> list[ClassifierItem]:
    codes = [str(c) for c in codes or []]
    items = list(ClassifierItem.objects.of("institution_type").filter(code__in=codes))
    missing = sorted(set(codes) - {i.code for i in items})
    if missing:
        _fail("path", _("%(file)s: the institution types %(codes)s are not in the classifier “institution_type”; "
                        "load the classifiers first.") % {"file": file.name, "codes": ", ".join(missing)})
    return items


def _load_one(data: dict, file: Path, counts: dict) -> Collection:
    values = {key: data[key] for key in COLLECTION_KEYS if key in data and key != "code"}
    values.setdefault("name_en", data["name_lt"])
    collection = _upsert(Collection, {"code": data["code"]}, values, counts)
    types = _respondent_types(data.get("respondent_types"), file)
    if {t.pk for t in collection.respondent_types.all()} != {t.pk for t in types}:
        collection.respondent_types.set(types)
    wanted_rules = {r.get("code") for r in data.get("rules") or []}
    for rule in collection.rules.exclude(code__in=wanted_rules):
        rule.delete()
        counts["deleted"] += 1
    wanted_fields: set[str] = set()
    wanted_sections: set[str] = set()
    for s_order, section_data in enumerate(data["sections"], start=1):
        section_values = {key: section_data[key] for key in SECTION_KEYS if key in section_data}
        section_values.setdefault("name_en", section_values.get("name_lt", ""))
        section = _upsert(Section, {"collection": collection, "code": section_data.get("code")},
                          {**section_values, "order": s_order}, counts)
        wanted_sections.add(section.code)
        counts["sections"] += 1
        for f_order, field_data in enumerate(section_data.get("fields") or [], start=1):
            field_values = {key: field_data[key] for key in FIELD_KEYS if key in field_data}
            field_values.setdefault("name_en", field_values.get("name_lt", ""))
            kind = field_values.setdefault("type", FieldType.INTEGER)
            if "minimum" not in field_values:
                field_values["minimum"] = None if kind == FieldType.TEXT else 0
            field = _upsert(Field, {"collection": collection, "code": field_data.get("code")},
                            {**field_values, "section": section, "order": f_order}, counts)
            wanted_fields.add(field.code)
            counts["fields"] += 1
    for field in collection.fields.exclude(code__in=wanted_fields):
        if field.values.exists():
            _fail("path", _("%(file)s: the field %(code)s has answers and cannot be removed from the form; keep it "
                            "in the file.") % {"file": file.name, "code": field.code})
        field.delete()
        counts["deleted"] += 1
    for section in collection.sections.exclude(code__in=wanted_sections):
        section.delete()
        counts["deleted"] += 1
    for r_order, rule_data in enumerate(data.get("rules") or [], start=1):
        rule_values = {key: rule_data[key] for key in RULE_KEYS if key in rule_data}
        rule_values.setdefault("message_en", rule_values.get("message_lt", ""))
        _upsert(Rule, {"collection": collection, "code": rule_data.get("code")}, {**rule_values, "order": r_order},
                counts)
        counts["rules"] += 1
    counts["collections"] += 1
    return collection


def load_collections(path=None, *, actor=None) -> dict:
    """Load the forms of `path` (a JSON file, or every *.json of a folder; by default the shipped ones in
    edureg/datacollections/data/), matched by code: new forms, sections, fields and rules are added, changed ones
    updated, those no longer in the file removed (a field with answers is never removed). Running it again changes
    nothing. Returns counts: collections, sections, fields, rules read, and rows created, updated, deleted."""
    if actor is not None and not (actor.has_perm("datacollections.add_collection")
                                  and actor.has_perm("datacollections.change_collection")):
        raise PermissionDenied(_("You may not load data collection forms."))
    counts = dict.fromkeys(("collections", "sections", "fields", "rules", "created", "updated", "deleted"), 0)
    with acting(actor):
        for file in _files(path):
            _load_one(_read(file), file, counts)
    return counts


# --- the agency's edits -----------------------------------------------------------------------------------------

def create_collection(*, actor, respondent_types=(), **fields) -> Collection:
    with acting(actor):
        collection = save_validated(Collection(**fields), actor=actor)
        if respondent_types:
            collection.respondent_types.set(respondent_types)
    return collection


def update_collection(collection: Collection, *, actor, **changes) -> Collection:
    return apply_changes(collection, dict(changes), actor=actor, m2m=("respondent_types",))


def delete_collection(collection: Collection, *, actor) -> None:
    if collection.periods.exists():
        _fail("collection", _("The data collection has periods; it is kept with its answers."))
    delete_instance(collection, actor=actor)


def create_section(*, actor, **fields) -> Section:
    return save_validated(Section(**fields), actor=actor)


def update_section(section: Section, *, actor, **changes) -> Section:
    if "collection" in changes and changes["collection"] != section.collection:
        _fail("collection", _("A section stays in its data collection."))
    return apply_changes(section, dict(changes), actor=actor)


def delete_section(section: Section, *, actor) -> None:
    if section.fields.exists():
        _fail("section", _("The section has fields; move or delete them first."))
    delete_instance(section, actor=actor)


def rules_reading(field: Field) -> list[str]:
    """The codes of the rules of the field's collection whose formulas read the field."""
    found = []
    for rule in Rule.objects.filter(collection_id=field.collection_id).order_by("order", "code"):
        names: set[str] = set()
        for side in (rule.left, rule.right):
            try:
                names |= parse(side, functions=RULE_FUNCTIONS).names
            except ExpressionError:
                continue
        if field.code in names:
            found.append(rule.code)
    return found


def create_field(*, actor, **fields) -> Field:
    section = fields.get("section")
    if fields.get("collection") is None and section is not None:
        fields["collection"] = section.collection
    return save_validated(Field(**fields), actor=actor)


def update_field(field: Field, *, actor, **changes) -> Field:
    if "collection" in changes and changes["collection"] != field.collection:
        _fail("collection", _("A field stays in its data collection."))
    has_answers = field.values.exists()
    if "type" in changes and changes["type"] != field.type and has_answers:
        _fail("type", _("The field has answers: its type cannot change."))
    if "code" in changes and changes["code"] != field.code:
        if has_answers:
            _fail("code", _("The field has answers: its code cannot change."))
        readers = rules_reading(field)
        if readers:
            _fail("code", _("The rules %(rules)s read this field: change them first.") % {"rules": ", ".join(readers)})
    return apply_changes(field, dict(changes), actor=actor)


def delete_field(field: Field, *, actor) -> None:
    readers = rules_reading(field)
    if readers:
        _fail("field", _("The rules %(rules)s read this field: change or delete them first.") % {
            "rules": ", ".join(readers)})
    count = field.values.count()
    if count:
        _fail("field", _("The field has %(n)d answers and cannot be deleted.") % {"n": count})
    delete_instance(field, actor=actor)


def create_rule(*, actor, **fields) -> Rule:
    return save_validated(Rule(**fields), actor=actor)


def update_rule(rule: Rule, *, actor, **changes) -> Rule:
    if "collection" in changes and changes["collection"] != rule.collection:
        _fail("collection", _("A rule stays in its data collection."))
    return apply_changes(rule, dict(changes), actor=actor)


def delete_rule(rule: Rule, *, actor) -> None:
    delete_instance(rule, actor=actor)
