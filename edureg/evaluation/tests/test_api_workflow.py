"""The evaluation workflow through the API, step by step with the role that takes it: allowed steps answer and
leave change records by the user from the API; refused ones answer 401/403/400 (naming the field) and change
nothing."""

import datetime

import pytest
from rest_framework.test import APIClient

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.core.models import ObjectChange
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus
from edureg.evaluation.models import Application, Assignment, Decision, Score
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    DecisionFactory,
    ExpertFactory,
    ExpertTieFactory,
)
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.pedagogues.tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def marks():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def app_url(app, name=""):
    return f"{API}/evaluation-applications/{app.pk}/" + (f"{name}/" if name else "")


def assignment_url(assignment, name=""):
    return f"{API}/assignments/{assignment.pk}/" + (f"{name}/" if name else "")


@pytest.fixture
def institution():
    return InstitutionFactory()


@pytest.fixture
def coordinator():
    return MembershipFactory(user=UserFactory(username="coordinator"), role="agency_admin").user


@pytest.fixture
def provider(institution):
    return MembershipFactory(user=UserFactory(username="provider"), role="institution_officer",
                             institution=institution).user


def expert_user(username, expert=None):
    expert = expert or ExpertFactory()
    user = MembershipFactory(user=UserFactory(username=username), role="expert", person=expert.person).user
    return user, expert


@pytest.fixture
def app(institution):
    return ApplicationFactory(institution=institution)


def post(user, url, data=None):
    return client_for(user).post(url, data or {}, format="json")


GOOD = {"relevance": {"value": 4, "justification": "Meets the teachers' needs."},
        "content": {"value": "3", "justification": "Sound methods."},
        "staff": {"value": 3, "justification": "Qualified trainers."}}


