"""Loading the indicator catalogue (themes, measures, indicators) from data/catalogue.json.

Rows are matched by code: new ones are created, changed ones updated, equal ones left alone, so loading the same
file twice changes nothing. Every row goes through full_clean (formulas parsed, measures and dimensions checked
against the sources) and the audited save helpers of edureg.core.services; one bad row stops the load and nothing
of it is kept (one transaction), and the error names the row and the field.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, apply_changes, save_validated
from edureg.indicators.models import Indicator, Measure, Theme

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"

THEME_KEYS = ("name_lt", "name_en", "order")
MEASURE_KEYS = ("name_lt", "name_en", "description_lt", "description_en", "source", "collection", "aggregation",
                "field", "filters")
INDICATOR_KEYS = ("theme", "name_lt", "name_en", "definition_lt", "definition_en", "numerator", "denominator",
                  "factor", "unit_lt", "unit_en", "decimals", "dimensions", "max_cross", "sensitive", "threshold",
                  "source_lt", "source_en", "methodology_lt", "methodology_en", "methodology_version", "is_public",
                  "order")
SECTIONS = (("themes", Theme, THEME_KEYS), ("measures", Measure, MEASURE_KEYS),
            ("indicators", Indicator, INDICATOR_KEYS))


def _fail(message: str):
    raise ValidationError({"catalogue": [message]})


def read_catalogue(path=None) -> dict:
    file = Path(path) if path is not None else DATA_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(_("There is no file %(path)s.") % {"path": file})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail(_("%(file)s cannot be read as JSON: %(error)s") % {"file": file.name, "error": error})
    if not isinstance(data, dict):
        _fail(_("%(file)s: the catalogue is a JSON object with themes, measures and indicators.") % {
            "file": file.name})
    unknown = sorted(set(data) - {"themes", "measures", "indicators", "version", "note"})
    if unknown:
        _fail(_("%(file)s: unknown key %(keys)s.") % {"file": file.name, "keys": ", ".join(unknown)})
    for section, _model, keys in SECTIONS:
        rows = data.get(section, [])
        if not isinstance(rows, list):
            _fail(_("%(file)s: %(section)s is a list.") % {"file": file.name, "section": section})
        for number, row in enumerate(rows, start=1):
            where = f"{section}[{number}]"
            if not isinstance(row, dict) or not isinstance(row.get("code"), str) or not row["code"]:
                _fail(_("%(where)s: an object with a code.") % {"where": where})
            extra = sorted(set(row) - {"code", *keys})
            if extra:
                _fail(_("%(where)s %(code)s: unknown key %(keys)s.") % {
                    "where": where, "code": row["code"], "keys": ", ".join(extra)})
        codes = [row["code"] for row in rows]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            _fail(_("%(file)s: %(section)s %(codes)s are listed twice.") % {
                "file": file.name, "section": section, "codes": ", ".join(twice)})
    return data


def _values(model, row: dict, keys: tuple[str, ...], where: str) -> dict:
    """The row's values as the model holds them (foreign keys resolved by code, the factor a Decimal)."""
    from edureg.datacollections.models import Collection

    values = {key: row[key] for key in keys if key in row}
    if "theme" in values:
        theme = Theme.objects.filter(code=values["theme"]).first()
        if theme is None:
            _fail(_("%(where)s: unknown theme %(code)r.") % {"where": where, "code": values["theme"]})
        values["theme"] = theme
    if "collection" in values:
        code = values["collection"]
        collection = Collection.objects.filter(code=code).first() if code else None
        if code and collection is None:
            _fail(_("%(where)s: unknown data collection %(code)r (load the collections first).") % {
                "where": where, "code": code})
        values["collection"] = collection
    if "factor" in values:
        try:
            values["factor"] = Decimal(str(values["factor"]))
        except InvalidOperation:
            _fail(_("%(where)s: factor %(value)r is not a number.") % {"where": where, "value": row["factor"]})
    return values


def _same(instance, name: str, value) -> bool:
    current = getattr(instance, name)
    if isinstance(current, Decimal) and isinstance(value, Decimal):
        return current == value
    if hasattr(current, "pk") or hasattr(value, "pk"):
        return getattr(current, "pk", None) == getattr(value, "pk", None)
    return current == value


def _upsert(model, row: dict, keys, where: str, counts: dict, *, actor) -> None:
    values = _values(model, row, keys, where)
    instance = model.objects.filter(code=row["code"]).first()
    try:
        if instance is None:
            save_validated(model(code=row["code"], **values), actor=actor)
            counts["created"] += 1
            return
        changes = {name: value for name, value in values.items() if not _same(instance, name, value)}
        if changes:
            apply_changes(instance, changes, actor=actor)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    except ValidationError as error:
        messages = ([f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
                    if hasattr(error, "error_dict") else error.messages)
        raise ValidationError({"catalogue": [f"{where} {row['code']}: {m}" for m in messages]}) from None


def _load_collections(actor) -> None:
    """The data collections the library measures read (the data-collections app's loader)."""
    try:
        from edureg.datacollections.services import load_collections
    except ImportError:
        try:
            from edureg.datacollections.services.definitions import load_collections
        except ImportError:
            return
    load_collections(actor=actor)


def load_catalogue(path=None, *, actor=None) -> dict:
    """Load data/catalogue.json (or `path`): themes, measures, indicators, matched by code. Loads the shipped data
    collections first. Returns {"themes": {"created", "updated", "unchanged"}, "measures": ..., "indicators": ...}.
    """
    if actor is not None and not all(actor.has_perm(f"indicators.{action}_{model}")
                                     for action in ("add", "change") for model in ("theme", "measure", "indicator")):
        raise PermissionDenied(_("You may not load the indicator catalogue."))
    data = read_catalogue(path)
    _load_collections(actor)
    counts = {section: {"created": 0, "updated": 0, "unchanged": 0} for section, _m, _k in SECTIONS}
    with acting(actor):
        for section, model, keys in SECTIONS:
            for number, row in enumerate(data.get(section, []), start=1):
                _upsert(model, row, keys, f"{section}[{number}]", counts[section], actor=actor)
    return counts
