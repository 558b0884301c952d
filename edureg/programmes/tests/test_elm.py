"""The ELM (Europass) export of programme versions, validated against edureg/core/elm_schema.json."""

import copy
import json
from decimal import Decimal

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from edureg.classifiers.tests.factories import item
from edureg.core import elm
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.choices import EntryEducation, ModuleType
from edureg.programmes.elm import ENTRY_EDUCATION, MODULE_TYPES, programme_elm
from edureg.programmes.models import Module, Programme, ProgrammeKind, ProgrammeVersion
from edureg.qualifications.models import Competence, Qualification

pytestmark = pytest.mark.django_db

SCHEMA = jsonschema.Draft202012Validator(elm.elm_schema("learningOpportunityDocument"))
ANY_SCHEMA = jsonschema.Draft202012Validator(elm.elm_schema())
EQF4 = "http://data.europa.eu/snb/eqf/4"


def kind(code, **fields):
    defaults = {"name_lt": code, "name_en": code, "code_prefix": "P", **fields}
    return ProgrammeKind.objects.update_or_create(code=code, defaults=defaults)[0]


def programme(kind_, temp_code, name_lt, name_en="", provider=None, **version_fields):
    p = Programme.objects.create(kind=kind_, provider=provider or InstitutionFactory(), temp_code=temp_code,
                                 name_lt=name_lt, name_en=name_en)
    return ProgrammeVersion.objects.create(programme=p, number=1, name_lt=name_lt, name_en=name_en, **version_fields)


def competence(code, name_lt, name_en=""):
    return Competence.objects.create(code=code, name_lt=name_lt, name_en=name_en)


@pytest.fixture
def vet():
    """A modular initial VET programme of 90 credits awarding an LTKS 4 welder qualification."""
    prepare, weld, cut = (competence("SUV-01", "Paruošti darbo vietą", "Prepare the workplace"),
                          competence("SUV-02", "Suvirinti lankiniu būdu", "Perform arc welding"),
                          competence("SUV-03", "Pjaustyti metalą", "Cut metal"))
    qualification = Qualification.objects.create(
        code="M43071501", name_lt="Suvirintojas", name_en="Welder", ltks_level=4,
        isced_f=item("isced_f", "0715", "Mechanika ir metalo apdirbimas"))
    qualification.competences.set([prepare, weld, cut])
    version = programme(
        kind("initial_vet", formal=True, modular=True, unit="credits", requires_qualification=True),
        "LAIK-000101", "Suvirintojo modulinė profesinio mokymo programa", "Welder modular VET programme",
        provider=InstitutionFactory(name="Bandomasis profesinio mokymo centras", name_en="Test VET centre"),
        qualification=qualification, ltks_level=4, isced_f=item("isced_f", "0715", "Mechanika ir metalo apdirbimas"),
        language=item("language", "lt", "lietuvių", alpha3="lit"), forms=["full_time", "apprenticeship"],
        credits=Decimal("90"), entry_education="basic", entry_requirements_lt="Ne jaunesnis kaip 14 metų.",
        learning_outcomes_lt="Parengti suvirintoją.", description_en="Prepares welders.")
    version.programme.co_providers.add(InstitutionFactory(name="Bandomoji įmonė", name_en=""))
    for position, (code, type_, credits, covered) in enumerate([
        ("M1", "introductory", "1", []),
        ("M2", "competence", "35", [prepare, weld]),
        ("M3", "competence", "30", [weld, cut]),
        ("M4", "general", "4", []),
        ("M5", "elective", "10", []),
        ("M6", "final", "10", []),
    ]):
        module = Module.objects.create(version=version, code=code, position=position, name_lt=f"Modulis {code}",
                                       name_en=f"Module {code}", type=type_, mandatory=type_ != "elective",
                                       credits=Decimal(credits), ltks_level=4 if type_ == "competence" else None)
        module.competences.set(covered)
    return version


@pytest.fixture
def cpd():
    """A 40-hour distance CPD programme for teachers: no modules, no level, no qualification."""
    return programme(kind("cpd", formal=False, modular=False, unit="hours"), "LAIK-000202",
                     "Skaitmeninis raštingumas pamokoje", "Digital literacy in the classroom",
                     isced_f=item("isced_f", "0114", "Mokytojų rengimas"), language=item("language", "lt", "lietuvių"),
                     forms=["distance"], hours=40, practice_hours=16, target_groups=["teachers"])


def fresh(version):
    return ProgrammeVersion.objects.get(pk=version.pk)


