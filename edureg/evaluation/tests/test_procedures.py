"""The shipped procedures: six, consistent, loaded idempotently (update=True resets them), and the procedure check."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.evaluation.choices import Purpose
from edureg.evaluation.models import Criterion, Procedure
from edureg.evaluation.services import workflow
from edureg.evaluation.services.procedures import DEFAULT, check_procedure, load_procedures, read_procedures
from edureg.evaluation.tests.factories import CriterionFactory, ProcedureFactory, procedure
from edureg.evaluation.tests.test_workflow import people
from edureg.institutions.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
CODES = ["assessment-readiness", "cpd-accreditation", "library-competence-accreditation", "nfae-competition",
         "vet-programme-evaluation", "vet-readiness"]


def test_the_shipped_file():
    data = read_procedures()
    assert sorted(p["code"] for p in data) == CODES
    for p in data:
        assert p["name_lt"] and p["name_en"] and p["description_lt"] and p["description_en"], p["code"]
        assert len(p["criteria"]) >= 4, p["code"]
        assert any(c["mandatory"] for c in p["criteria"]), p["code"]
        for c in p["criteria"]:
            assert c["name_lt"] and c["name_en"], (p["code"], c["code"])
            if c["mandatory"]:
                assert p["scale_min"] <= Decimal(c["pass_mark"]) <= p["scale_max"]


def test_loading_creates_the_six_procedures_once():
    report = load_procedures()
    assert (report.procedures_created, report.procedures_updated) == (6, 0)
    assert report.criteria_created == Criterion.objects.count() > 24
    assert report.problems == []
    assert sorted(Procedure.objects.values_list("code", flat=True)) == CODES
    kinds = {p.code: sorted(p.kinds.values_list("code", flat=True)) for p in Procedure.objects.all()}
    assert kinds["cpd-accreditation"] == ["cpd"]
    assert kinds["library-competence-accreditation"] == ["library_competence"]
    assert kinds["vet-programme-evaluation"] == ["continuing_vet", "initial_vet"]
    assert kinds["nfae-competition"] == ["nonformal_adult"]
    assert kinds["vet-readiness"] == kinds["assessment-readiness"] == []
    cpd = Procedure.objects.get(code="cpd-accreditation")
    assert (cpd.purpose, cpd.validity_years, cpd.threshold, cpd.conditions_threshold) == (
        Purpose.ACCREDITATION, 3, Decimal("60"), Decimal("45"))
    trainers = cpd.criteria.get(code="trainers")
    assert (trainers.mandatory, trainers.pass_mark, trainers.name_en) == (
        True, Decimal("2"), "Trainers' qualifications and experience")
    assert list(cpd.criteria.values_list("code", flat=True)) == [
        "relevance", "aims-outcomes", "content-methods", "trainers", "resources", "assessment"]
    vet = Procedure.objects.get(code="vet-programme-evaluation")
    assert (vet.purpose, vet.aggregation, vet.validity_years, vet.disagreement_points) == (
        Purpose.REGISTRATION, "median", None, None)
    for proc in Procedure.objects.all():
        assert check_procedure(proc) == [], proc.code
    from edureg.programmes.models import ProgrammeKind

    assert workflow.procedure_for_kind(ProgrammeKind.objects.get(code="initial_vet")) == vet
    again = load_procedures()
    assert (again.procedures_created, again.procedures_updated, again.criteria_created, again.criteria_updated) == (
        0, 0, 0, 0)
    assert Procedure.objects.count() == 6


def test_loading_keeps_the_coordinators_changes_unless_updating():
    load_procedures()
    cpd = Procedure.objects.get(code="cpd-accreditation")
    cpd.threshold = Decimal("70")
    cpd.save()
    cpd.kinds.clear()
    cpd.criteria.filter(code="trainers").update(weight=Decimal("5"))
    extra = CriterionFactory(procedure=cpd, code="local-extra")
    load_procedures()
    cpd.refresh_from_db()
    assert cpd.threshold == Decimal("70") and not cpd.kinds.exists()
    report = load_procedures(update=True)
    assert (report.procedures_updated, report.criteria_updated) == (6, Criterion.objects.count() - 1)
    cpd.refresh_from_db()
    assert cpd.threshold == Decimal("60") and list(cpd.kinds.values_list("code", flat=True)) == ["cpd"]
    assert cpd.criteria.get(code="trainers").weight == Decimal("2")
    assert Criterion.objects.filter(pk=extra.pk).exists()  # scores may refer to it: kept


def test_loading_a_bad_file_changes_nothing(tmp_path):
    data = json.loads(DEFAULT.read_text(encoding="utf-8"))
    data["procedures"][-1]["criteria"][0]["pass_mark"] = "99"
    data["procedures"][-1]["criteria"][0]["mandatory"] = True
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_procedures(path=path)
    assert error.value.message_dict == {"relevance.pass_mark": ["The pass mark must be on the scale 0-10."]}
    assert not Procedure.objects.exists()


def test_only_the_coordinator_loads():
    who = people(InstitutionFactory())
    for user in (who.provider, who.expert, who.municipal, who.anonymous):
        with pytest.raises(PermissionDenied):
            load_procedures(actor=user)
    assert load_procedures(actor=who.coordinator).procedures_created == 6


def test_the_procedure_check():
    no_criteria = "The procedure has no criteria; add them, or save it as inactive until it has."
    assert check_procedure(Procedure(code="unsaved", purpose=Purpose.READINESS)) == [no_criteria]
    assert check_procedure(Procedure(code="draft", purpose=Purpose.READINESS, active=False)) == []
    empty = ProcedureFactory(code="empty")
    assert check_procedure(empty) == [
        "The procedure has no criteria; add them, or save it as inactive until it has.",
        "Choose the programme kinds whose submitted versions this procedure evaluates."]
    cpd = procedure("cpd-accreditation")
    assert check_procedure(cpd) == []
    Criterion.objects.filter(procedure=cpd).update(weight=0)
    Criterion.objects.filter(procedure=cpd, code="staff").update(pass_mark=7)
    twin = procedure("cpd-twin")
    assert check_procedure(cpd) == [
        "At least one criterion needs a weight above 0.",
        "The pass mark of staff is off the scale 0-4.",
        "Another active procedure already evaluates the same programme kinds: cpd-twin."]
    assert check_procedure(twin) == ["Another active procedure already evaluates the same programme kinds: "
                                     "cpd-accreditation."]
    money = procedure("nfae", kinds=("nonformal_adult",), purpose=Purpose.COMPETITION)
    assert check_procedure(money) == [
        "A funding competition has no registration with conditions; leave that threshold empty."]
