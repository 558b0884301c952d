"""Loading and versioning of code lists.

A data file describes one version of a list. Loading is idempotent: loading the same file twice
changes nothing. Loading a new version closes the rows whose names or attributes changed (and the
codes that disappeared) the day before the version's date and adds new rows from that date on.
"""

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.core.services import apply_changes, delete_instance, save_validated

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    list_code: str
    created: int = 0
    versioned: int = 0
    closed: int = 0
    unchanged: int = 0
    reordered: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self):
        text = (f"{self.list_code}: {self.created} new, {self.versioned} new versions, "
                f"{self.closed} closed, {self.unchanged} unchanged")
        return text + (f", {self.reordered} reordered" if self.reordered else "")


REQUIRED_COLUMNS = ("code", "name_lt", "name_en")
_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")


def _extra(row: dict) -> dict:
    """The `x_<attr>` columns. Plain numbers become numbers; anything else (codes with leading zeros
    such as "0012", "1e3", "nan") stays text."""
    extra = {}
    for key, value in row.items():
        if key and key.startswith("x_") and value not in (None, ""):
            value = value.strip()
            if _INT.fullmatch(value):
                value = int(value)
            elif _FLOAT.fullmatch(value):
                value = float(value)
            extra[key[2:]] = value
    return extra


def _date(value: str | None) -> datetime.date | None:
    value = (value or "").strip()
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(f"bad date {value!r}") from None


def read_manifest(data_dir: Path = DATA_DIR) -> list[dict]:
    return json.loads((data_dir / "lists.json").read_text(encoding="utf-8"))