def errors(doc, validator=SCHEMA):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_modular_vet_programme_validates_with_level_field_credits_and_modules(vet):
    doc = programme_elm(fresh(vet))

    assert errors(doc) == []
    assert errors(doc, ANY_SCHEMA) == []
    assert json.loads(json.dumps(doc)) == doc
    assert doc["@context"] == elm.CONTEXT
    assert doc["type"] == "LearningOpportunity"
    assert doc["id"] == "urn:edureg:programme:LAIK-000101:v1"
    assert doc["identifier"][0]["notation"] == "LAIK-000101"
    assert doc["title"]["en"] == ["Welder modular VET programme"]
    assert doc["defaultLanguage"]["id"] == "http://publications.europa.eu/resource/authority/language/LIT"
    provider, co_provider = doc["providedBy"]
    assert provider["legalName"] == {"lt": ["Bandomasis profesinio mokymo centras"], "en": ["Test VET centre"]}
    assert provider["legalIdentifier"]["notation"] == vet.programme.provider.code
    assert co_provider["legalName"] == {"lt": ["Bandomoji įmonė"]}
    assert doc["learningSchedule"]["id"] == "http://data.europa.eu/snb/learning-schedule/72a0ab92fa"  # full time

    spec = doc["learningAchievementSpecification"]
    assert spec["type"] == "LearningAchievementSpecification"
    assert [c["id"] for c in spec["educationLevel"]] == [EQF4]
    assert [c["id"] for c in spec["ISCEDFCode"]] == ["http://data.europa.eu/snb/isced-f/0715"]
    assert spec["learningSetting"]["id"] == "http://data.europa.eu/snb/learning-setting/6fd4685715"  # formal
    assert [m["prefLabel"]["en"] for m in spec["mode"]] == [["Presential"], ["Workbased"]]
    assert spec["creditPoint"][0]["point"] == "90"
    assert spec["creditPoint"][0]["framework"]["id"] == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert spec["volumeOfLearning"] == "PT2430H"  # 90 credits x 27 hours
    # The entry education as a sentence in both languages, then the written requirement where there is one.
    assert spec["entryRequirement"]["noteLiteral"] == {
        "lt": ["Pagrindinis išsilavinimas. Ne jaunesnis kaip 14 metų."], "en": ["Basic education."]}
    assert spec["learningOutcomeSummary"]["noteLiteral"] == {"lt": ["Parengti suvirintoją."]}
    assert spec["description"] == {"en": ["Prepares welders."]}
    # The competences the modules cover, once each, in module order.
    assert [o["title"]["en"] for o in spec["learningOutcome"]] == [
        ["Prepare the workplace"], ["Perform arc welding"], ["Cut metal"]]
    # The qualification awarded, with its own EQF level.
    (awarded,) = spec["specialisationOf"]
    assert awarded["type"] == "Qualification"
    assert awarded["id"] == "urn:edureg:qualification:M43071501"
    assert awarded["EQFLevel"]["id"] == EQF4


def test_modules_are_parts_with_their_credits_and_competences(vet):
    parts = programme_elm(fresh(vet))["learningAchievementSpecification"]["hasPart"]

    assert [p["identifier"][0]["notation"] for p in parts] == ["M1", "M2", "M3", "M4", "M5", "M6"]
    assert [p["order"] for p in parts] == [1, 2, 3, 4, 5, 6]
    assert sum(Decimal(p["creditPoint"][0]["point"]) for p in parts) == Decimal("90")
    assert parts[1]["volumeOfLearning"] == "PT945H"  # 35 x 27
    assert [c["id"] for c in parts[1]["educationLevel"]] == [EQF4]
    assert "educationLevel" not in parts[0]
    assert [o["title"]["lt"] for o in parts[2]["learningOutcome"]] == [["Suvirinti lankiniu būdu"],
                                                                      ["Pjaustyti metalą"]]
    assert parts[4]["additionalNote"][0]["noteLiteral"] == {"lt": ["Pasirenkamasis modulis; nebūtinas"],
                                                            "en": ["Elective module; optional"]}
    assert parts[5]["additionalNote"][0]["noteLiteral"]["en"] == ["Final module; mandatory"]


def test_hours_based_cpd_programme(cpd):
    doc = programme_elm(fresh(cpd))

    assert errors(doc) == []
    spec = doc["learningAchievementSpecification"]
    assert spec["volumeOfLearning"] == "PT40H"
    assert "creditPoint" not in spec
    assert spec["learningSetting"]["id"] == "http://data.europa.eu/snb/learning-setting/e207a81fc7"  # non-formal
    assert [m["id"] for m in spec["mode"]] == ["http://data.europa.eu/snb/learning-assessment/920fbb3cbe"]
    assert spec["ISCEDFCode"][0]["id"] == "http://data.europa.eu/snb/isced-f/0114"
    # The language item has no x_alpha3 here: the common languages are still known.
    assert spec["language"][0]["id"] == "http://publications.europa.eu/resource/authority/language/LIT"
    for absent in ("educationLevel", "hasPart", "specialisationOf", "learningOutcome", "entryRequirement"):
        assert absent not in spec
    assert "learningSchedule" not in doc  # distance learning says nothing of full or part time


