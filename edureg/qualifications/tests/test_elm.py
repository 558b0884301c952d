"""The ELM (Europass) export of qualifications, validated against edureg/core/elm_schema.json."""

import copy
import json

import jsonschema
import pytest
from django.test.utils import override_settings

from edureg.classifiers.tests.factories import item
from edureg.core import elm
from edureg.qualifications.elm import qualification_elm, qualification_reference
from edureg.qualifications.models import Competence, Qualification

pytestmark = pytest.mark.django_db

QUALIFICATION_SCHEMA = jsonschema.Draft202012Validator(elm.elm_schema("qualificationDocument"))
ANY_SCHEMA = jsonschema.Draft202012Validator(elm.elm_schema())


def competence(code, name_lt, name_en="", description_lt="", description_en=""):
    return Competence.objects.create(code=code, name_lt=name_lt, name_en=name_en, description_lt=description_lt,
                                     description_en=description_en, ltks_level=4)


@pytest.fixture
def welder():
    """A full LTKS 4 qualification with two competences (synthetic)."""
    q = Qualification.objects.create(
        code="M43071501", name_lt="Suvirintojas", name_en="Welder", ltks_level=4,
        isced_f=item("isced_f", "0715", "Mechanika ir metalo apdirbimas"), type="full",
        description_lt="Suvirina plieno konstrukcijas.", description_en="Welds steel structures.",
        entry_requirements_lt="Pagrindinis išsilavinimas.", entry_requirements_en="Basic education.")
    q.competences.set([
        competence("SUV-02", "Suvirinti lankiniu būdu", "Perform arc welding", "Suvirina MMA būdu."),
        competence("SUV-01", "Paruošti darbo vietą", "Prepare the workplace"),
    ])
    return q


@pytest.fixture
def partial():
    q = Qualification.objects.create(
        code="D30722001", name_lt="Pastatų šiltinimo darbuotojas", name_en="", ltks_level=3,
        isced_f=item("isced_f", "0732", "Statyba ir civilinė inžinerija"), type="partial")
    q.competences.set([competence("SIL-01", "Šiltinti pastatų fasadus")])
    return q


def fresh(q):
    return Qualification.objects.get(pk=q.pk)


def errors(doc, validator=QUALIFICATION_SCHEMA):
    return [e.message for e in validator.iter_errors(doc)]


def test_full_qualification_validates_and_carries_level_field_and_outcomes(welder):
    doc = qualification_elm(fresh(welder))

    assert errors(doc) == []
    assert errors(doc, ANY_SCHEMA) == []
    assert doc["@context"] == "http://data.europa.eu/snb/model/context/edc-ap"
    assert doc["type"] == "Qualification"
    assert doc["id"] == "urn:edureg:qualification:M43071501"
    assert doc["identifier"][0]["notation"] == "M43071501"
    assert doc["title"] == {"lt": ["Suvirintojas"], "en": ["Welder"]}
    assert doc["description"]["en"] == ["Welds steel structures."]
    assert doc["EQFLevel"]["id"] == "http://data.europa.eu/snb/eqf/4"
    assert doc["EQFLevel"]["inScheme"]["id"] == "http://data.europa.eu/snb/eqf/25831c2"
    assert [c["id"] for c in doc["ISCEDFCode"]] == ["http://data.europa.eu/snb/isced-f/0715"]
    assert doc["ISCEDFCode"][0]["prefLabel"]["lt"] == ["Mechanika ir metalo apdirbimas"]
    assert doc["isPartialQualification"] is False
    # Competences become learning outcomes, ordered by code, with their description as a note.
    assert [o["title"] for o in doc["learningOutcome"]] == [
        {"lt": ["Paruošti darbo vietą"], "en": ["Prepare the workplace"]},
        {"lt": ["Suvirinti lankiniu būdu"], "en": ["Perform arc welding"]},
    ]
    assert "additionalNote" not in doc["learningOutcome"][0]
    assert doc["learningOutcome"][1]["additionalNote"][0]["noteLiteral"] == {"lt": ["Suvirina MMA būdu."]}
    assert doc["entryRequirement"]["noteLiteral"] == {"lt": ["Pagrindinis išsilavinimas."], "en": ["Basic education."]}
    assert "LTKS) level 4" in doc["additionalNote"][0]["noteLiteral"]["en"][0]
    assert "NQFLevel" not in doc  # no QDR concept ids configured
    assert json.loads(json.dumps(doc)) == doc  # plain JSON