def read_rows(spec: dict, data_dir: Path = DATA_DIR) -> list[dict]:
    with open(data_dir / spec["file"], encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def load_code_list(spec: dict, rows: list[dict]) -> LoadReport:
    """Load one version of one code list. `spec` is an entry of lists.json, `rows` the rows of its file.

    Each code is compared with its newest row: equal, nothing happens; a new code (or one that had
    ended before this version) gets a row from the version's date; a row of this version, a row
    that only moved or got an end date, or a row that had already ended is corrected in place;
    any other change closes the row the day before the version's date and adds a new one. Codes
    missing from the file are closed the day before. Nothing is written if any row is wrong.
    """
    report = LoadReport(spec["code"])
    where = spec["file"]
    try:
        version_from = _date(spec.get("valid_from")) or datetime.date(2000, 1, 1)
    except ValueError as exc:
        report.errors.append(f"lists.json {spec['code']}: {exc}")
        return report
    missing = [c for c in REQUIRED_COLUMNS if rows and c not in rows[0]]
    if missing:
        report.errors.append(f"{where}: missing column {', '.join(missing)}")
        return report
    parent_list = None
    if spec.get("parent_list"):
        parent_list = CodeList.objects.filter(code=spec["parent_list"]).first()
        if parent_list is None:
            report.errors.append(f"{where}: parent list {spec['parent_list']!r} is not loaded")
            return report
    code_list, _ = CodeList.objects.get_or_create(
        code=spec["code"],
        defaults={"name_lt": spec["name_lt"], "name_en": spec["name_en"]},
    )
    for attr, value in (("name_lt", spec["name_lt"]), ("name_en", spec["name_en"]),
                        ("hierarchical", bool(spec.get("hierarchical"))), ("parent_list", parent_list),
                        ("source", spec.get("source", "")), ("version", spec.get("version", ""))):
        setattr(code_list, attr, value)
    code_list.save()

    newest: dict[str, ClassifierItem] = {}
    for item in ClassifierItem.objects.filter(code_list=code_list).order_by("valid_from"):
        newest[item.code] = item
    day_before = version_from - datetime.timedelta(days=1)
    seen: set[str] = set()
    parent_source = parent_list or code_list
    for order, row in enumerate(rows, start=1):
        line = f"{where} row {order + 1}"  # row 1 is the header
        code = (row.get("code") or "").strip()
        if not code or code in seen:
            report.errors.append(f"{line}: empty or repeated code {code!r}")
            continue
        seen.add(code)
        try:
            row_from, row_to = _date(row.get("valid_from")), _date(row.get("valid_to"))
            sort_order = int(row.get("sort_order") or order)
        except ValueError as exc:
            report.errors.append(f"{line}: {exc}")
            continue
        parent = None
        if (row.get("parent") or "").strip():
            parent = (ClassifierItem.objects.filter(code_list=parent_source, code=row["parent"].strip())
                      .order_by("-valid_from").first())
            if parent is None:
                report.errors.append(f"{line}: unknown parent {row['parent']!r}")
                continue
        wanted = {
            "name_lt": (row.get("name_lt") or "").strip(), "name_en": (row.get("name_en") or "").strip(),
            "parent_id": parent.pk if parent else None, "extra": _extra(row),
            "sort_order": sort_order, "valid_to": row_to,
        }
        existing = newest.get(code)
        ended = existing is not None and existing.valid_to is not None and existing.valid_to < version_from
        changed = {k for k, v in wanted.items() if existing is not None and getattr(existing, k) != v}
        if existing is not None and not changed:
            report.unchanged += 1
            continue
        if existing is None or (ended and (row_to is None or row_to >= version_from)):
            # A new code, or a code that had ended and comes back with this version.
            start = (row_from or version_from) if existing is None else version_from
            action = "create"
        elif existing.valid_from >= version_from or ended or changed <= {"sort_order", "valid_to"}:
            # A correction of this version's row (or of a row that had ended), a new display order,
            # or an end date for an otherwise unchanged row: no new version.
            start = existing.valid_from
            action = "reorder" if changed == {"sort_order"} else "correct"
        else:
            start = version_from
            action = "version"
        if row_to is not None and row_to < start:
            report.errors.append(f"{line}: valid_to {row_to} is before valid_from {start}")
            continue
        if action in ("create", "version"):
            if action == "version":
                existing.valid_to = day_before
                existing.save()
                report.versioned += 1
            else:
                report.created += 1
            ClassifierItem.objects.create(code_list=code_list, code=code, valid_from=start, **wanted)
        else:
            for k, v in wanted.items():
                setattr(existing, k, v)
            existing.save()
            if action == "reorder":
                report.reordered += 1
            else:
                report.versioned += 1
    for code, item in newest.items():
        if code not in seen and (item.valid_to is None or item.valid_to >= version_from):
            item.valid_to = max(item.valid_from, day_before)
            item.save()
            report.closed += 1
    if report.errors:
        transaction.set_rollback(True)
    return report


def load_all(data_dir: Path = DATA_DIR, only: list[str] | None = None) -> list[LoadReport]:
    """Load every list of the manifest, parents first. Nothing is written if any list has errors."""
    reports = []
    with transaction.atomic():
        for spec in read_manifest(data_dir):
            if only and spec["code"] not in only:
                continue
            try:
                rows = read_rows(spec, data_dir)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                reports.append(LoadReport(spec["code"], errors=[f"{spec['file']}: cannot be read ({exc})"]))
                continue
            reports.append(load_code_list(spec, rows))
        if any(r.errors for r in reports):
            transaction.set_rollback(True)
    return reports


def resolve(list_code: str, code: str, on: datetime.date | None = None) -> ClassifierItem:
    """The item of `list_code` with `code` valid on `on` (today when None). Raises DoesNotExist."""
    on = on or datetime.date.today()
    return (ClassifierItem.objects.of(list_code).valid_on(on).select_related("code_list")
            .get(code=code))


# Single-record edits from the back-office and the API. A code list's history is kept by versions:
# prefer loading a new version of the data file over editing items by hand.

def create_code_list(*, actor, **fields) -> CodeList:
    return save_validated(CodeList(**fields), actor=actor)


def update_code_list(code_list: CodeList, *, actor, **changes) -> CodeList:
    return apply_changes(code_list, changes, actor=actor)


def delete_code_list(code_list: CodeList, *, actor) -> None:
    delete_instance(code_list, actor=actor)


def create_item(*, actor, **fields) -> ClassifierItem:
    return save_validated(ClassifierItem(**fields), actor=actor)


def update_item(item: ClassifierItem, *, actor, **changes) -> ClassifierItem:
    return apply_changes(item, changes, actor=actor)


def delete_item(item: ClassifierItem, *, actor) -> None:
    delete_instance(item, actor=actor)
