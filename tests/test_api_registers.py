"""What the register endpoints do beyond access: natural codes, filters, status changes, ending and transfers."""

import datetime

import pytest
from rest_framework.test import APIClient

from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.classifiers.tests.factories import ClassifierItemFactory, item
from edureg.institutions.models import Institution, StatusChange
from edureg.institutions.tests.factories import BranchFactory, InstitutionFactory, legal_entity_code
from edureg.learners.models import Enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def client_as(world, role):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    return client


def keys(client, url, key="id", **params):
    response = client.get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


# --- classifiers ---------------------------------------------------------------------------------------

def test_code_lists_by_code_and_items_filtered(world):
    client = client_as(world, "anonymous")
    response = client.get("/api/v1/code-lists/municipality/")
    assert response.status_code == 200 and response.json()["code"] == "municipality"
    county = item("county", "LT-VL", "Vilniaus apskritis")
    ClassifierItem.objects.filter(pk=world.mun_a.pk).update(parent=county)
    old = ClassifierItemFactory(code_list=world.mun_a.code_list, code="LT-OLD", name_lt="Senoji",
                                name_en="The old one", valid_to=datetime.date(2010, 12, 31))
    url = "/api/v1/classifier-items/"
    assert keys(client, url, "code", list="municipality") == {"LT-57", "LT-15", "LT-OLD"}
    assert keys(client, url, "code", list="municipality", current="true") == {"LT-57", "LT-15"}
    assert keys(client, url, "code", list="municipality", current="false") == {"LT-OLD"}
    assert keys(client, url, "code", list="municipality", valid_on="2005-01-01") == {"LT-57", "LT-15", "LT-OLD"}
    assert keys(client, url, "code", parent="LT-VL") == {"LT-57"}
    assert keys(client, url, "code", code="LT-OLD") == {"LT-OLD"}
    assert keys(client, url, "code", search="old one") == {"LT-OLD"}
    row = client.get(f"{url}{old.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert row["code_list"] == "municipality" and row["name"] == "The old one" and row["valid_to"] == "2010-12-31"
    assert client.get(f"{url}{old.pk}/", HTTP_ACCEPT_LANGUAGE="lt").json()["name"] == "Senoji"


def test_the_agency_adds_a_version_of_a_code_with_a_parent_by_code(world):
    client = client_as(world, "agency_admin")
    county = item("county", "LT-KA", "Kauno apskritis")
    CodeList.objects.filter(code="municipality").update(parent_list=county.code_list)
    response = client.post("/api/v1/classifier-items/", {
        "code_list": "municipality", "code": "LT-99", "name_lt": "Naujoji savivaldybė", "name_en": "New",
        "parent": "LT-KA", "valid_from": "2026-01-01"})
    assert response.status_code == 201, response.content
    assert response.json()["parent"] == {"code": "LT-KA", "name": "Kauno apskritis"}
    response = client.post("/api/v1/classifier-items/", {
        "code_list": "municipality", "code": "LT-98", "name_lt": "X", "name_en": "X", "parent": "LT-NONE"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"parent": ["LT-NONE is not a code of the list county."]}


def test_a_code_is_resolved_to_the_version_valid_on_the_records_date(world):
    """A municipality code with two versions: the institution points at the one of its registration date."""
    ClassifierItem.objects.filter(pk=world.mun_a.pk).update(valid_to=datetime.date(2019, 12, 31))
    new = ClassifierItemFactory(code_list=world.mun_a.code_list, code="LT-57", name_lt="Vilniaus m. sav.",
                                name_en="Vilnius city", valid_from=datetime.date(2020, 1, 1))
    client = client_as(world, "agency_admin")
    base = {"name": "Mokykla", "type": "3140", "ownership": "20", "municipality": "LT-57"}
    response = client.post("/api/v1/institutions/", {**base, "code": legal_entity_code(501),
                                                     "registered_on": "2021-09-01"})
    assert response.status_code == 201, response.content
    assert response.json()["municipality"] == {"code": "LT-57", "name": "Vilniaus m. sav."}
    assert Institution.objects.get(code=legal_entity_code(501)).municipality_id == new.pk
    response = client.post("/api/v1/institutions/", {**base, "code": legal_entity_code(502),
                                                     "registered_on": "2015-09-01"})
    assert response.status_code == 201, response.content
    assert Institution.objects.get(code=legal_entity_code(502)).municipality_id == world.mun_a.pk


# --- institutions --------------------------------------------------------------------------------------

def test_institutions_are_found_by_legal_entity_code_with_their_branches(world):
    branch = BranchFactory(institution=world.a1, name="Pašilaičių skyrius")
    response = client_as(world, "anonymous").get(f"/api/v1/institutions/{world.a1.code}/")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == world.a1.code and data["municipality"]["code"] == "LT-57"
    assert [b["name"] for b in data["branches"]] == [branch.name]
    assert client_as(world, "anonymous").get("/api/v1/institutions/000000000/").status_code == 404


def test_institution_filters_search_and_ordering(world):
    county = item("county", "LT-KA", "Kauno apskritis")
    ClassifierItem.objects.filter(pk=world.mun_b.pk).update(parent=county)
    college = InstitutionFactory(municipality=world.mun_b, name="Kauno kolegija", short_name="KK",
                                 type=item("institution_type", "3300", "Kolegija"),
                                 ownership=item("ownership", "10", "Valstybės"), status="registered")
    client = client_as(world, "anonymous")
    url = "/api/v1/institutions/"
    everyone = {world.a1.code, world.a2.code, world.b1.code, college.code}
    assert keys(client, url, "code") == everyone
    assert keys(client, url, "code", municipality="LT-57") == {world.a1.code, world.a2.code}
    assert keys(client, url, "code", county="LT-KA") == {world.b1.code, college.code}
    assert keys(client, url, "code", type="3300") == {college.code}
    assert keys(client, url, "code", ownership="10") == {college.code}
    assert keys(client, url, "code", status="registered") == {college.code}
    assert keys(client, url, "code", search="KK") == {college.code}
    assert keys(client, url, "code", search=world.b1.code) == {world.b1.code}
    names = [r["name"] for r in client.get(url, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    assert client.get(url, {"status": "closed"}).status_code == 400


def test_status_changes_keep_their_history(world):
    client = client_as(world, "municipality_officer")
    url = f"/api/v1/institutions/{world.a2.code}/status/"
    response = client.post(url, {"status": "reorganising", "since": "2025-01-01", "note": "Jungiama su A1"})
    assert response.status_code == 200, response.content
    response = client.post(url, {"status": "liquidated", "since": "2025-08-31"})
    assert response.status_code == 200 and response.json()["liquidated_on"] == "2025-08-31"
    history = list(StatusChange.objects.filter(institution=world.a2).order_by("since", "id")
                   .values_list("status", "since"))
    assert history[-2:] == [("reorganising", datetime.date(2025, 1, 1)), ("liquidated", datetime.date(2025, 8, 31))]
    # A status change by PATCH goes through the same service.
    client = client_as(world, "agency_admin")
    response = client.patch(f"/api/v1/institutions/{world.b1.code}/", {"status": "reorganising",
                                                                       "status_since": "2025-02-01"})
    assert response.status_code == 200
    assert StatusChange.objects.filter(institution=world.b1, status="reorganising").exists()


def test_the_municipality_registers_institutions_only_in_its_municipality(world):
    client = client_as(world, "municipality_officer")
    base = {"name": "Nauja", "type": "3140", "ownership": "20", "registered_on": "2024-09-01"}
    ours = client.post("/api/v1/institutions/", {**base, "code": legal_entity_code(601), "municipality": "LT-57"})
    assert ours.status_code == 201
    assert ours.json()["status"] == "registered"
    theirs = client.post("/api/v1/institutions/", {**base, "code": legal_entity_code(602), "municipality": "LT-15"})
    assert theirs.status_code == 403
    # Nor may it move one of its own to another municipality.
    response = client.patch(f"/api/v1/institutions/{world.a2.code}/", {"municipality": "LT-15"})
    assert response.status_code == 403
    world.a2.refresh_from_db()
    assert world.a2.municipality_id == world.mun_a.pk


# --- enrolments ----------------------------------------------------------------------------------------

def test_enrolment_filters(world):
    a = EnrolmentFactory(institution=world.a1, school_year=2024, start_date=datetime.date(2024, 9, 1),
                         end_date=datetime.date(2025, 6, 20), end_reason=item("enrolment_end_reason", "10"))
    b = EnrolmentFactory(institution=world.a1, person=a.person, school_year=2025, kind="general")
    c = EnrolmentFactory(institution=world.b1, kind="non_formal", is_main=False)
    client = client_as(world, "agency_admin")
    url = "/api/v1/enrolments/"
    assert keys(client, url, institution=world.a1.code) == {a.pk, b.pk}
    assert keys(client, url, school_year=2024) == {a.pk}
    assert keys(client, url, kind="non_formal") == {c.pk}
    assert keys(client, url, open="true") == {b.pk, c.pk}
    assert keys(client, url, open="false") == {a.pk}
    assert keys(client, url, active_on="2025-01-15") == {a.pk}
    assert keys(client, url, active_on="2025-10-01") == {b.pk, c.pk}
    assert keys(client, url, person=a.person_id) == {a.pk, b.pk}
    # The institution officer sees only their school's, whatever the filter asks.
    assert keys(client_as(world, "institution_officer"), url, institution=world.b1.code) == set()


def test_ending_an_enrolment(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    client = client_as(world, "institution_officer")
    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/end/", {"end_date": "2026-06-20", "end_reason": "10"})
    assert response.status_code == 200, response.content
    assert response.json()["end_reason"] == {"code": "10", "name": "Baigė"} and response.json()["is_open"] is False
    again = client.post(f"/api/v1/enrolments/{enrolment.pk}/end/", {"end_date": "2026-06-21", "end_reason": "10"},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and again.json() == {"end_date": [
        "This enrolment has already ended on 2026-06-20."]}
    unknown = client.post(f"/api/v1/enrolments/{enrolment.pk}/end/", {"end_date": "2026-06-21", "end_reason": "77"})
    assert unknown.status_code == 400 and "end_reason" in unknown.json()


def test_a_transfer_ends_one_enrolment_and_starts_the_next(world):
    enrolment = EnrolmentFactory(institution=world.a1, grade=7)
    client = client_as(world, "agency_admin")
    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/transfer/",
                           {"to_institution": world.b1.code, "on": "2026-01-12", "group": "7b"})
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["institution"]["code"] == world.b1.code and new["start_date"] == "2026-01-12"
    assert (new["grade"], new["group"], new["person"]["id"]) == (7, "7b", enrolment.person_id)
    enrolment.refresh_from_db()
    assert enrolment.end_date == datetime.date(2026, 1, 11) and enrolment.end_reason.code == "20"


def test_the_old_school_may_transfer_a_learner_out(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    client = client_as(world, "institution_officer")
    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/transfer/",
                           {"to_institution": world.b1.code, "on": "2026-01-12"})
    assert response.status_code == 201, response.content
    enrolment.refresh_from_db()
    assert enrolment.end_date == datetime.date(2026, 1, 11)
    assert Enrolment.objects.get(person=enrolment.person, end_date__isnull=True).institution == world.b1


def test_a_school_cannot_transfer_a_learner_of_another_school(world):
    enrolment = EnrolmentFactory(institution=world.a2)
    client = client_as(world, "institution_officer")
    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/transfer/",
                           {"to_institution": world.a1.code, "on": "2026-01-12"})
    assert response.status_code == 404  # outside the officer's scope: it does not exist for them
    enrolment.refresh_from_db()
    assert enrolment.end_date is None
    assert Enrolment.objects.filter(person=enrolment.person).count() == 1


def test_a_transfer_date_before_the_start_is_400(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    response = client_as(world, "agency_admin").post(f"/api/v1/enrolments/{enrolment.pk}/transfer/",
                                                     {"to_institution": world.b1.code, "on": "2025-01-01"},
                                                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()) == ["on"]


# --- employments ---------------------------------------------------------------------------------------

def test_employment_filters_and_subjects_by_code(world):
    maths, physics = item("subject", "MAT", "Matematika"), item("subject", "FIZ", "Fizika")
    a = EmploymentFactory(institution=world.a1, end_date=datetime.date(2024, 6, 30))
    a.subjects.set([maths, physics])
    b = EmploymentFactory(institution=world.a2, position=item("position", "20", "Direktorius"))
    client = client_as(world, "agency_admin")
    url = "/api/v1/employments/"
    assert keys(client, url, institution=world.a1.code) == {a.pk}
    assert keys(client, url, position="20") == {b.pk}
    assert keys(client, url, subject="MAT") == {a.pk}
    assert keys(client, url, active_on="2025-01-01") == {b.pk}
    row = client.get(f"{url}{a.pk}/").json()
    assert sorted(s["code"] for s in row["subjects"]) == ["FIZ", "MAT"]
    response = client.patch(f"{url}{a.pk}/", {"subjects": ["FIZ"]})
    assert response.status_code == 200 and [s["code"] for s in response.json()["subjects"]] == ["FIZ"]
    response = client.patch(f"{url}{a.pk}/", {"subjects": ["XYZ"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"subjects": ["XYZ is not a code of the list subject."]}


# --- memberships ---------------------------------------------------------------------------------------

def test_the_agency_grants_a_role_by_user_name_and_institution_code(world):
    client = client_as(world, "agency_admin")
    response = client.post("/api/v1/memberships/", {"user": "no_role", "role": "institution_officer",
                                                     "institution": world.b1.code})
    assert response.status_code == 201, response.content
    assert response.json()["institution"] == {"code": world.b1.code, "name": world.b1.name}
    world.users["no_role"].refresh_from_db()
    assert world.users["no_role"].is_staff
    response = client.post("/api/v1/memberships/", {"user": "no_role", "role": "institution_officer"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "institution" in response.json()
    rows = client.get("/api/v1/memberships/", {"user": "no_role"}).json()["results"]
    assert [(r["user"], r["role"]) for r in rows] == [("no_role", "institution_officer")]


def test_the_new_school_enrols_with_transfer_in(world):
    old = EnrolmentFactory(institution=world.b1, start_date=datetime.date(2024, 9, 1))
    client = client_as(world, "institution_officer")
    lookup = client.post("/api/v1/persons/lookup/", {"personal_code": old.person.personal_code}, format="json")
    assert lookup.status_code == 200, lookup.content
    payload = {"person": old.person_id, "institution": world.a1.code, "kind": "general", "is_main": True,
               "school_year": 2025, "start_date": "2026-01-12"}
    refused = client.post("/api/v1/enrolments/", payload, format="json")
    assert refused.status_code == 400 and "start_date" in refused.json()
    accepted = client.post("/api/v1/enrolments/", {**payload, "transfer_in": True}, format="json")
    assert accepted.status_code == 201, accepted.content
    old.refresh_from_db()
    assert old.end_date == datetime.date(2026, 1, 11) and old.end_reason.code == "20"