def test_partial_qualification(partial):
    doc = qualification_elm(fresh(partial))

    assert errors(doc) == []
    assert doc["isPartialQualification"] is True
    assert doc["EQFLevel"]["id"] == "http://data.europa.eu/snb/eqf/3"
    assert doc["ISCEDFCode"][0]["id"] == "http://data.europa.eu/snb/isced-f/0732"
    assert doc["title"] == {"lt": ["Pastatų šiltinimo darbuotojas"]}  # no empty English title
    assert "description" not in doc and "entryRequirement" not in doc


@pytest.mark.parametrize("ltks", range(1, 9))
def test_every_ltks_level_maps_to_the_same_eqf_level(ltks):
    ref = qualification_reference(Qualification(code="X1", name_lt="Kvalifikacija", ltks_level=ltks))
    assert ref["EQFLevel"]["id"] == f"http://data.europa.eu/snb/eqf/{ltks}"
    assert errors(ref, jsonschema.Draft202012Validator(elm.elm_schema("qualificationReference"))) == []


def test_base_uri_and_national_framework_levels_are_configurable(welder):
    with override_settings(EDUREG_ELM_BASE_URI="https://registras.example.lt/elm",
                           EDUREG_ELM_NQF_LEVELS={4: "http://data.europa.eu/snb/qdr/c_0000ltks4"}):
        doc = qualification_elm(fresh(welder))

    assert errors(doc) == []
    assert doc["id"] == "https://registras.example.lt/elm/qualification/M43071501"
    assert doc["learningOutcome"][0]["id"] == "https://registras.example.lt/elm/competence/SUV-01"
    assert doc["NQFLevel"][0]["id"] == "http://data.europa.eu/snb/qdr/c_0000ltks4"


def test_qualification_without_competences_is_not_ready_for_the_qdr(partial):
    """The QDR requires learning outcomes: the export leaves them out and the schema says so."""
    partial.competences.clear()
    doc = qualification_elm(fresh(partial))

    assert "learningOutcome" not in doc
    assert any("'learningOutcome' is a required property" in m for m in errors(doc))


def test_export_reads_the_database_twice_at_most(welder, django_assert_max_num_queries):
    q = fresh(welder)
    with django_assert_max_num_queries(2):
        qualification_elm(q)


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()

BROKEN = {
    "no @context": (("@context",), _DELETE),
    "another @context": (("@context",), "https://schema.org"),
    "wrong type": (("type",), "qualification"),
    "id not a URI": (("id",), "M43071501"),
    "EQF level 9": (("EQFLevel", "id"), "http://data.europa.eu/snb/eqf/9"),
    "EQF level as a number": (("EQFLevel",), 4),
    "EQF level outside the EU vocabulary": (("EQFLevel", "id"), "https://example.org/eqf/4"),
    "EQF level in another scheme": (("EQFLevel", "inScheme", "id"), "http://data.europa.eu/snb/isced-f/25831c2"),
    "title as a plain string": (("title",), "Suvirintojas"),
    "title with an empty list": (("title",), {"lt": []}),
    "title in an upper-case language": (("title",), {"LT": ["Suvirintojas"]}),
    "no ISCED-F field": (("ISCEDFCode",), []),
    "ISCED-F code of letters": (("ISCEDFCode", 0, "id"), "http://data.europa.eu/snb/isced-f/welding"),
    "partial flag as text": (("isPartialQualification",), "no"),
    "learning outcome without title": (("learningOutcome", 0, "title"), _DELETE),
    "note without text": (("entryRequirement", "noteLiteral"), {}),
    "misspelt property": (("eqfLevel",), {"id": "http://data.europa.eu/snb/eqf/4", "type": "Concept"}),
    "modified without time zone": (("modified",), "2025-09-01T10:00:00"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_schema_rejects_a_broken_export(welder, case):
    doc = qualification_elm(fresh(welder))
    broken = copy.deepcopy(doc)
    path, value = BROKEN[case]
    _set(broken, path, value)

    assert errors(doc) == []
    assert errors(broken), f"{case} was accepted"
    with pytest.raises(jsonschema.ValidationError):
        ANY_SCHEMA.validate(broken)
