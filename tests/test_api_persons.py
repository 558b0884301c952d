"""/api/v1/persons/: masked personal codes, logged detail reads, lookup by personal code in the body."""

import datetime
import logging

import pytest
from rest_framework.test import APIClient

from edureg.classifiers.services import resolve
from edureg.core.models import ReadAccess
from edureg.learners.models import Enrolment
from edureg.learners.services import end_enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
LOOKUP = "/api/v1/persons/lookup/"


def client_as(world, role):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    return client


@pytest.fixture
def pupils(world):
    """A learner at a1 (the institution officer's) and one at b1 (another municipality)."""
    return (EnrolmentFactory(institution=world.a1).person, EnrolmentFactory(institution=world.b1).person)


@pytest.mark.parametrize("role", ["institution_officer", "municipality_officer", "agency_admin"])
def test_lists_never_show_a_full_personal_code(world, pupils, role):
    response = client_as(world, role).get("/api/v1/persons/", {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, role
    for person in Person.objects.all():
        assert person.personal_code not in response.content.decode()
    for row in rows:
        person = Person.objects.get(pk=row["id"])
        assert row["personal_code"] == "*******" + person.personal_code[-4:]
    assert not ReadAccess.objects.exists(), "a list is not a read of full records"


@pytest.mark.parametrize("role,full", [("institution_officer", True), ("agency_admin", True),
                                       ("municipality_officer", False)])
def test_detail_shows_the_full_code_only_to_who_may_change_persons_or_national_scope(world, pupils, role, full):
    pupil = pupils[0]
    response = client_as(world, role).get(f"/api/v1/persons/{pupil.pk}/")
    assert response.status_code == 200
    shown = response.json()["personal_code"]
    assert shown == (pupil.personal_code if full else codes.mask(pupil.personal_code))


def test_an_applicant_reads_their_own_record_masked(world):
    person = world.applicant_person
    response = client_as(world, "applicant").get(f"/api/v1/persons/{person.pk}/")
    assert response.status_code == 200 and response.json()["personal_code"] == codes.mask(person.personal_code)
    assert client_as(world, "applicant").get("/api/v1/persons/").json()["count"] == 1


def test_every_detail_read_is_logged(world, pupils):
    client = client_as(world, "municipality_officer")
    for _ in range(2):
        assert client.get(f"/api/v1/persons/{pupils[0].pk}/").status_code == 200
    reads = list(ReadAccess.objects.order_by("id"))
    assert len(reads) == 2
    assert {(r.user_name, r.object_id, r.source) for r in reads} == {("municipality_officer", str(pupils[0].pk), "api")}
    assert all(r.request_id is not None for r in reads) and reads[0].request_id != reads[1].request_id
    # A record outside the scope is not found, and not logged.
    assert client.get(f"/api/v1/persons/{pupils[1].pk}/").status_code == 404
    assert ReadAccess.objects.count() == 2


def test_lookup_answers_the_full_record_in_scope(world, pupils):
    response = client_as(world, "institution_officer").post(LOOKUP, {"personal_code": pupils[0].personal_code})
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == pupils[0].pk and data["personal_code"] == pupils[0].personal_code
    assert data["birth_date"] == pupils[0].birth_date.isoformat()
    assert ReadAccess.objects.filter(object_id=str(pupils[0].pk), user_name="institution_officer").count() == 1


def test_lookup_answers_only_the_identity_outside_the_scope_to_who_enrols(world, pupils):
    other = pupils[1]
    response = client_as(world, "institution_officer").post(LOOKUP, {"personal_code": other.personal_code})
    assert response.status_code == 200
    assert response.json() == {"id": other.pk, "first_name": other.first_name, "last_name": other.last_name,
                               "birth_year": other.birth_date.year}
    assert ReadAccess.objects.filter(object_id=str(other.pk), user_name="institution_officer").count() == 1


def test_the_identity_is_enough_to_enrol_someone_new_to_the_school(world, pupils):
    client = client_as(world, "institution_officer")
    found = client.post(LOOKUP, {"personal_code": pupils[1].personal_code}).json()
    # The learner left b1; a1 enrols them.
    end_enrolment(Enrolment.objects.get(person=pupils[1]), end_date=datetime.date(2025, 12, 31),
                  reason=resolve("enrolment_end_reason", "20"), actor=None)
    response = client.post("/api/v1/enrolments/", {"person": found["id"], "institution": world.a1.code,
                                                    "school_year": 2025, "start_date": "2026-01-05"})
    assert response.status_code == 201, response.content
    assert client.get(f"/api/v1/persons/{found['id']}/").status_code == 200  # now in the school's scope


def test_lookup_without_the_right_to_enrol_finds_nothing_outside_the_scope(world, pupils):
    client = client_as(world, "municipality_officer")  # may view persons, may not enrol
    assert client.post(LOOKUP, {"personal_code": pupils[0].personal_code}).status_code == 200
    response = client.post(LOOKUP, {"personal_code": pupils[1].personal_code})
    assert response.status_code == 404
    # The same answer as for a code nobody has: no hint that the person exists.
    unknown = client.post(LOOKUP, {"personal_code": codes.make(datetime.date(2001, 1, 1), "M", 999)})
    assert unknown.status_code == 404 and unknown.json() == response.json()
    assert not ReadAccess.objects.filter(object_id=str(pupils[1].pk)).exists()


@pytest.mark.parametrize("role,status", [("anonymous", 401), ("no_role", 403), ("public", 403), ("expert", 403)])
def test_lookup_is_refused_to_who_neither_sees_persons_nor_enrols(world, pupils, role, status):
    response = client_as(world, role).post(LOOKUP, {"personal_code": pupils[0].personal_code})
    assert response.status_code == status


@pytest.mark.parametrize("bad,lang,message", [
    ("3330924006", "en", "A personal code has exactly 11 digits."),
    ("33309240065", "en", "The check digit of the personal code is wrong."),
    ("33309240065", "lt", "Neteisingas asmens kodo kontrolinis skaitmuo."),
])
def test_lookup_of_a_malformed_code_is_400_on_the_field(world, bad, lang, message):
    response = client_as(world, "institution_officer").post(LOOKUP, {"personal_code": bad},
                                                            HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert response.json() == {"personal_code": [message]}


def test_the_code_travels_in_the_body_and_reaches_no_log(world, pupils, caplog):
    client = client_as(world, "municipality_officer")
    assert client.get(LOOKUP, {"personal_code": pupils[1].personal_code}).status_code == 405
    with caplog.at_level(logging.DEBUG):
        response = client.post(LOOKUP, {"personal_code": pupils[1].personal_code})
    assert response.status_code == 404
    assert caplog.records and all(pupils[1].personal_code not in r.getMessage() for r in caplog.records)


def test_an_officer_registers_a_new_person_by_personal_code(world):
    code = codes.make(datetime.date(2014, 2, 3), "F", 77)
    response = client_as(world, "institution_officer").post(
        "/api/v1/persons/", {"personal_code": code, "first_name": "Ieva", "last_name": "Naujoji"})
    assert response.status_code == 201, response.content
    data = response.json()
    # Birth date and sex come from the code.
    assert data["birth_date"] == "2014-02-03" and data["sex"]["code"] == "F" and data["personal_code"] == code


def test_filters_and_search(world, pupils):
    teacher = EmploymentFactory(institution=world.a2).person
    client = client_as(world, "agency_admin")

    def ids(**params):
        response = client.get("/api/v1/persons/", {"page_size": 100, **params})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(institution=world.a1.code) == {pupils[0].pk}
    assert ids(institution=world.a2.code) == {teacher.pk}
    assert ids(birth_year=1975) == {teacher.pk}
    boy = PersonFactory(sex_code="M")
    assert ids(sex="M") == {boy.pk} and {pupils[0].pk, teacher.pk} <= ids(sex="F")
    assert ids(search=pupils[1].last_name) >= {pupils[1].pk}
    assert pupils[0].pk not in ids(search="Zzzzzz")


def test_a_person_without_links_can_be_deleted_and_one_with_enrolments_cannot(world, pupils):
    client = client_as(world, "agency_admin")
    lone = PersonFactory()
    assert client.delete(f"/api/v1/persons/{lone.pk}/").status_code == 204
    response = client.delete(f"/api/v1/persons/{pupils[0].pk}/")
    assert response.status_code == 409 and Person.objects.filter(pk=pupils[0].pk).exists()
