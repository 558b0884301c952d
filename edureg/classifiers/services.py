"""Loading and versioning of code lists.

A data file describes one version of a list. Loading is idempotent: loading the same file twice
changes nothing. Loading a new version closes the rows whose names or attributes changed (and the
codes that disappeared) the day before the version's date and adds new rows from that date on.
"""

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from edureg.classifiers.models import ClassifierItem, CodeList

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    list_code: str
    created: int = 0
    versioned: int = 0
    closed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self):
        return (f"{self.list_code}: {self.created} new, {self.versioned} new versions, "
                f"{self.closed} closed, {self.unchanged} unchanged")


def _extra(row: dict) -> dict:
    extra = {}
    for key, value in row.items():
        if key and key.startswith("x_") and value not in (None, ""):
            name = key[2:]
            try:
                extra[name] = int(value)
            except ValueError:
                try:
                    extra[name] = float(value)
                except ValueError:
                    extra[name] = value
    return extra


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def read_manifest(data_dir: Path = DATA_DIR) -> list[dict]:
    return json.loads((data_dir / "lists.json").read_text(encoding="utf-8"))


def read_rows(spec: dict, data_dir: Path = DATA_DIR) -> list[dict]:
    with open(data_dir / spec["file"], encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def load_code_list(spec: dict, rows: list[dict]) -> LoadReport:
    """Load one version of one code list. `spec` is an entry of lists.json."""
    report = LoadReport(spec["code"])
    version_from = _date(spec.get("valid_from")) or datetime.date(2000, 1, 1)
    parent_list = CodeList.objects.get(code=spec["parent_list"]) if spec.get("parent_list") else None
    code_list, _ = CodeList.objects.get_or_create(
        code=spec["code"],
        defaults={"name_lt": spec["name_lt"], "name_en": spec["name_en"]},
    )
    for attr, value in (("name_lt", spec["name_lt"]), ("name_en", spec["name_en"]),
                        ("hierarchical", bool(spec.get("hierarchical"))), ("parent_list", parent_list),
                        ("source", spec.get("source", "")), ("version", spec.get("version", ""))):
        setattr(code_list, attr, value)
    code_list.save()

    current = {i.code: i for i in ClassifierItem.objects.filter(code_list=code_list, valid_to__isnull=True)}
    seen: set[str] = set()
    parent_source = parent_list or code_list
    for order, row in enumerate(rows, start=1):
        code = row["code"].strip()
        if not code or code in seen:
            report.errors.append(f"{spec['file']} row {order + 1}: empty or repeated code {code!r}")
            continue
        seen.add(code)
        parent = None
        if row.get("parent"):
            parent = (ClassifierItem.objects.filter(code_list=parent_source, code=row["parent"].strip())
                      .order_by("-valid_from").first())
            if parent is None:
                report.errors.append(f"{spec['file']} row {order + 1}: unknown parent {row['parent']!r}")
                continue
        wanted = {
            "name_lt": row["name_lt"].strip(), "name_en": row["name_en"].strip(),
            "parent_id": parent.pk if parent else None, "extra": _extra(row),
            "sort_order": int(row.get("sort_order") or order),
            "valid_to": _date(row.get("valid_to")),
        }
        existing = current.get(code)
        if existing is None:
            ClassifierItem.objects.create(code_list=code_list, code=code,
                                          valid_from=_date(row.get("valid_from")) or version_from, **wanted)
            report.created += 1
        elif all(getattr(existing, k) == v for k, v in wanted.items()):
            report.unchanged += 1
        elif existing.valid_from >= version_from or _only_order_changed(existing, wanted):
            # A correction within the same version (or a new display order): no new version.
            for k, v in wanted.items():
                setattr(existing, k, v)
            existing.save()
            report.versioned += 1
        else:
            existing.valid_to = version_from - datetime.timedelta(days=1)
            existing.save()
            ClassifierItem.objects.create(code_list=code_list, code=code, valid_from=version_from, **wanted)
            report.versioned += 1
    for code, item in current.items():
        if code not in seen:
            item.valid_to = max(item.valid_from, version_from - datetime.timedelta(days=1))
            item.save()
            report.closed += 1
    if report.errors:
        transaction.set_rollback(True)
    return report


def _only_order_changed(existing: ClassifierItem, wanted: dict) -> bool:
    return all(getattr(existing, k) == v for k, v in wanted.items() if k != "sort_order")


def load_all(data_dir: Path = DATA_DIR, only: list[str] | None = None) -> list[LoadReport]:
    """Load every list of the manifest, parents first. Nothing is written if any list has errors."""
    reports = []
    with transaction.atomic():
        for spec in read_manifest(data_dir):
            if only and spec["code"] not in only:
                continue
            reports.append(load_code_list(spec, read_rows(spec, data_dir)))
        if any(r.errors for r in reports):
            transaction.set_rollback(True)
    return reports


def resolve(list_code: str, code: str, on: datetime.date | None = None) -> ClassifierItem:
    """The item of `list_code` with `code` valid on `on` (today when None). Raises DoesNotExist."""
    on = on or datetime.date.today()
    return (ClassifierItem.objects.of(list_code).valid_on(on).select_related("code_list")
            .get(code=code))
