"""Classifier codes for the registers' importers: loaded with one query per list, resolved by date."""

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem, check_classifier
from edureg.core.imports.engine import LOOKUP_CHUNK, Row, chunked


class CodeLookup:
    """Items of several code lists by code. `load` once per list, then `get` per row, in memory."""

    def __init__(self):
        self._items: dict[str, dict[str, list[ClassifierItem]]] = {}

    def load(self, list_code: str, codes) -> None:
        codes = sorted({c for c in codes if c})
        found: dict[str, list[ClassifierItem]] = self._items.setdefault(list_code, defaultdict(list))
        for chunk in chunked(codes, LOOKUP_CHUNK):
            for item in ClassifierItem.objects.of(list_code).filter(code__in=chunk).select_related("code_list"):
                found[item.code].append(item)
        for versions in found.values():
            versions.sort(key=lambda i: i.valid_from)

    def load_rows(self, rows: list[Row], column: str, list_code: str, *, many: bool = False) -> None:
        values = (r.values.get(column) for r in rows)
        if many:
            self.load(list_code, (c for codes in values if codes for c in codes))
        else:
            self.load(list_code, values)

    def get(self, list_code: str, code: str, on: datetime.date | None = None) -> ClassifierItem:
        """The version of `code` valid on `on` (today when None); ValueError with the user's message."""
        versions = self._items.get(list_code, {}).get(code)
        if not versions:
            raise ValueError(_("Unknown code \"%(code)s\" (list %(list)s).") % {"code": code, "list": list_code})
        day = on or datetime.date.today()
        for item in reversed(versions):
            if item.is_valid_on(day):
                return item
        # The same message as the models' check of a code on the record's date.
        raise ValueError(next(iter(check_classifier(versions[-1], list_code, "code", on=day).values())))

    def set(self, row: Row, instance, field: str, list_code: str, on: datetime.date | None = None,
            column: str | None = None) -> None:
        """Set `instance.field` from the row's code (or clear it for an empty cell in the file)."""
        column = column or field
        if not row.has(column):
            return
        code = row.values[column]
        if code is None:
            # An empty cell clears an optional code; a required one keeps its value (new records are
            # checked with Importer.require).
            if instance._meta.get_field(field).null:
                setattr(instance, field, None)
            return
        try:
            setattr(instance, field, self.get(list_code, code, on))
        except ValueError as exc:
            row.error(column, exc)