def test_programme_without_credits_or_hours_is_rejected(cpd):
    cpd.hours = None
    cpd.save()
    doc = programme_elm(fresh(cpd))

    assert "volumeOfLearning" not in doc["learningAchievementSpecification"]
    assert errors(doc)


def test_registered_programme_uses_its_state_code_and_the_configured_base(vet):
    Programme.objects.filter(pk=vet.programme_id).update(state_code="P43071501")
    with override_settings(EDUREG_ELM_BASE_URI="https://registras.example.lt/elm/"):
        doc = programme_elm(fresh(vet))

    assert errors(doc) == []
    assert doc["id"] == "https://registras.example.lt/elm/programme/P43071501/v1"
    assert doc["learningAchievementSpecification"]["hasPart"][0]["id"] == (
        "https://registras.example.lt/elm/programme/P43071501/v1:specification:module:M1")


def test_query_count_does_not_grow_with_modules(vet, cpd):
    def count(version):
        version = fresh(version)
        with CaptureQueriesContext(connection) as queries:
            programme_elm(version)
        return len(queries)

    many = count(vet)
    for n in range(7, 27):
        Module.objects.create(version=vet, code=f"M{n}", position=n, name_lt=f"Modulis {n}", type="elective",
                              mandatory=False, credits=Decimal("1"))
    assert count(vet) == many
    assert many <= 9


def test_every_module_type_and_entry_education_has_labels_in_both_languages():
    assert set(MODULE_TYPES) == set(ModuleType.values)
    assert set(ENTRY_EDUCATION) == set(EntryEducation.values)
    assert all(lt and en for lt, en in MODULE_TYPES.values())


def test_credit_helpers_refuse_negative_values():
    with pytest.raises(ValueError):
        elm.credit_point("urn:edureg:x", Decimal("-1"))
    with pytest.raises(ValueError):
        elm.hours_duration(-3)
    assert elm.hours_duration(Decimal("2.5")) == "PT2H30M"
    assert elm.credit_point("urn:edureg:x", Decimal("7.50"))["point"] == "7.5"
    assert elm.credit_point("urn:edureg:x", 0)["point"] == "0"


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()
SPEC = "learningAchievementSpecification"

BROKEN = {
    "no @context": (("@context",), _DELETE),
    "wrong type": (("type",), "Programme"),
    "no provider": (("providedBy",), []),
    "provider without name": (("providedBy", 0, "legalName"), _DELETE),
    "no specification": ((SPEC,), _DELETE),
    "negative credits": ((SPEC, "creditPoint", 0, "point"), "-90"),
    "credits as words": ((SPEC, "creditPoint", 0, "point"), "ninety"),
    "credits in another framework list": ((SPEC, "creditPoint", 0, "framework", "id"), "https://example.org/ects"),
    "module credits negative": ((SPEC, "hasPart", 1, "creditPoint", 0, "point"), "-35"),
    "EQF level 0": ((SPEC, "educationLevel", 0, "id"), "http://data.europa.eu/snb/eqf/0"),
    "module EQF level 10": ((SPEC, "hasPart", 1, "educationLevel", 0, "id"), "http://data.europa.eu/snb/eqf/10"),
    "volume of learning in words": ((SPEC, "volumeOfLearning"), "2430 hours"),
    "empty duration": ((SPEC, "volumeOfLearning"), "P"),
    "language in lower case": (("defaultLanguage", "id"),
                               "http://publications.europa.eu/resource/authority/language/lit"),
    "module order zero": ((SPEC, "hasPart", 0, "order"), 0),
    "module without title": ((SPEC, "hasPart", 0, "title"), _DELETE),
    "awarded qualification without EQF level": ((SPEC, "specialisationOf", 0, "EQFLevel"), _DELETE),
    "learning setting from another list": ((SPEC, "learningSetting", "id"), "http://data.europa.eu/snb/eqf/4"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_schema_rejects_a_broken_export(vet, case):
    doc = programme_elm(fresh(vet))
    broken = copy.deepcopy(doc)
    path, value = BROKEN[case]
    _set(broken, path, value)

    assert errors(doc) == []
    assert errors(broken), f"{case} was accepted"
    with pytest.raises(jsonschema.ValidationError):
        ANY_SCHEMA.validate(broken)
