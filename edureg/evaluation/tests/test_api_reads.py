"""Reading evaluation through the API: procedures with nested criteria are public, experts never show personal
codes, an expert reads only their own, decisions are public once published and their document is for the provider,
its municipality and the agency."""

import pytest
from rest_framework.test import APIClient

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.evaluation.choices import ApplicationStatus
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    DecisionFactory,
    ExpertFactory,
    ExpertTieFactory,
    ProcedureFactory,
    procedure,
)
from edureg.institutions.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def coordinator():
    return MembershipFactory(user=UserFactory(username="coordinator"), role="agency_admin").user


def test_procedures_are_public_with_their_criteria():
    procedure()
    data = client_for().get(f"{API}/evaluation-procedures/cpd-accreditation/").json()
    assert data["kinds"] == ["cpd"] and data["threshold"] == "60.00" and data["problems"] == []
    assert [(c["code"], c["weight"], c["mandatory"]) for c in data["criteria"]] == [
        ("relevance", "2.00", False), ("content", "2.00", False), ("staff", "1.00", True)]
    listed = client_for().get(f"{API}/evaluation-procedures/").json()["results"]
    assert listed[0]["code"] == "cpd-accreditation" and "problems" not in listed[0]
    criteria = client_for().get(f"{API}/evaluation-criteria/", {"procedure": "cpd-accreditation",
                                                                "mandatory": "true"}).json()["results"]
    assert [c["code"] for c in criteria] == ["staff"]
    assert client_for().post(f"{API}/evaluation-procedures/", {}, format="json").status_code == 401


def test_the_coordinator_writes_procedures_and_criteria_with_messages(coordinator):
    response = client_for(coordinator).post(f"{API}/evaluation-procedures/", {
        "code": "new", "name_lt": "Nauja", "name_en": "New", "purpose": "readiness", "scale_min": 4, "scale_max": 1},
        format="json")
    assert response.status_code == 400 and "scale_max" in response.json()
    response = client_for(coordinator).post(f"{API}/evaluation-procedures/", {
        "code": "new", "name_lt": "Nauja", "name_en": "New", "purpose": "readiness"}, format="json")
    assert response.status_code == 201
    assert response.json()["problems"] == [
        "The procedure has no criteria; add them, or save it as inactive until it has."]
    bad = client_for(coordinator).post(f"{API}/evaluation-criteria/", {
        "procedure": "new", "code": "staff", "name_lt": "L", "name_en": "S", "mandatory": True}, format="json")
    assert bad.status_code == 400 and "pass_mark" in bad.json()
    made = client_for(coordinator).post(f"{API}/evaluation-criteria/", {
        "procedure": "new", "code": "staff", "name_lt": "L", "name_en": "S", "mandatory": True, "pass_mark": "2"},
        format="json")
    assert made.status_code == 201
    ProcedureFactory(code="elsewhere", active=False)
    moved = client_for(coordinator).patch(f"{API}/evaluation-criteria/{made.json()['id']}/",
                                          {"procedure": "elsewhere"}, format="json")
    assert moved.status_code == 400 and moved.json()["procedure"] == ["A criterion stays in its procedure."]


