"""Loading the shipped code lists, loading them again, loading a new version, and refusing bad files."""

import csv
import datetime
import json
from collections import Counter
from pathlib import Path

import pycountry
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.classifiers.services import DATA_DIR, load_all, read_manifest, read_rows, resolve
from edureg.core.models import ObjectChange
from edureg.institutions.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

BASE = datetime.date(2000, 1, 1)
V2 = datetime.date(2025, 9, 1)
DAY_BEFORE_V2 = datetime.date(2025, 8, 31)


def items(list_code: str):
    return ClassifierItem.objects.of(list_code)


def codes(list_code: str) -> set[str]:
    return set(items(list_code).values_list("code", flat=True))


def item_changes():
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(ClassifierItem))


def write_list(directory: Path, spec: dict, rows: list[dict]) -> None:
    """Write one CSV file of a list (columns of the first row) next to the manifest."""
    with open(directory / spec["file"], "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_manifest(directory: Path, specs: list[dict]) -> None:
    (directory / "lists.json").write_text(json.dumps(specs, ensure_ascii=False), encoding="utf-8")


def shipped(list_code: str) -> tuple[dict, list[dict]]:
    spec = next(s for s in read_manifest() if s["code"] == list_code)
    return dict(spec), read_rows(spec)


def copy_of_shipped(directory: Path) -> list[dict]:
    """The shipped manifest and files, copied into `directory` (to be spoilt by a test)."""
    specs = read_manifest()
    for spec in specs:
        (directory / spec["file"]).write_bytes((DATA_DIR / spec["file"]).read_bytes())
    write_manifest(directory, specs)
    return specs


@pytest.fixture
def reports(db):
    result = load_all()
    assert [r.errors for r in result if r.errors] == []
    return {r.list_code: r for r in result}


# --- the shipped lists ---------------------------------------------------------------------------

def test_every_list_of_the_manifest_is_loaded_with_every_row(reports):
    specs = read_manifest()
    assert [s["code"] for s in specs] == list(reports)
    for spec in specs:
        rows = read_rows(spec)
        code_list = CodeList.objects.get(code=spec["code"])
        assert (code_list.name_lt, code_list.name_en, code_list.version) == (
            spec["name_lt"], spec["name_en"], spec["version"])
        assert code_list.hierarchical is spec["hierarchical"]
        assert (code_list.parent_list.code if code_list.parent_list else None) == spec["parent_list"]
        assert reports[spec["code"]].created == len(rows) == items(spec["code"]).count(), spec["code"]
        assert items(spec["code"]).filter(valid_from=datetime.date.fromisoformat(spec["valid_from"]),
                                          valid_to__isnull=True).count() == len(rows)


def test_counties_and_municipalities(reports):
    assert items("county").count() == 10
    assert items("municipality").count() == 60
    iso = {s.code: s for s in pycountry.subdivisions.get(country_code="LT")}
    for mun in items("municipality").select_related("parent__code_list"):
        assert mun.parent is not None and mun.parent.code_list.code == "county", mun.code
        assert mun.parent.code == iso[mun.code].parent_code, mun.code
        assert isinstance(mun.extra["population"], int) and mun.extra["population"] > 2_000, mun.code
    assert Counter(m.extra["kind"] for m in items("municipality")) == {"district": 43, "city": 7, "other": 10}
    total = sum(m.extra["population"] for m in items("municipality"))
    assert 2_800_000 < total < 3_000_000
    for county in items("county"):
        assert county.extra["population"] == sum(m.extra["population"] for m in county.children.all())
    names = {i.code: (i.name_lt, i.name_en) for i in ClassifierItem.objects.filter(
        code_list__code__in=["county", "municipality"])}
    assert names["LT-57"] == ("Vilniaus miesto savivaldybė", "Vilnius City Municipality")
    assert names["LT-58"] == ("Vilniaus rajono savivaldybė", "Vilnius District Municipality")
    assert names["LT-01"] == ("Akmenės rajono savivaldybė", "Akmenė District Municipality")
    assert names["LT-05"] == ("Birštono savivaldybė", "Birštonas Municipality")
    assert names["LT-25"] == ("Marijampolės savivaldybė", "Marijampolė Municipality")
    assert names["LT-VL"] == ("Vilniaus apskritis", "Vilnius County")
    assert resolve("municipality", "LT-15", on=BASE).parent.name_lt == "Kauno apskritis"


def test_countries_and_languages_cover_pycountry_with_lithuanian_names(reports):
    assert codes("country") == {c.alpha_2 for c in pycountry.countries}
    assert codes("language") == {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    assert resolve("country", "LT").name_lt == "Lietuva"
    assert resolve("country", "DE").name_lt == "Vokietija"
    assert resolve("country", "LV").extra == {"alpha3": "LVA"}
    assert resolve("language", "lt").name_lt == "Lietuvių"
    assert resolve("language", "en").name_en == "English"
    # No Lithuanian name in pycountry's catalogue: the English one.
    greek = resolve("language", "el")
    assert greek.name_lt == greek.name_en == "Modern Greek (1453-)"
    assert not items("language").filter(name_lt="").exists()


def test_ltks_levels_carry_their_eqf_level(reports):
    levels = list(items("ltks_level"))
    assert [lvl.code for lvl in levels] == [str(n) for n in range(1, 9)]
    assert [lvl.extra["eqf"] for lvl in levels] == list(range(1, 9))


def test_isced_f_is_a_three_level_tree(reports):
    assert CodeList.objects.get(code="isced_f").hierarchical
    fields = {i.code: i for i in items("isced_f").select_related("parent")}
    broad = [c for c in fields if len(c) == 2]
    narrow = [c for c in fields if len(c) == 3]
    detailed = [c for c in fields if len(c) == 4]
    assert sorted(broad) == [f"{n:02d}" for n in range(11)] + ["99"]
    assert all(fields[c].parent is None for c in broad)
    for code in narrow:
        assert fields[code].parent.code == code[:2], code
    for code in detailed:
        assert fields[code].parent.code == code[:3], code
        assert len(fields[code].parent.code) == 3 and fields[code].parent.parent.code == code[:2]
    # The fields proper (not the "not further defined" / "not elsewhere classified" / inter-disciplinary ones).
    assert len([c for c in detailed if "residual" not in fields[c].extra]) == 80
    assert len([c for c in narrow if "residual" not in fields[c].extra]) == 29
    assert fields["0613"].name_en == "Software and applications development and analysis"
    assert fields["0613"].parent.parent.name_en == "Information and Communication Technologies (ICTs)"
    assert fields["0912"].name_lt == "Medicina"
    assert fields["0188"].extra == {"level": "detailed", "residual": "interdisciplinary"}
    assert "0549" not in fields and "0739" not in fields  # not in ISCED-F 2013 Appendix I


def test_isced_levels_and_end_reasons_are_trees(reports):
    def children(list_code):
        tree = {}
        for i in items(list_code).select_related("parent"):
            tree.setdefault(i.parent.code if i.parent else None, []).append(i.code)
        return tree

    isced = children("isced_level")
    assert sorted(isced[None]) == [str(n) for n in range(9)]
    assert {k: sorted(v) for k, v in isced.items() if k} == {
        "0": ["01", "02"], "2": ["24", "25"], "3": ["34", "35"], "4": ["44", "45"]}
    assert resolve("isced_level", "6").name_en == "Bachelor's or equivalent level"
    reasons = children("enrolment_end_reason")
    assert sorted(reasons[None]) == ["10", "20", "30", "40"]
    assert sorted(reasons["30"]) == ["31", "32", "33", "34", "35", "36", "39"]


def test_the_codes_other_code_relies_on(reports):
    types = {i.code: i.extra["category"] for i in items("institution_type")}
    assert types == {
        "3110": "preschool", "3120": "general", "3130": "general", "3140": "general", "3150": "general",
        "3160": "general", "3170": "general", "3210": "vet", "3220": "vet", "3310": "higher", "3320": "higher",
        "3410": "library", "3420": "library", "3510": "training", "3520": "non_formal", "3530": "non_formal",
    }
    assert resolve("institution_type", "3110").name_lt == "Lopšelis-darželis"
    assert codes("ownership") == {"10", "20", "30"}
    assert {i.code: i.name_lt for i in items("sex")} == {"M": "Vyras", "F": "Moteris"}
    assert codes("position") == {"10", "11", "12", "13", "14", "20", "21", "30", "31", "32", "33", "34",
                                 "40", "41", "42", "50"}
    assert {i.code: i.name_lt for i in items("qualification_category")} == {
        "1": "Mokytojas", "2": "Vyresnysis mokytojas", "3": "Mokytojas metodininkas", "4": "Mokytojas ekspertas"}
    assert codes("subject") == {"LT", "MAT", "EN", "DE", "FR", "RU", "PL", "HIS", "GEO", "BIO", "CHE", "PHY", "IT",
                                "ART", "MUS", "PE", "TECH", "ETH", "REL", "ECO", "CIV", "NAT", "PRI", "PRE", "VOC",
                                "SPE"}
    for list_code in [s["code"] for s in read_manifest()]:
        assert not items(list_code).filter(name_lt="").exists() and not items(list_code).filter(name_en="").exists()


# --- loading again ---------------------------------------------------------------------------------

def test_a_second_load_changes_nothing(reports):
    before = list(ClassifierItem.objects.order_by("pk").values())
    lists_before = list(CodeList.objects.order_by("pk").values())
    changes = ObjectChange.objects.count()

    again = load_all()

    for report in again:
        rows = len(read_rows(next(s for s in read_manifest() if s["code"] == report.list_code)))
        assert (report.created, report.versioned, report.closed, report.unchanged) == (0, 0, 0, rows)
        assert not report.errors
    assert list(ClassifierItem.objects.order_by("pk").values()) == before
    assert list(CodeList.objects.order_by("pk").values()) == lists_before
    assert ObjectChange.objects.count() == changes


def test_the_command_loads_and_reports(capsys):
    call_command("load_classifiers")
    out = capsys.readouterr().out
    assert "municipality: 60 new, 0 new versions, 0 closed, 0 unchanged" in out
    call_command("load_classifiers", "--list", "sex")
    assert capsys.readouterr().out.strip() == "sex: 0 new, 0 new versions, 0 closed, 2 unchanged"
    assert items("municipality").count() == 60


# --- a new version ---------------------------------------------------------------------------------

def _version_2(directory: Path) -> int:
    """Municipalities from 2025-09-01: LT-05 renamed, LT-28 gone, LT-61 new, the rest as before.
    Returns how many unchanged rows moved in the file (their display order follows the file)."""
    spec, rows = shipped("municipality")
    spec.update(valid_from=V2.isoformat(), version="test-2")
    new_rows = []
    for row in rows:
        if row["code"] == "LT-28":
            continue
        if row["code"] == "LT-05":
            row = {**row, "name_lt": "Birštono kurorto savivaldybė", "name_en": "Birštonas Resort Municipality"}
        new_rows.append(row)
    new_rows.append({**rows[0], "code": "LT-61", "name_lt": "Naujosios savivaldybė", "name_en": "New Municipality",
                     "parent": "LT-VL", "x_population": "1000", "x_kind": "other"})
    write_list(directory, spec, new_rows)
    write_manifest(directory, [spec])
    old_position = {row["code"]: n for n, row in enumerate(rows)}
    return sum(1 for n, row in enumerate(new_rows) if row["code"] in old_position
               and row["code"] != "LT-05" and old_position[row["code"]] != n)


def test_a_new_version_closes_changed_rows_and_keeps_old_references(reports, tmp_path):
    old_05 = resolve("municipality", "LT-05", on=BASE)
    old_28 = resolve("municipality", "LT-28", on=BASE)
    vilnius = resolve("municipality", "LT-57", on=BASE)
    institution = InstitutionFactory(municipality=old_05, registered_on=datetime.date(2010, 9, 1))
    moved = _version_2(tmp_path)
    assert moved > 0  # the rows after LT-28 move up

    [report] = load_all(tmp_path)

    assert (report.created, report.versioned, report.closed, report.errors) == (1, 1, 1, [])
    assert (report.unchanged, report.reordered) == (58 - moved, moved)
    assert CodeList.objects.get(code="municipality").version == "test-2"
    old_05.refresh_from_db()
    assert (old_05.name_lt, old_05.valid_from, old_05.valid_to) == ("Birštono savivaldybė", BASE, DAY_BEFORE_V2)
    institution.refresh_from_db()
    assert institution.municipality_id == old_05.pk
    assert institution.municipality.name_lt == "Birštono savivaldybė"

    new_05 = resolve("municipality", "LT-05", on=V2)
    assert new_05.pk != old_05.pk
    assert (new_05.name_lt, new_05.name_en) == ("Birštono kurorto savivaldybė", "Birštonas Resort Municipality")
    assert (new_05.valid_from, new_05.valid_to, new_05.parent.code) == (V2, None, "LT-KU")
    assert new_05.extra == old_05.extra
    assert resolve("municipality", "LT-05", on=DAY_BEFORE_V2).pk == old_05.pk
    assert resolve("municipality", "LT-05", on=datetime.date(2030, 1, 1)).pk == new_05.pk

    old_28.refresh_from_db()
    assert old_28.valid_to == DAY_BEFORE_V2
    assert resolve("municipality", "LT-28", on=DAY_BEFORE_V2).pk == old_28.pk
    with pytest.raises(ClassifierItem.DoesNotExist):
        resolve("municipality", "LT-28", on=V2)

    with pytest.raises(ClassifierItem.DoesNotExist):
        resolve("municipality", "LT-61", on=DAY_BEFORE_V2)
    new_61 = resolve("municipality", "LT-61", on=V2)
    assert (new_61.valid_from, new_61.parent.code, new_61.extra) == (V2, "LT-VL", {"population": 1000,
                                                                                   "kind": "other"})

    vilnius_now = resolve("municipality", "LT-57", on=V2)
    assert vilnius_now.pk == vilnius.pk and vilnius_now.valid_to is None
    assert items("municipality").count() == 62  # 60 + the new LT-05 row + LT-61
    assert items("municipality").valid_on(V2).count() == 60
    assert items("municipality").valid_on(DAY_BEFORE_V2).count() == 60

    # Loading the new version again changes nothing either.
    changes = ObjectChange.objects.count()
    [again] = load_all(tmp_path)
    assert (again.created, again.versioned, again.closed, again.unchanged) == (0, 0, 0, 60)
    assert ObjectChange.objects.count() == changes


def test_a_new_version_leaves_change_records(reports, tmp_path):
    moved = _version_2(tmp_path)
    last = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first()

    call_command("load_classifiers", "--data-dir", str(tmp_path), verbosity=0)

    new = item_changes().filter(pk__gt=last)
    # LT-05 closed + LT-05 new row + LT-28 closed + LT-61 new + the moved rows' new display order
    assert new.count() == 4 + moved
    assert set(new.values_list("source", flat=True)) == {"command"}
    updates = list(new.filter(action="update"))
    assert sum(1 for c in updates if set(c.changed_fields) == {"sort_order"}) == moved
    closed = {c.object_repr.split()[0]: c for c in updates if set(c.changed_fields) != {"sort_order"}}
    assert set(closed) == {"LT-05", "LT-28"}
    for change in closed.values():
        assert change.prechange_data["valid_to"] is None
        assert change.postchange_data["valid_to"] == DAY_BEFORE_V2.isoformat()
    created = {c.postchange_data["code"]: c.postchange_data for c in new.filter(action="create")}
    assert set(created) == {"LT-05", "LT-61"}
    assert created["LT-05"]["name_lt"] == "Birštono kurorto savivaldybė"
    assert created["LT-61"]["valid_from"] == V2.isoformat()
    # The list itself changed version: one more record, for the CodeList.
    list_change = ObjectChange.objects.filter(pk__gt=last,
                                              content_type=ContentType.objects.get_for_model(CodeList)).get()
    assert list_change.changed_fields["version"] == ("pycountry 26.2.16", "test-2")


def test_every_row_of_a_first_load_has_a_creation_record(db):
    result = load_all(only=["county", "municipality", "isced_f"])
    records = item_changes().filter(action="create")
    assert records.count() == sum(r.created for r in result) == 10 + 60 + items("isced_f").count()
    assert set(records.values_list("object_id", flat=True)) == {str(pk) for pk in
                                                                 ClassifierItem.objects.values_list("pk", flat=True)}
    assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(CodeList),
                                       action="create").count() == 3


def test_a_correction_within_the_same_version_updates_in_place(reports, tmp_path):
    spec, rows = shipped("sex")
    rows[0] = {**rows[0], "name_en": "Man"}
    write_list(tmp_path, spec, rows)
    write_manifest(tmp_path, [spec])
    male = resolve("sex", "M")

    [report] = load_all(tmp_path)

    assert (report.created, report.versioned, report.closed, report.unchanged) == (0, 1, 0, 1)
    male.refresh_from_db()
    assert (male.name_en, male.valid_from, male.valid_to) == ("Man", BASE, None)
    assert items("sex").count() == 2
    change = item_changes().filter(object_id=str(male.pk), action="update").get()
    assert change.changed_fields == {"name_en": ("Male", "Man")}


# --- rows with their own dates, attribute types ------------------------------------------------------

def test_rows_with_an_end_date_load_idempotently_and_a_code_can_come_back(db, tmp_path):
    spec = {"code": "demo", "name_lt": "Demo", "name_en": "Demo", "hierarchical": False, "parent_list": None,
            "source": "test", "version": "1", "valid_from": "2020-01-01", "file": "demo.csv"}
    row = {"code": "", "name_lt": "", "name_en": "", "parent": "", "valid_from": "", "valid_to": "",
           "sort_order": "", "x_ref": ""}
    rows = [{**row, "code": "A", "name_lt": "A", "name_en": "A", "x_ref": "0012"},
            {**row, "code": "OLD", "name_lt": "Senas", "name_en": "Old", "valid_from": "2005-01-01",
             "valid_to": "2019-06-30", "x_ref": "7"},
            {**row, "code": "R", "name_lt": "R", "name_en": "R", "x_ref": "2.5"}]
    write_list(tmp_path, spec, rows)
    write_manifest(tmp_path, [spec])

    [first] = load_all(tmp_path)
    [second] = load_all(tmp_path)

    assert (first.created, first.errors) == (3, [])
    assert (second.created, second.versioned, second.closed, second.unchanged, second.errors) == (0, 0, 0, 3, [])
    old = ClassifierItem.objects.get(code_list__code="demo", code="OLD")
    assert (old.valid_from, old.valid_to) == (datetime.date(2005, 1, 1), datetime.date(2019, 6, 30))
    # Attribute values: numbers become numbers, codes with leading zeros stay text.
    assert resolve("demo", "A", on=datetime.date(2021, 1, 1)).extra == {"ref": "0012"}
    assert old.extra == {"ref": 7}
    assert resolve("demo", "R", on=datetime.date(2021, 1, 1)).extra == {"ref": 2.5}

    # Version 3 (2023): OLD comes back, A ends at the end of 2023 (same names: the same row ends).
    spec.update(valid_from="2023-01-01", version="3")
    rows[1] = {**rows[1], "valid_from": "", "valid_to": ""}
    rows[0] = {**rows[0], "valid_to": "2023-12-31"}
    write_list(tmp_path, spec, rows)
    write_manifest(tmp_path, [spec])
    [third] = load_all(tmp_path)
    [fourth] = load_all(tmp_path)

    assert (third.created, third.versioned, third.closed, third.unchanged, third.errors) == (1, 1, 0, 1, [])
    assert (fourth.created, fourth.versioned, fourth.closed, fourth.unchanged) == (0, 0, 0, 3)
    old.refresh_from_db()
    assert old.valid_to == datetime.date(2019, 6, 30)
    back = resolve("demo", "OLD", on=datetime.date(2023, 1, 1))
    assert (back.pk != old.pk, back.valid_from, back.valid_to) == (True, datetime.date(2023, 1, 1), None)
    with pytest.raises(ClassifierItem.DoesNotExist):
        resolve("demo", "OLD", on=datetime.date(2021, 1, 1))
    a_rows = list(ClassifierItem.objects.filter(code_list__code="demo", code="A"))
    assert [(a.valid_from, a.valid_to) for a in a_rows] == [(datetime.date(2020, 1, 1), datetime.date(2023, 12, 31))]


# --- bad files -------------------------------------------------------------------------------------

def _nothing_written(changes_before: int, items_before: int, lists_before: int) -> bool:
    return (ObjectChange.objects.count(), ClassifierItem.objects.count(), CodeList.objects.count()) == (
        changes_before, items_before, lists_before)


@pytest.mark.parametrize("loaded_before", [False, True], ids=["empty database", "after a first load"])
def test_an_unknown_parent_stops_the_whole_load(db, tmp_path, loaded_before):
    if loaded_before:
        load_all()
    counts = ObjectChange.objects.count(), ClassifierItem.objects.count(), CodeList.objects.count()
    copy_of_shipped(tmp_path)
    spec, rows = shipped("municipality")
    rows[4] = {**rows[4], "parent": "LT-XX", "name_lt": "Pakeista"}
    rows[6] = {**rows[6], "name_lt": "Kitas vardas"}
    write_list(tmp_path, spec, rows)

    result = load_all(tmp_path)

    errors = [e for r in result for e in r.errors]
    assert errors == ["municipality.csv row 6: unknown parent 'LT-XX'"]
    assert _nothing_written(*counts)
    with pytest.raises(CommandError, match=r"municipality\.csv row 6: unknown parent 'LT-XX'"):
        call_command("load_classifiers", "--data-dir", str(tmp_path))
    assert _nothing_written(*counts)


@pytest.mark.parametrize("list_code", ["county", "isced_f"])
def test_a_repeated_code_stops_the_whole_load(db, tmp_path, list_code):
    copy_of_shipped(tmp_path)
    spec, rows = shipped(list_code)
    rows.insert(3, dict(rows[1]))
    write_list(tmp_path, spec, rows)

    result = load_all(tmp_path)

    message = f"{spec['file']} row 5: empty or repeated code {rows[1]['code']!r}"
    assert message in [e for r in result for e in r.errors]
    assert _nothing_written(0, 0, 0)
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("load_classifiers", "--data-dir", str(tmp_path))
    assert _nothing_written(0, 0, 0)


def test_a_list_whose_parent_list_is_missing_is_an_error(db, capsys):
    with pytest.raises(CommandError, match=r"municipality\.csv: parent list 'county' is not loaded"):
        call_command("load_classifiers", "--list", "municipality")
    assert not CodeList.objects.exists() and not ObjectChange.objects.exists()


def test_a_missing_manifest_or_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="lists.json cannot be read"):
        call_command("load_classifiers", "--data-dir", str(tmp_path))
    spec, _ = shipped("sex")
    write_manifest(tmp_path, [spec])
    with pytest.raises(CommandError, match=r"sex\.csv: cannot be read"):
        call_command("load_classifiers", "--data-dir", str(tmp_path))
    assert not CodeList.objects.exists()


def test_bad_dates_and_missing_columns_are_reported(db, tmp_path):
    spec = {"code": "demo", "name_lt": "Demo", "name_en": "Demo", "hierarchical": False, "parent_list": None,
            "source": "test", "version": "1", "valid_from": "2020-01-01", "file": "demo.csv"}
    write_list(tmp_path, spec, [{"code": "A", "name_lt": "A", "name_en": "A", "valid_to": "2019-13-01"},
                                {"code": "B", "name_lt": "B", "name_en": "B", "valid_to": "2019-12-31"}])
    write_manifest(tmp_path, [spec])
    [report] = load_all(tmp_path)
    assert report.errors == ["demo.csv row 2: bad date '2019-13-01'",
                             "demo.csv row 3: valid_to 2019-12-31 is before valid_from 2020-01-01"]
    write_list(tmp_path, spec, [{"code": "A", "name_lt": "A"}])
    [report] = load_all(tmp_path)
    assert report.errors == ["demo.csv: missing column name_en"]
    assert _nothing_written(0, 0, 0)
