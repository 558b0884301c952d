"""The back-office import (upload → preview → confirm) and export pages, as the roles use them."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from edureg.core.imports.jobs import load_job
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes
from edureg.learners.models import Enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons.tests.factories import PersonFactory

D = datetime.date
HEADER = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Klasė ar grupė"]
IMPORT = reverse("admin:learners_enrolment_import")
CHANGELIST = reverse("admin:learners_enrolment_changelist")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.EDUREG_IMPORT_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def learners(world):
    return [PersonFactory(birth_date=D(2012, 1, 1) + datetime.timedelta(days=i)) for i in range(3)]


def login(client, world, role):
    client.force_login(world.user(role))
    return client


def upload(client, data: bytes, *, name="mokiniai.csv", skip=False):
    payload = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if skip:
        payload["skip_bad_rows"] = "on"
    return client.post(IMPORT, payload)


def job_url(response) -> str:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return response["Location"]


def enrolment_changes():
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Enrolment))


def test_changelist_links_follow_permissions(client, world):
    page = login(client, world, "agency_admin").get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert IMPORT in html and reverse("admin:learners_enrolment_export", args=["csv"]) in html
    client.force_login(world.user("municipality_officer"))  # may view enrolments, not add or change them
    html = client.get(CHANGELIST).content.decode()
    assert IMPORT not in html and reverse("admin:learners_enrolment_export", args=["xlsx"]) in html
    assert client.get(IMPORT).status_code == 403
    assert upload(client, b"a;b\n1;2\n").status_code == 403


def test_upload_preview_confirm_as_agency_admin(client, world, learners):
    login(client, world, "agency_admin")
    assert client.get(IMPORT).status_code == 200
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", "5a"],
                              [learners[1].personal_code, world.b1.code, "2025.09.01", "5b"]], encoding="cp1257")
    url = job_url(upload(client, data))
    preview = client.get(url)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.created, report.updated, report.bad_rows, report.written) == (2, 0, 0, False)
    assert b'value="confirm"' in preview.content
    assert not Enrolment.objects.exists()  # the preview writes nothing
    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 302
    assert Enrolment.objects.count() == 2
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert set(enrolment_changes().values_list("source", "job_id", "user_name")) == {
        ("import", token, "agency_admin")}
    result = client.get(url)
    assert result.context["report"].written
    # Confirming twice does not import twice.
    client.post(url, {"action": "confirm"})
    assert Enrolment.objects.count() == 2 and enrolment_changes().count() == 2


def test_institution_officer_sees_rows_of_other_institutions_as_bad(client, world, learners):
    login(client, world, "institution_officer")
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", "5a"],
                              [learners[1].personal_code, world.b1.code, "2025-09-01", "5b"],
                              [learners[2].personal_code, world.a1.code, "2025-09-01", "5c"]])
    url = job_url(upload(client, data))
    preview = client.get(url)
    report = preview.context["report"]
    assert (report.created, report.bad_rows) == (2, 1)
    html = preview.content.decode()
    assert "B1 gimnazija" in html and world.b1.code in html
    assert 'value="confirm"' not in html  # all or nothing: a bad row blocks the import
    client.post(url, {"action": "confirm"})
    assert not Enrolment.objects.exists()

    url = job_url(upload(client, data, skip=True))
    preview = client.get(url)
    assert 'value="confirm"' in preview.content.decode()
    client.post(url, {"action": "confirm"})
    assert set(Enrolment.objects.values_list("institution", flat=True)) == {world.a1.pk}
    assert Enrolment.objects.count() == 2
    errors = client.get(reverse("admin:learners_enrolment_import_errors", args=[url.rstrip("/").rsplit("/", 1)[1]]))
    rows = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "3" and "B1 gimnazija" in rows[1][2]


def test_file_errors_show_in_the_preview(client, world):
    login(client, world, "agency_admin")
    url = job_url(upload(client, b"Asmens kodas;Batai\n1;2\n"))
    page = client.get(url)
    assert page.context["report"].file_errors and not page.context["report"].importable
    assert "Batai" in page.content.decode() and 'value="confirm"' not in page.content.decode()


def test_size_limit(client, world, settings):
    settings.EDUREG_MAX_UPLOAD_BYTES = 20
    login(client, world, "agency_admin")
    response = upload(client, b"Asmens kodas;Pradzios data\n" + b"1;2\n" * 10)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "20" in message and Enrolment.objects.count() == 0


def test_a_job_is_bound_to_its_session_and_user(client, world, learners, import_dir):
    login(client, world, "agency_admin")
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", "5a"]])
    url = job_url(upload(client, data))
    token = url.rstrip("/").rsplit("/", 1)[1]
    other = client.__class__()
    other.force_login(world.user("agency_admin"))  # the same user, another session
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "confirm"}).status_code == 404
    assert not Enrolment.objects.exists()
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert load_job(token) is None and not (import_dir / token).exists()


def test_large_files_run_as_a_background_task(client, world, learners, settings):
    settings.EDUREG_IMPORT_BACKGROUND_BYTES = 0  # every file is "large"; tests use the immediate backend
    login(client, world, "agency_admin")
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", "5a"]])
    url = job_url(upload(client, data))
    token = url.rstrip("/").rsplit("/", 1)[1]
    state = load_job(token).state
    assert state["task_id"] and state["status"] == "done" and state["phase"] == "preview"
    assert state["total"] == 1
    client.post(url, {"action": "confirm"})
    assert load_job(token).state["phase"] == "import" and Enrolment.objects.count() == 1


def test_progress_page_while_running(client, world, learners):
    login(client, world, "agency_admin")
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", "5a"]])
    url = job_url(upload(client, data))
    job = load_job(url.rstrip("/").rsplit("/", 1)[1])
    job.set_state(status="running", phase="import", stage="write", done=500, total=2000)
    page = client.get(url)
    html = page.content.decode()
    assert 'http-equiv="refresh"' in html and "500 / 2000 (25%)" in html


def read_csv_export(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def enrolled(world):
    a1 = EnrolmentFactory(institution=world.a1, person__birth_date=D(2012, 1, 1), group="5a")
    a2 = EnrolmentFactory(institution=world.a2, person__birth_date=D(2012, 1, 2), group="6a")
    b1 = EnrolmentFactory(institution=world.b1, person__birth_date=D(2012, 1, 3), group="7a")
    return a1, a2, b1


def test_export_csv_is_scoped_and_masks_codes(client, world, enrolled):
    a1, a2, b1 = enrolled
    csv_url = reverse("admin:learners_enrolment_export", args=["csv"])
    rows = read_csv_export(login(client, world, "agency_admin").get(csv_url))
    assert rows[0][:3] == ["Asmens kodas", "Kitas identifikatorius", "Išdavusi šalis"]
    assert sorted(r[0] for r in rows[1:]) == sorted(e.person.personal_code for e in enrolled)
    # A municipality officer sees the enrolments of their municipality, with masked personal codes.
    client.force_login(world.user("municipality_officer"))
    rows = read_csv_export(client.get(csv_url))
    groups = {r[rows[0].index("Klasė ar grupė")] for r in rows[1:]}
    assert groups == {"5a", "6a"}
    assert sorted(r[0] for r in rows[1:]) == sorted("*******" + e.person.personal_code[-4:] for e in (a1, a2))
    # An institution officer may change their learners: full codes, own institution only.
    client.force_login(world.user("institution_officer"))
    rows = read_csv_export(client.get(csv_url))
    assert [r[0] for r in rows[1:]] == [a1.person.personal_code]
    # The changelist's filters carry over to the export.
    client.force_login(world.user("agency_admin"))
    rows = read_csv_export(client.get(csv_url, {"q": "A2 progimnazija"}))
    assert [r[0] for r in rows[1:]] == [a2.person.personal_code]


def test_export_xlsx(client, world, enrolled):
    response = login(client, world, "agency_admin").get(reverse("admin:learners_enrolment_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "Asmens kodas" and len(rows) == 4
    start = header.index("Pradžios data")
    assert {r[start].date() for r in rows[1:]} == {D(2025, 9, 1)}


def test_export_selected_action(client, world, enrolled):
    login(client, world, "agency_admin")
    response = client.post(CHANGELIST, {"action": "export_selected_csv", "_selected_action": [enrolled[1].pk]})
    rows = read_csv_export(response)
    assert [r[0] for r in rows[1:]] == [enrolled[1].person.personal_code]


def test_export_imports_back_unchanged(client, world, enrolled):
    login(client, world, "agency_admin")
    exported = b"".join(client.get(reverse("admin:learners_enrolment_export", args=["csv"])).streaming_content)
    url = job_url(upload(client, exported, name="eksportas.csv"))
    report = client.get(url).context["report"]
    assert report.errors == [] and (report.unchanged, report.created, report.updated) == (3, 0, 0)


@pytest.mark.parametrize("model", ["institutions_institution", "persons_person", "pedagogues_employment"])
def test_other_registers_have_the_pages(client, world, model):
    login(client, world, "agency_admin")
    html = client.get(reverse(f"admin:{model}_changelist")).content.decode()
    assert reverse(f"admin:{model}_import") in html
    assert client.get(reverse(f"admin:{model}_import")).status_code == 200
    response = client.get(reverse(f"admin:{model}_export", args=["csv"]))
    assert response.status_code == 200 and len(read_csv_export(response)) >= 1


def test_person_and_employment_exports(client, world, enrolled):
    from edureg.classifiers.tests.factories import item
    from edureg.pedagogues.tests.factories import EmploymentFactory

    employment = EmploymentFactory(institution=world.a1)
    employment.subjects.set([item("subject", "MAT"), item("subject", "LIT")])
    login(client, world, "municipality_officer")
    rows = read_csv_export(client.get(reverse("admin:persons_person_export", args=["csv"])))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Asmens kodas", "Kitas identifikatorius", "Išdavusi šalis", "Vardas", "Pavardė"]
    expected = {e.person.personal_code for e in enrolled[:2]} | {employment.person.personal_code}
    assert sorted(r[0] for r in body) == sorted("*******" + code[-4:] for code in expected)
    client.force_login(world.user("institution_officer"))
    rows = read_csv_export(client.get(reverse("admin:pedagogues_employment_export", args=["csv"])))
    header, (row,) = rows[0], rows[1:]
    assert row[0] == employment.person.personal_code
    assert row[header.index("Dalykai")] == "LIT MAT" and row[header.index("Krūvis")] == "1"
    assert row[header.index("Pareigos")] == "10" and row[header.index("Įstaigos kodas")] == world.a1.code


def test_exports_with_full_codes_are_logged_as_personal_data_reads(client, world, enrolled):
    from edureg.core.models import ReadAccess

    csv_url = reverse("admin:learners_enrolment_export", args=["csv"])
    read_csv_export(login(client, world, "institution_officer").get(csv_url))
    logged = ReadAccess.objects.filter(source="export", user_name="institution_officer")
    assert logged.count() == 1 and logged.get().object_id == "export"
    client.force_login(world.user("municipality_officer"))  # masked codes: nothing to log
    read_csv_export(client.get(csv_url))
    assert not ReadAccess.objects.filter(source="export", user_name="municipality_officer").exists()
