import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, errors_of, run
from edureg.institutions.models import Institution, StatusChange
from edureg.institutions.tests.factories import legal_entity_code

D = datetime.date
HEADER = ["Juridinio asmens kodas", "Pavadinimas", "Tipas", "Nuosavybės forma", "Savivaldybė", "Įregistravimo data",
          "Būsena"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def codes_(world):
    item("institution_type", "3140", "Gimnazija")
    item("ownership", "20", "Savivaldybės")


def test_creates_institutions_with_status_history(world, codes_):
    code = legal_entity_code(8_000_010)
    data = csv_bytes(HEADER, [[code, "Naujoji gimnazija", "3140", "20", "LT-57", "2020.09.01", "active"]])
    report = run("institutions", data, actor=world.user("agency_admin"))
    assert errors_of(report) == [] and report.created == 1
    institution = Institution.objects.get(code=code)
    assert (institution.status, institution.status_since, institution.municipality) == (
        "active", D(2020, 9, 1), world.mun_a)
    history = StatusChange.objects.get(institution=institution)
    assert (history.status, history.since) == ("active", D(2020, 9, 1))
    for model in (Institution, StatusChange):
        record = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(model), source="import")
        assert (record.action, record.job_id, record.user_name) == ("create", report.job_id, "agency_admin")


def test_register_rules(world, codes_):
    data = csv_bytes(HEADER, [
        ["123456789", "Bloga", "3140", "20", "LT-57", "", ""],
        [legal_entity_code(8_000_020), "Nežinomas tipas", "9999", "20", "LT-57", "", ""],
        [legal_entity_code(8_000_030), "", "3140", "20", "LT-57", "", ""],
        [legal_entity_code(8_000_040), "Be savivaldybės", "3140", "20", "", "", ""],
        [legal_entity_code(8_000_050), "Uždaryta", "3140", "20", "LT-57", "", "uždaryta"],
    ])
    report = run("institutions", data)
    found = errors_of(report)
    assert found[0] == (2, "Juridinio asmens kodas", "The check digit of legal-entity code 123456789 is wrong.")
    assert found[1] == (3, "Tipas", 'Unknown code "9999" (list institution_type).')
    assert found[2] == (4, "Pavadinimas", "This field cannot be blank.")
    assert found[3] == (5, "Savivaldybė", "A value is required for a new record.")
    assert found[4][:2] == (6, "Būsena")
    assert not Institution.objects.filter(name__in=["Nežinomas tipas", "Be savivaldybės"]).exists()


def test_status_change_follows_the_lifecycle(world, codes_):
    header = ["Juridinio asmens kodas", "Būsena", "Būsena nuo"]
    a1 = world.a1
    report = run("institutions", csv_bytes(header, [[a1.code, "registered", "2026-01-01"]]))
    assert errors_of(report) == [(2, "Būsena", "An institution cannot go from Active to Registered.")]
    report = run("institutions", csv_bytes(header, [[a1.code, "liquidated", "2026.01.01"]]))
    assert errors_of(report) == [] and report.updated == 1
    a1.refresh_from_db()
    assert (a1.status, a1.liquidated_on) == ("liquidated", D(2026, 1, 1))
    assert StatusChange.objects.filter(institution=a1, status="liquidated", since=D(2026, 1, 1)).exists()


def test_scope_of_a_municipality_officer(world, codes_):
    """A municipality officer adds and changes institutions of their municipality only."""
    data = csv_bytes(HEADER, [[legal_entity_code(8_000_060), "Mūsų mokykla", "3140", "20", "LT-57", "", ""],
                              [legal_entity_code(8_000_070), "Kauno mokykla", "3140", "20", "LT-15", "", ""]])
    report = run("institutions", data, actor=world.user("municipality_officer"), skip_bad_rows=True)
    assert errors_of(report) == [(3, "Savivaldybė", "You may not add institutions in LT-15 Kauno miesto savivaldybė.")]
    change = csv_bytes(["Juridinio asmens kodas", "Telefonas"], [[world.a2.code, "+37052000000"],
                                                                   [world.b1.code, "+37037000000"]])
    report = run("institutions", change, actor=world.user("municipality_officer"))
    assert errors_of(report) == [(3, "", "This institution exists but is outside the part of the register you may "
                                         "change.")]
    assert not report.written


def test_institution_officer_may_not_add(world, codes_):
    data = csv_bytes(HEADER, [[legal_entity_code(8_000_080), "Nauja", "3140", "20", "LT-57", "", ""]])
    report = run("institutions", data, actor=world.user("institution_officer"))
    assert errors_of(report) == [(2, "", "You may not add new institutions (this row would add one).")]


def test_institution_officer_may_update_own_institution_but_not_move_it(world, codes_):
    header = ["Juridinio asmens kodas", "Telefonas", "Savivaldybė"]
    report = run("institutions", csv_bytes(header, [[world.a1.code, "+37052111111", "LT-15"]]),
                 actor=world.user("institution_officer"))
    assert errors_of(report) == [(2, "Savivaldybė", "Only the municipality or the agency may change this for an "
                                                    "institution.")]
    report = run("institutions", csv_bytes(header, [[world.a1.code, "+37052111111", "LT-57"]]),
                 actor=world.user("institution_officer"))
    assert errors_of(report) == [] and report.updated == 1
    world.a1.refresh_from_db()
    assert world.a1.phone == "+37052111111"
