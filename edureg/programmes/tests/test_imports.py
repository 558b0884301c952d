"""Import of programmes with their modules from a two-sheet XLSX workbook (programmes.imports)."""

import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, run
from edureg.programmes.imports import ProgrammeImporter
from edureg.programmes.models import Module, Programme
from edureg.programmes.tests.factories import ProgrammeVersionFactory
from edureg.qualifications.tests.factories import CompetenceFactory, QualificationFactory, isced_f

P_HEADER = ["Programos raktas", "Programos rūšis", "Teikėjo kodas", "Pavadinimas", "Kvalifikacijos kodas",
            "LTKS lygis", "Mokymo kalba", "Mokymo formos", "Kreditai", "Valandos", "Porūšis", "Galioja nuo",
            "Pateikti"]
M_HEADER = ["Programos raktas", "Modulio kodas", "Pavadinimas", "Tipas", "Kreditai", "Valandos", "Kompetencijos"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook(programmes, modules=None, *, titles=("Programos", "Moduliai"), p_header=P_HEADER, m_header=M_HEADER,
             extra_sheets=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = titles[0]
    sheet.append(p_header)
    for row in programmes:
        sheet.append(row)
    if modules is not None:
        sheet = book.create_sheet(titles[1])
        sheet.append(m_header)
        for row in modules:
            sheet.append(row)
    for title in extra_sheets:
        book.create_sheet(title).append(["Paaiškinimas"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_of(report) -> list[tuple]:
    return [(e.sheet, e.row, e.column, e.message) for e in report.errors]


@pytest.fixture
def refs(world):
    """A qualification with two competences, the language and field codes."""
    item("language", "lt", "lietuvių")
    isced_f("0715")
    competences = [CompetenceFactory(code="K1"), CompetenceFactory(code="K2")]
    qualification = QualificationFactory(code="S-401", ltks_level=4, isced_f=isced_f("0715"),
                                         competences=competences)
    return {"qualification": qualification, "competences": competences}


def vet_row(world, key="P1", name="Suvirintojo programa", institution=None, submit="ne", **changes):
    values = {"key": key, "kind": "initial_vet", "provider": (institution or world.a1).code, "name": name,
              "qualification": "S-401", "level": "", "language": "lt", "forms": "full_time, apprenticeship",
              "credits": 90, "hours": "", "subtype": "", "valid_from": "2026-09-01", "submit": submit, **changes}
    return list(values.values())


def vet_modules(key="P1"):
    return [[key, "M1", "Įvadas į profesiją", "introductory", 5, "", ""],
            [key, "M2", "Bendrieji gebėjimai", "general", 5, "", ""],
            [key, "M3", "Suvirinimas lankiniu būdu", "competence", 70, "", "K1, K2"],
            [key, "M4", "Baigiamasis modulis", "final", 10, "", ""]]


def cpd_row(world, key="P2", name="Įtraukusis ugdymas", **changes):
    values = {"key": key, "kind": "cpd", "provider": world.a1.code, "name": name, "qualification": "",
              "level": "", "language": "lt", "forms": "distance", "credits": "", "hours": 40, "subtype": "",
              "valid_from": "2026-01-01", "submit": "", **changes}
    return list(values.values())


def good_workbook(world):
    return workbook([vet_row(world), cpd_row(world)], vet_modules())


def import_changes(**filters):
    return ObjectChange.objects.filter(source="import", **filters)


# The good path ---------------------------------------------------------------------------------------


def test_a_good_workbook_creates_draft_programmes_with_their_modules(world, refs):
    report = run("programmes", good_workbook(world), actor=world.user("agency_admin"))
    assert errors_of(report) == []
    assert (report.total, report.created, report.written) == (2, 2, True)
    vet = Programme.objects.get(name_lt="Suvirintojo programa")
    assert vet.temp_code.startswith("LAIK-") and vet.state_code is None and vet.status == "draft"
    assert (vet.kind.code, vet.provider, vet.qualification, vet.ltks_level, vet.isced_f.code) == (
        "initial_vet", world.a1, refs["qualification"], 4, "0715")  # level and field from the qualification
    version = vet.versions.get()
    assert (version.credits, version.forms, version.language.code) == (
        Decimal("90"), ["full_time", "apprenticeship"], "lt")
    modules = list(version.modules.order_by("position"))
    assert [(m.code, m.type, m.credits, m.mandatory, m.position) for m in modules] == [
        ("M1", "introductory", Decimal("5"), True, 1), ("M2", "general", Decimal("5"), True, 2),
        ("M3", "competence", Decimal("70"), True, 3), ("M4", "final", Decimal("10"), True, 4)]
    assert {c.code for c in modules[2].competences.all()} == {"K1", "K2"}
    cpd = Programme.objects.get(name_lt="Įtraukusis ugdymas")
    assert (cpd.kind.code, cpd.versions.get().hours, cpd.versions.get().modules.count()) == ("cpd", 40, 0)
    # What was created, for the reader, and the change records of the run.
    notes = [str(n) for n in report.notes]
    assert notes[0].startswith(f"Programos row 2: created the programme {vet.temp_code} \"Suvirintojo programa\"")
    assert "with 4 modules; status: Draft." in notes[0]
    module_type = ContentType.objects.get_for_model(Module)
    assert import_changes(content_type=module_type, action="create").count() == 4
    assert set(import_changes().values_list("user_name", "job_id")) == {("agency_admin", report.job_id)}
    assert vet.events.filter(action="created").exists()


def test_english_sheet_titles_and_headers_and_no_modules_sheet(world, refs):
    header = ["Programme key", "Kind", "Provider code", "Name", "Hours", "Forms"]
    data = workbook([["X", "cpd", world.a1.code, "Skaitmeninis raštingumas", 60, "part_time"]],
                    titles=("Programmes", "Modules"), p_header=header)
    report = run("programmes", data)
    assert errors_of(report) == [] and report.written
    assert Programme.objects.get().versions.get().hours == 60


def test_submit_column_submits_the_draft_and_reports_rule_findings(world, refs):
    data = workbook([vet_row(world, submit="taip")], vet_modules())
    report = run("programmes", data, actor=world.user("institution_officer"))
    assert errors_of(report) == []
    programme = Programme.objects.get()
    assert (programme.status, programme.versions.get().status) == ("submitted", "submitted")
    # A final module missing: the rules of the kind refuse the submission, nothing is written.
    data = workbook([vet_row(world, key="P9", name="Kita programa", submit="taip")], vet_modules("P9")[:3])
    report = run("programmes", data, actor=world.user("institution_officer"))
    assert not report.written and Programme.objects.count() == 1
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("Programos row 2, Pateikti: ") and "final" in m for m in messages), messages


def test_registrar_imports_registered_programmes_with_their_state_codes(world, refs):
    header = [*P_HEADER, "Valstybinis kodas"]
    data = workbook([vet_row(world, **{"state_code": "P43071501"})], vet_modules(), p_header=header)
    report = run("programmes", data)  # the system: the register's administrator
    assert errors_of(report) == []
    programme = Programme.objects.get()
    assert (programme.state_code, programme.status, programme.current_version.registered_on.isoformat()) == (
        "P43071501", "registered", "2026-09-01")
    # Again: the state code is taken. An institution officer may not import state codes at all.
    again = workbook([vet_row(world, name="Kita", state_code="P43071501")], vet_modules(), p_header=header)
    assert errors_of(run("programmes", again)) == [
        ("Programos", 2, "Valstybinis kodas",
         "The state code P43071501 is already used by the programme \"Suvirintojo programa\".")]
    other = workbook([vet_row(world, name="Kita", state_code="P43071599")], vet_modules(), p_header=header)
    report = run("programmes", other, actor=world.user("institution_officer"))
    assert [e[2] for e in errors_of(report)] == ["Valstybinis kodas"]
    assert "Only the administrators of the programmes register" in report.errors[0].message


# Bad input -----------------------------------------------------------------------------------------


def test_each_bad_value_is_named_by_sheet_row_and_column_and_nothing_is_written(world, refs):
    programmes = [
        vet_row(world),
        vet_row(world, key="P2", name="Antra", kind="no_such_kind"),
        vet_row(world, key="P3", name="Trečia", qualification="NOPE"),
        vet_row(world, key="P4", name="Ketvirta", provider="191234569"),
        vet_row(world, key="P5", name="Penkta", qualification="", level=9),
        vet_row(world, key="P1", name="Šešta"),
    ]
    modules = [*vet_modules(),
               ["P1", "M1", "Dar kartą įvadas", "introductory", 1, "", ""],
               ["P7", "M1", "Be programos", "general", 1, "", ""],
               ["P1", "M8", "Blogi kreditai", "general", "daug", "", ""],
               ["P1", "M9", "Nežinoma kompetencija", "competence", 1, "", "K1, K404"],
               ["P1", "M10", "Blogas tipas", "optional", 1, "", ""]]
    report = run("programmes", workbook(programmes, modules))
    assert not report.written and Programme.objects.count() == 0 and Module.objects.count() == 0
    assert errors_of(report) == [
        ("Programos", 2, "", "This programme is left out as a whole: its rows 6, 8, 9, 10 in the sheet "
                             "\"Moduliai\" have errors."),
        ("Programos", 3, "Programos rūšis", "Unknown programme kind \"no_such_kind\"; known kinds: initial_vet, "
                                            "continuing_vet, cpd, nonformal_adult, nonformal_children, "
                                            "library_competence."),
        ("Programos", 4, "Kvalifikacijos kodas", "No qualification with the code NOPE in the register."),
        ("Programos", 5, "Teikėjo kodas", "No institution with the legal-entity code 191234569 in the register."),
        ("Programos", 6, "LTKS lygis", "The LTKS level is 1 to 8 (this value is 9)."),
        ("Programos", 7, "Programos raktas", "Row 2 already has the programme key \"P1\"."),
        ("Moduliai", 6, "Modulio kodas", "Row 2 already has the module code M1 for this programme."),
        ("Moduliai", 7, "Programos raktas", "No programme with the key \"P7\" in the sheet \"Programos\"."),
        ("Moduliai", 8, "Kreditai", "\"daug\" is not a number."),
        ("Moduliai", 9, "Kompetencijos", "No competence with the code(s) K404 in the register."),
        ("Moduliai", 10, "Tipas", "\"optional\" is not one of: introductory, general, competence, elective, final."),
    ]
    assert str(report.errors[-3]) == "Moduliai row 8, Kreditai: \"daug\" is not a number."
    assert report.bad_rows == 11  # rows of both sheets, counted apart
    assert not ObjectChange.objects.filter(source="import").exists()


def test_the_services_rules_are_reported_under_their_columns(world, refs):
    """Rules the services check (the kind's subtypes and forms, an elective marked mandatory) come back
    under the column of the field, and the programme is not written."""
    programmes = [cpd_row(world, subtype="regional"), cpd_row(world, key="P3", name="Trečia", forms="apprenticeship"),
                  cpd_row(world, key="P4", name="Ketvirta")]
    modules = [["P4", "E1", "Pasirenkamas", "elective", "", 4, "", "taip"]]
    report = run("programmes", workbook(programmes, modules, m_header=[*M_HEADER, "Privalomas"]))
    assert errors_of(report) == [
        ("Programos", 2, "Porūšis", "Continuing professional development programme has no subtype regional "
                                    "(allowed: institutional, national)."),
        ("Programos", 3, "Mokymo formos", "Not allowed for Continuing professional development programme: "
                                          "apprenticeship."),
        ("Programos", 4, "", "This programme is left out as a whole: its row 2 in the sheet \"Moduliai\" has "
                             "errors."),
        ("Moduliai", 2, "Privalomas", "An elective module is not mandatory."),
    ]
    assert Programme.objects.count() == 0


def test_a_programme_imported_twice_is_refused(world, refs):
    existing = ProgrammeVersionFactory(programme__provider=world.a1, programme__name_lt="Suvirintojo programa",
                                       name_lt="Suvirintojo programa").programme
    report = run("programmes", workbook([vet_row(world)], vet_modules()))
    assert errors_of(report) == [("Programos", 2, "Pavadinimas", f"{world.a1} already has the programme "
                                  f"{existing.code} with this name: change it in the back-office (or draft a new "
                                  "version) instead of importing it again.")]


def test_skip_bad_rows_leaves_out_a_programme_with_a_bad_module_as_a_whole(world, refs):
    modules = [*vet_modules(), ["P2", "X1", "Blogas modulis", "general", -3, "", ""]]
    report = run("programmes", workbook([vet_row(world), cpd_row(world)], modules), skip_bad_rows=True)
    assert report.written and report.created == 1
    assert list(Programme.objects.values_list("name_lt", flat=True)) == ["Suvirintojo programa"]
    assert errors_of(report) == [
        ("Programos", 3, "", "This programme is left out as a whole: its row 6 in the sheet \"Moduliai\" has "
                             "errors."),
        ("Moduliai", 6, "Kreditai", "Cannot be negative (this value is -3)."),
    ]
    assert Module.objects.count() == 4


def test_a_service_refusal_undoes_only_that_programme_with_skip_bad_rows(world, refs):
    programmes = [vet_row(world), cpd_row(world, subtype="regional")]
    report = run("programmes", workbook(programmes, vet_modules()), skip_bad_rows=True)
    assert report.written and report.created == 1 and [e.row for e in report.errors] == [3]
    assert Programme.objects.count() == 1 and Programme.objects.get().versions.count() == 1


def test_dry_run_reports_what_would_be_created_and_writes_nothing(world, refs):
    report = run("programmes", good_workbook(world), dry_run=True, actor=world.user("institution_officer"))
    assert (report.created, report.written, report.dry_run, errors_of(report)) == (2, False, True, [])
    assert [str(n) for n in report.notes] == [
        f"Programos row 2: would create the programme \"Suvirintojo programa\" (initial_vet, {world.a1}) "
        "with 4 modules; status: Draft.",
        f"Programos row 3: would create the programme \"Įtraukusis ugdymas\" (cpd, {world.a1}) with 0 modules; "
        "status: Draft."]
    assert not Programme.objects.exists() and not Module.objects.exists()
    assert not ObjectChange.objects.filter(source="import").exists()
    assert report.importable and "dry run: nothing written" in report.summary()


# Permissions and scope -----------------------------------------------------------------------------


def test_an_institution_officer_imports_only_their_own_institutions_programmes(world, refs):
    programmes = [vet_row(world), vet_row(world, key="P2", name="Kitos mokyklos", institution=world.b1)]
    modules = [*vet_modules(), *vet_modules("P2")]
    report = run("programmes", workbook(programmes, modules), actor=world.user("institution_officer"))
    assert errors_of(report) == [
        ("Programos", 3, "Teikėjo kodas", f"You may import programmes only of your own institution; {world.b1} "
                                          f"({world.b1.code}) is not one of yours.")]
    assert not Programme.objects.exists()
    report = run("programmes", workbook(programmes, modules), actor=world.user("institution_officer"),
                 skip_bad_rows=True)
    assert report.written and list(Programme.objects.values_list("provider", flat=True)) == [world.a1.pk]
    assert set(import_changes().values_list("user_name", flat=True)) == {"institution_officer"}


def test_users_without_the_permission_may_not_import(world, refs):
    report = run("programmes", good_workbook(world), actor=world.user("municipality_officer"))
    assert errors_of(report) == [("", None, "", "You may not import programmes.")]
    assert not Programme.objects.exists()


# The file ------------------------------------------------------------------------------------------


def test_file_errors(world, refs):
    report = run("programmes", csv_bytes(["Programos raktas"], [["P1"]]))
    assert [str(e) for e in report.errors] == [
        "This import needs an XLSX workbook with several sheets; a CSV file holds only one table."]
    report = run("programmes", workbook([vet_row(world)], titles=("Lapas1", "Moduliai")))
    assert [str(e) for e in report.errors] == [
        "The workbook has no sheet \"Programos\" (\"Programmes\"); its sheets: \"Lapas1\"."]
    report = run("programmes", workbook([vet_row(world)], vet_modules(), m_header=[*M_HEADER, "Spalva"]))
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(
        "sheet Moduliai: Unknown column \"Spalva\" (column 8).")
    report = run("programmes", workbook([], vet_modules()))
    assert [str(e) for e in report.errors] == ["sheet Programos: The sheet has a header but no data rows."]
    report = run("programmes", workbook([vet_row(world)], vet_modules(), extra_sheets=["Paaiškinimai"]))
    assert report.written and "The sheet \"Paaiškinimai\" is not read" in str(report.notes[0])


def test_the_template_holds_both_sheets_and_imports_once_filled_in(world, refs):
    with translation.override("lt"):
        data = ProgrammeImporter().template_xlsx()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Programos", "Moduliai"]
    headers = [c.value for c in book["Programos"][1]]
    assert headers[:3] == ["Programos raktas", "Programos rūšis", "Teikėjo kodas"]
    assert book["Programos"]["A1"].font.bold and not book["Programos"]["D1"].font.bold
    # The example row names a provider this register does not have: every header is known.
    report = run("programmes", data)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("Programos", 2, "Teikėjo kodas")]
    book["Programos"]["C2"] = world.a1.code
    buffer = io.BytesIO()
    book.save(buffer)
    report = run("programmes", buffer.getvalue())
    assert errors_of(report) == [] and report.written


# The command line ----------------------------------------------------------------------------------


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_the_import_command(world, refs, tmp_path):
    good = tmp_path / "programos.xlsx"
    good.write_bytes(good_workbook(world))
    bad = tmp_path / "blogos.xlsx"
    bad.write_bytes(workbook([vet_row(world), cpd_row(world)],
                             [*vet_modules(), ["P2", "X1", "Blogas", "general", "daug", "", ""]]))
    code, out = run_command("programmes", str(good), "--dry-run")
    assert code == 0 and "would create the programme \"Suvirintojo programa\"" in out
    assert "programmes: 2 rows, 2 new, 0 updated, 0 unchanged, 0 bad rows; dry run: nothing written" in out
    assert not Programme.objects.exists()
    code, out = run_command("programmes", str(bad))
    assert code == 1 and "Moduliai row 6, Kreditai: \"daug\" is not a number." in out
    assert "Programos row 3: This programme is left out as a whole" in out
    assert not Programme.objects.exists()
    code, out = run_command("programmes", str(bad), "--skip-bad-rows", "--actor", "institution_officer")
    assert code == 0 and "1 new" in out and "written" in out
    assert list(Programme.objects.values_list("name_lt", flat=True)) == ["Suvirintojo programa"]
    assert set(import_changes().values_list("user_name", flat=True)) == {"institution_officer"}


# The back-office -----------------------------------------------------------------------------------


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.EDUREG_IMPORT_DIR = str(tmp_path / "imports")


def test_the_admin_import_page_previews_and_imports_a_workbook(client, world, refs, import_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.user("institution_officer"))
    page = client.get(reverse("admin:programmes_programme_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Moduliai" in html and "Modulio kodas" in html  # both sheets' columns are described
    template = client.get(reverse("admin:programmes_programme_import_template"))
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["Programos", "Moduliai"]  # Lithuanian UI

    bad = workbook([vet_row(world)], [*vet_modules(), ["P1", "M9", "Blogas", "general", "daug", "", ""]])
    response = client.post(reverse("admin:programmes_programme_import"),
                           {"file": SimpleUploadedFile("programos.xlsx", bad)})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "<td>Moduliai</td><td>6</td><td>Kreditai</td>" in html and b'value="confirm"' not in preview.content
    errors_csv = client.get(response["Location"] + "errors.csv").content.decode("utf-8-sig")
    assert len(errors_csv.splitlines()[0].split(";")) == 4  # sheet, row, column, message
    assert "Moduliai;6;Kreditai;" in errors_csv

    response = client.post(reverse("admin:programmes_programme_import"),
                           {"file": SimpleUploadedFile("programos.xlsx", good_workbook(world))})
    url = response["Location"]
    preview = client.get(url)
    assert preview.context["report"].created == 2 and "būtų sukurta programa" in preview.content.decode()
    assert not Programme.objects.exists()
    client.post(url, {"action": "confirm"})
    assert Programme.objects.count() == 2 and Module.objects.count() == 4
    assert set(import_changes().values_list("user_name", flat=True)) == {"institution_officer"}


def test_the_admin_exports_the_programmes_sheet(client, world, refs):
    from django.urls import reverse

    run("programmes", good_workbook(world))
    client.force_login(world.user("agency_admin"))
    response = client.get(reverse("admin:programmes_programme_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[4]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    vet = rows["Suvirintojo programa"]
    assert (vet["Programos raktas"], vet["Programos rūšis"], vet["Teikėjo kodas"], vet["Kreditai"],
            vet["Mokymo formos"]) == (Programme.objects.get(kind__code="initial_vet").code, "initial_vet",
                                      world.a1.code, 90, "full_time, apprenticeship")