def test_experts_show_names_and_load_but_never_personal_codes(coordinator):
    expert = ExpertFactory()
    AssignmentFactory(expert=expert)
    AssignmentFactory(expert=expert, status="submitted")
    response = client_for(coordinator).get(f"{API}/experts/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == f"{expert.person.first_name} {expert.person.last_name}" and row["load"] == 1
    assert row["expertise"][0]["code"] == "0114"
    assert expert.person.personal_code not in response.content.decode()
    assert "personal_code" not in response.content.decode()
    detail = client_for(coordinator).get(f"{API}/experts/{expert.pk}/")
    assert "personal_code" not in detail.content.decode() and detail.json()["load"] == 1
    other = ExpertFactory().person
    moved = client_for(coordinator).patch(f"{API}/experts/{expert.pk}/", {"person": other.pk}, format="json")
    assert moved.status_code == 400 and "person" in moved.json()
    expert.refresh_from_db()
    assert expert.person_id != other.pk


def test_an_expert_reads_their_own_record_ties_and_applications():
    mine, other = ExpertFactory(), ExpertFactory()
    user = MembershipFactory(role="expert", person=mine.person).user
    ExpertTieFactory(expert=mine)
    ExpertTieFactory(expert=other)
    assigned = AssignmentFactory(expert=mine).application
    AssignmentFactory(expert=other)
    client = client_for(user)
    assert [e["id"] for e in client.get(f"{API}/experts/").json()["results"]] == [mine.pk]
    assert client.get(f"{API}/experts/{other.pk}/").status_code == 404
    assert [t["expert"] for t in client.get(f"{API}/expert-ties/").json()["results"]] == [mine.pk]
    assert [a["id"] for a in client.get(f"{API}/evaluation-applications/").json()["results"]] == [assigned.pk]
    assert client.patch(f"{API}/experts/{mine.pk}/", {"max_load": 50}, format="json").status_code == 403
    assert client.get(f"{API}/evaluation-events/").status_code == 403


def test_providers_and_municipalities_see_their_applications_without_totals_before_the_decision():
    institution = InstitutionFactory()
    mine = ApplicationFactory(institution=institution, status=ApplicationStatus.SCORED, total="72.50",
                              proposed_outcome="accredited")
    other = ApplicationFactory()
    officer = MembershipFactory(role="institution_officer", institution=institution).user
    municipal = MembershipFactory(role="municipality_officer", municipality=institution.municipality).user
    rows = client_for(officer).get(f"{API}/evaluation-applications/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert (rows[0]["total"], rows[0]["proposed_outcome"]) == (None, "")
    assert client_for(officer).get(f"{API}/evaluation-applications/{other.pk}/").status_code == 404
    assert mine.pk in {r["id"] for r in client_for(municipal).get(f"{API}/evaluation-applications/").json()[
        "results"]}
    assert client_for().get(f"{API}/evaluation-applications/").status_code == 401


def test_decisions_public_once_published_and_the_document_for_the_provider(coordinator):
    institution = InstitutionFactory()
    published = DecisionFactory(application=ApplicationFactory(institution=institution,
                                                               status=ApplicationStatus.DECIDED))
    hidden = DecisionFactory(published_at=None)
    officer = MembershipFactory(role="institution_officer", institution=institution).user
    public = MembershipFactory(role="public").user
    assert [d["id"] for d in client_for().get(f"{API}/decisions/").json()["results"]] == [published.pk]
    assert client_for().get(f"{API}/decisions/{hidden.pk}/").status_code == 401
    assert client_for(public).get(f"{API}/decisions/{hidden.pk}/").status_code == 404
    assert client_for(coordinator).get(f"{API}/decisions/{hidden.pk}/").status_code == 200
    data = client_for().get(f"{API}/decisions/{published.pk}/").json()
    assert data["institution"]["code"] == institution.code and data["outcome"] == "accredited"
    assert client_for().get(f"{API}/decisions/{published.pk}/pdf/").status_code == 401
    assert client_for(public).get(f"{API}/decisions/{published.pk}/pdf/").status_code == 403
    other_officer = MembershipFactory(role="institution_officer", institution=InstitutionFactory()).user
    assert client_for(other_officer).get(f"{API}/decisions/{published.pk}/pdf/").status_code == 403
    for user in (officer, coordinator):
        response = client_for(user).get(f"{API}/decisions/{published.pk}/pdf/", HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_the_schema_documents_the_actions():
    schema = client_for().get(f"{API}/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/evaluation-applications/{id}/assign/", "/api/v1/assignments/{id}/scores/",
                 "/api/v1/calls/{code}/results/", "/api/v1/decisions/{id}/pdf/", "/api/v1/appeals/{id}/resolve/"):
        assert path in paths, path
    assert "application/pdf" in paths["/api/v1/decisions/{id}/pdf/"]["get"]["responses"]["200"]["content"]
