"""Writing the synthetic country to the database (tiny scale)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from stdnum.lt import asmens

from edureg.accounts.models import Membership
from edureg.accounts.tests.factories import UserFactory
from edureg.core.audit.serialize import snapshot
from edureg.core.models import ObjectChange
from edureg.institutions.models import Branch, Institution, StatusChange
from edureg.learners.models import Enrolment
from edureg.learners.services import _check_overlap
from edureg.pedagogues.models import Employment
from edureg.persons.models import Person
from edureg.programmes.models import Module, Programme
from edureg.qualifications.models import Qualification
from edureg.synthetic import registers
from edureg.synthetic.engine import SCALES, Params, generate
from edureg.synthetic.services import (
    CountryExists,
    MissingClassifiers,
    build_country,
    municipalities_from_classifier,
)

MODELS = (Institution, StatusChange, Branch, Person, Enrolment, Employment, *registers.MODELS)
MANY_TO_MANY = {Employment: "subjects", Qualification: "competences", Module: "competences"}


def _engine_counts(seed: int) -> dict:
    params = Params(scale=SCALES["tiny"], seed=seed)
    country = generate(params, municipalities_from_classifier(), sectors=registers.sectors(params.reference_date),
                       kinds=registers.kinds())
    return country.counts()


def test_tiny_country_is_written_with_its_change_records(classifiers):
    report = build_country(scale="tiny", seed=5)
    connection.check_constraints()  # foreign keys (deferred until commit, which a test never reaches)
    expected = _engine_counts(5)
    assert Institution.objects.count() == expected["institutions"] == report.counts["institutions"]
    assert Branch.objects.count() == expected["branches"] > 0
    assert Person.objects.count() == expected["persons"] > 1000
    assert Enrolment.objects.count() == expected["enrolments"] > 5000
    assert Employment.objects.count() == expected["employments"] > 100
    assert Employment.subjects.through.objects.count() == expected["employment subjects"] > 50
    assert StatusChange.objects.count() == expected["institutions"]
    assert set(Institution.objects.values_list("municipality__code", flat=True)) == {"LT-57", "LT-15"}
    assert Qualification.objects.count() == expected["qualifications"] == 120
    assert Programme.objects.count() == expected["programmes"] > 50
    assert Module.objects.count() == expected["modules"] > 300

    # One change record per written object, under the job of the seed, in the change feed.
    changes = ObjectChange.objects.filter(job_id="synthetic-5")
    assert changes.count() == sum(m.objects.count() for m in MODELS) == report.counts["change records"]
    assert set(changes.values_list("source", "action")) == {("command", "create")}
    assert not changes.filter(seq__isnull=True).exists()
    for model in MODELS:
        qs = model.objects.order_by("?")[:40]
        if model in MANY_TO_MANY:
            qs = qs.prefetch_related(MANY_TO_MANY[model])
        ct = ContentType.objects.get_for_model(model)
        for obj in qs:
            change = changes.get(content_type=ct, object_id=str(obj.pk))
            assert change.postchange_data == snapshot(obj)
            assert change.object_repr == str(obj)[:200]
            obj.full_clean()
            if model is Enrolment:
                _check_overlap(obj)
            if model is Person:
                assert asmens.is_valid(obj.personal_code)


def test_refuses_a_database_with_institutions_unless_reset(classifiers):
    build_country(scale="tiny", seed=5)
    first_codes = set(Person.objects.values_list("personal_code", flat=True))
    with pytest.raises(CountryExists):
        build_country(scale="tiny", seed=6)
    assert set(Person.objects.values_list("personal_code", flat=True)) == first_codes

    school = Institution.objects.filter(type__code="3140").first()
    user = UserFactory()
    Membership.objects.create(user=user, role="institution_officer", institution=school)
    Membership.objects.create(user=user, role="applicant", person=Person.objects.first())  # related_name="+"
    national = Membership.objects.create(user=user, role="expert")

    report = build_country(scale="tiny", seed=6, reset=True)
    connection.check_constraints()
    assert report.deleted["persons.Person"] == len(first_codes)
    assert Person.objects.count() == _engine_counts(6)["persons"]
    assert not set(Person.objects.values_list("personal_code", flat=True)) & first_codes
    assert list(Membership.objects.filter(user=user)) == [national]
    assert report.deleted["accounts.Membership"] == 2
    # The old register rows and their change records are gone; the new job's are there.
    ct = ContentType.objects.get_for_model(Person)
    assert not ObjectChange.objects.filter(job_id="synthetic-5", content_type=ct).exists()
    assert ObjectChange.objects.filter(job_id="synthetic-6", content_type=ct).count() == Person.objects.count()


def test_the_same_seed_rebuilds_the_same_country(classifiers):
    build_country(scale="tiny", seed=9)
    first = sorted(Person.objects.values_list("personal_code", "first_name", "last_name", "birth_date"))
    schools = sorted(Institution.objects.values_list("code", "name", "address"))
    build_country(scale="tiny", seed=9, reset=True)
    assert sorted(Person.objects.values_list("personal_code", "first_name", "last_name", "birth_date")) == first
    assert sorted(Institution.objects.values_list("code", "name", "address")) == schools


def test_missing_classifiers_are_reported(db):
    with pytest.raises(MissingClassifiers, match="load_classifiers"):
        build_country(scale="tiny", seed=1)
    assert not Institution.objects.exists()