def test_cpd_programme_from_submission_to_accreditation(app, coordinator, provider):
    version = app.programme_version
    # Eligibility: only the coordinator.
    assert post(provider, app_url(app, "start-eligibility")).status_code == 403
    before = marks()
    response = post(coordinator, app_url(app, "start-eligibility"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "eligibility"
    changes = ObjectChange.objects.filter(id__gt=before)
    assert changes.exists() and {c.user_name for c in changes} == {"coordinator"}
    assert {c.source for c in changes} == {"api"}
    assert post(coordinator, app_url(app, "accept")).json()["status"] == "under_evaluation"

    # Proposals and assignment: a conflicted expert is blocked and refused.
    user1, first = expert_user("expert1")
    user2, second = expert_user("expert2")
    conflicted = ExpertFactory()
    EmploymentFactory(person=conflicted.person, institution=app.institution)
    assert client_for(provider).get(app_url(app, "proposals")).status_code == 403
    proposals = client_for(coordinator).get(app_url(app, "proposals"))
    assert proposals.status_code == 200
    by_id = {p["expert"]["id"]: p for p in proposals.json()}
    assert by_id[conflicted.pk]["blocked"] and by_id[conflicted.pk]["reasons"]
    assert not by_id[first.pk]["blocked"] and by_id[first.pk]["reasons"] == []
    assert "personal_code" not in proposals.content.decode()
    before = marks()
    refused = post(coordinator, app_url(app, "assign"), {"expert": conflicted.pk})
    assert refused.status_code == 400 and "conflict of interest" in refused.json()["expert"][0]
    assert marks() == before and not Assignment.objects.filter(expert=conflicted).exists()
    assert post(provider, app_url(app, "assign"), {"expert": first.pk}).status_code == 403
    made = post(coordinator, app_url(app, "assign"), {"expert": first.pk})
    assert made.status_code == 201, made.content
    assert made.json()["expert"] == {"id": first.pk, "name": f"{first.person.first_name} {first.person.last_name}"}
    a1 = Assignment.objects.get(pk=made.json()["id"])
    a2 = Assignment.objects.get(pk=post(coordinator, app_url(app, "assign"), {"expert": second.pk}).json()["id"])

    # The expert: own assignments only; confirm, score (bad input named), submit.
    listed = client_for(user1).get(f"{API}/assignments/").json()["results"]
    assert [a["id"] for a in listed] == [a1.pk]
    assert post(user2, assignment_url(a1, "confirm-no-conflict")).status_code == 404
    assert post(user1, assignment_url(a1, "confirm-no-conflict")).status_code == 200
    before = marks()
    bad = post(user1, assignment_url(a1, "scores"), {"relevance": {"value": 9, "justification": "Too good."}})
    assert bad.status_code == 400 and "relevance" in bad.json()
    assert marks() == before and not Score.objects.filter(assignment=a1).exists()
    bad = post(user1, assignment_url(a1, "scores"), {"relevance": 3})
    assert bad.status_code == 400 and list(bad.json()) == ["relevance"]
    saved = post(user1, assignment_url(a1, "scores"), {**GOOD, "comment": "A good programme."})
    assert saved.status_code == 200, saved.content
    assert {s["criterion"]: s["value"] for s in saved.json()["scores"]} == {
        "relevance": "4.00", "content": "3.00", "staff": "3.00"}
    assert saved.json()["comment"] == "A good programme."
    assert post(user1, assignment_url(a1, "submit")).json()["status"] == AssignmentStatus.SUBMITTED

    # The second expert sees the first's scores only after submitting their own.
    def others_seen(user):
        rows = client_for(user).get(f"{API}/scores/", {"application": app.pk}).json()["results"]
        return {r["assignment"] for r in rows} - {a2.pk}

    post(user2, assignment_url(a2, "confirm-no-conflict"))
    post(user2, assignment_url(a2, "scores"), GOOD)
    assert others_seen(user2) == set()
    assert post(user2, assignment_url(a2, "submit")).status_code == 200
    assert others_seen(user2) == {a1.pk}
    rows = client_for(user2).get(f"{API}/scores/", {"assignment": a1.pk}).json()["results"]
    assert {r["expert"] for r in rows} == {None}  # other experts' names stay with the agency

    # Scored: the provider sees the total only once decided.
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SCORED
    assert client_for(provider).get(app_url(app)).json()["total"] is None
    assert client_for(coordinator).get(app_url(app)).json()["total"] == "85.00"
    assert post(provider, app_url(app, "decide")).status_code == 403
    better = post(coordinator, app_url(app, "decide"), {"outcome": "conditions"})
    assert better.status_code == 400 and "reason" in better.json()
    decided = post(coordinator, app_url(app, "decide"))
    assert decided.status_code == 201, decided.content
    data = decided.json()
    assert data["outcome"] == "accredited" and data["valid_until"] and data["published_at"]
    assert client_for(provider).get(app_url(app)).json()["total"] == "85.00"
    version.refresh_from_db()
    assert version.status == "registered" and version.accredited_until is not None

    # The decision is public; its document is for the provider.
    assert client_for().get(f"{API}/decisions/{data['id']}/").status_code == 200
    pdf = client_for(provider).get(f"{API}/decisions/{data['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client_for().get(f"{API}/decisions/{data['id']}/pdf/").status_code == 401


def test_return_for_corrections_and_ineligible(coordinator, provider, institution):
    app = ApplicationFactory(institution=institution, programme_version=None, title="Pasirengimas",
                             status=ApplicationStatus.ELIGIBILITY)
    assert post(coordinator, app_url(app, "return"), {}).status_code == 400
    response = post(coordinator, app_url(app, "return"), {"request": "Attach the staff list."})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert client_for(provider).get(app_url(app)).json()["correction_request"] == "Attach the staff list."
    assert post(coordinator, app_url(app, "resubmit")).status_code == 403
    assert post(provider, app_url(app, "resubmit"), {"note": "Attached."}).json()["status"] == "submitted"
    refused = post(provider, app_url(app, "ineligible"), {"reason": "No."})
    assert refused.status_code == 403
    response = post(coordinator, app_url(app, "ineligible"), {"reason": "Not an eligible institution."})
    assert response.status_code == 201 and response.json()["outcome"] == "rejected"
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.DECIDED


def test_a_step_not_allowed_now_is_a_400_naming_the_status(app, coordinator):
    before = marks()
    response = post(coordinator, app_url(app, "accept"))
    assert response.status_code == 400 and "status" in response.json()
    assert marks() == before


def test_outsiders_get_401_and_404(app, coordinator):
    assert post(None, app_url(app, "start-eligibility")).status_code == 401
    other = MembershipFactory(role="institution_officer", institution=InstitutionFactory()).user
    assert post(other, app_url(app, "withdraw")).status_code == 404
    user, _expert = expert_user("stranger")
    assert client_for(user).get(app_url(app)).status_code == 404


def test_provider_withdraws(app, provider):
    response = post(provider, app_url(app, "withdraw"), {"reason": "Not offered any more."})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_declare_conflict_and_coordinator_withdraws(app, coordinator):
    app.status = ApplicationStatus.UNDER_EVALUATION
    app.save()
    user, expert = expert_user("expert1")
    other_user, other = expert_user("expert2")
    a1 = Assignment.objects.get(pk=post(coordinator, app_url(app, "assign"), {"expert": expert.pk}).json()["id"])
    a2 = Assignment.objects.get(pk=post(coordinator, app_url(app, "assign"), {"expert": other.pk}).json()["id"])
    assert post(user, assignment_url(a1, "declare-conflict"), {}).status_code == 400
    response = post(user, assignment_url(a1, "declare-conflict"), {"note": "I advised them last year."})
    assert response.status_code == 200 and response.json()["status"] == "conflict"
    assert post(other_user, assignment_url(a2, "withdraw"), {"reason": "Ill."}).status_code == 403
    response = post(coordinator, assignment_url(a2, "withdraw"), {"reason": "Ill."})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_appeal_and_resolution(coordinator, provider, institution):
    app = ApplicationFactory(institution=institution, status=ApplicationStatus.DECIDED)
    decision = DecisionFactory(application=app, outcome="rejected", total="40", valid_until=None)
    assert post(coordinator, f"{API}/appeals/", {"application": app.pk, "grounds": "x"}).status_code == 403
    assert post(provider, f"{API}/appeals/", {"application": app.pk}).status_code == 400
    response = post(provider, f"{API}/appeals/", {"application": app.pk, "grounds": "The practice was ignored."})
    assert response.status_code == 201, response.content
    appeal = response.json()
    assert appeal["decision"] == decision.number and appeal["status"] == "filed"
    url = f"{API}/appeals/{appeal['id']}/resolve/"
    assert post(provider, url, {"uphold": True, "resolution": "x"}).status_code == 403
    response = post(coordinator, url, {"uphold": True, "resolution": "The practical part is evaluated again."})
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.UNDER_EVALUATION and app.round == 2
    events = client_for(provider).get(f"{API}/evaluation-events/", {"application": app.pk}).json()["results"]
    assert [e["action"] for e in events][-2:] == ["appealed", "appeal_upheld"]
    assert {e["user"] for e in events} == {None}


def test_appeal_through_the_application(coordinator, provider, institution):
    app = ApplicationFactory(institution=institution, status=ApplicationStatus.DECIDED)
    DecisionFactory(application=app, outcome="rejected", total="40", valid_until=None)
    response = post(provider, app_url(app, "appeal"), {"grounds": "Reconsider."})
    assert response.status_code == 201 and response.json()["status"] == "filed"
    assert Decision.objects.filter(application=app).count() == 1


def test_readiness_application_by_the_provider(provider, institution):
    from edureg.evaluation.tests.factories import procedure

    proc = procedure("vet-readiness", kinds=(), purpose="readiness", validity_years=5)
    payload = {"procedure": proc.code, "institution": institution.code, "title": "Readiness to run VET"}
    response = post(provider, f"{API}/evaluation-applications/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted" and response.json()["institution"]["code"] == institution.code
    other = InstitutionFactory()
    refused = post(provider, f"{API}/evaluation-applications/", {**payload, "institution": other.code})
    assert refused.status_code == 403
    both = post(provider, f"{API}/evaluation-applications/", {**payload, "call": "nfae"})
    assert both.status_code == 400


def test_expert_ties_conflict_blocks_assignment(app, coordinator):
    app.status = ApplicationStatus.UNDER_EVALUATION
    app.save()
    expert = ExpertFactory()
    ExpertTieFactory(expert=expert, institution=app.institution, started_on=datetime.date(2024, 1, 1))
    response = post(coordinator, app_url(app, "assign"), {"expert": expert.pk})
    assert response.status_code == 400 and "expert" in response.json()
