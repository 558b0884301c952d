"""The API of data collections: the library form read nested, and a report's steps role by role (save-values,
submit, return, approve, validate; closing a period): allowed ones answer and leave change records by the user from
the API, refused ones answer 401/403/404/400 and change nothing."""

import pytest
from rest_framework.test import APIClient

from edureg.core.models import ObjectChange
from edureg.datacollections import services
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.tests.conftest import GOOD

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def action(report, name):
    return f"{API}/collection-submissions/{report.pk}/{name}/"


def marks():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_the_form_is_public_and_nested(form):
    response = client_for().get(f"{API}/collections/LIB-ANNUAL/")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1 and data["respondent_types"][0]["code"] == "3410"
    assert [s["code"] for s in data["sections"]][:3] == ["service_points", "users", "visits"]
    users = data["sections"][1]["fields"]
    assert [f["code"] for f in users] == ["registered_users", "active_users", "registered_users_children"]
    assert users[0]["unit"] == "persons" and users[0]["help"].startswith("Persons and organisations")
    assert len(data["rules"]) == 10 and data["rules"][0]["operator"] == "le"
    listed = client_for().get(f"{API}/collections/").json()["results"]
    assert listed[0]["code"] == "LIB-ANNUAL" and "sections" not in listed[0]
    fields = client_for().get(f"{API}/collection-fields/", {"collection": "LIB-ANNUAL", "section": "staff"}).json()
    assert [f["code"] for f in fields["results"]] == ["staff_fte", "librarians_fte"]


def test_respondent_saves_values_and_reads_the_report(report, respondent):
    before = marks()
    response = client_for(respondent).post(action(report, "save-values"), {
        "values": {**GOOD, "registered_users": 5000, "staff_fte": 12.5, "event_participants": "40"},
        "comments": {"participants_ge_events": "Small readings."}}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["submission"]["status"] == "draft"
    assert data["submission"]["values"]["staff_fte"] == "12.5"
    assert data["submission"]["values"]["registered_users"] == "5000"
    assert data["report"]["ok"] is True
    [warning] = data["report"]["warnings"]
    assert (warning["rule"], warning["left"], warning["right"], warning["comment"]) == (
        "participants_ge_events", 40.0, 120.0, "Small readings.")
    changes = ObjectChange.objects.filter(id__gt=before)
    assert changes.count() == 21  # 20 answers (the comment left empty) and the report (status, comment)
    assert {c.user_name for c in changes} == {"librarian"} and {c.source for c in changes} == {"api"}
    validated = client_for(respondent).get(action(report, "validate"))
    assert validated.status_code == 200 and validated.json()["warnings"][0]["rule"] == "participants_ge_events"
    values = client_for(respondent).get(f"{API}/collection-values/", {"submission": report.pk, "field": "loans"})
    assert [v["value"] for v in values.json()["results"]] == ["90000"]


def test_text_in_a_number_field_is_a_400_naming_it(report, respondent):
    before = marks()
    response = client_for(respondent).post(action(report, "save-values"),
                                           {"values": {"loans": "daug", "events": 3}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"loans": ["Loans (loans): “daug” is not a number."]}
    assert marks() == before and not report.values.exists()


def test_submit_needs_comments_and_no_errors(report, respondent):
    client = client_for(respondent)
    client.post(action(report, "save-values"), {"values": {**GOOD, "event_participants": "40"}}, format="json")
    refused = client.post(action(report, "submit"), {}, format="json")
    assert refused.status_code == 400 and "comments" in refused.json()
    done = client.post(action(report, "submit"), {"comments": {"participants_ge_events": "Small readings."}},
                       format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert done.json()["warning_comments"] == {"participants_ge_events": "Small readings."}


def _submitted(report, respondent):
    services.save_values(report, GOOD, actor=respondent)
    services.submit(report, actor=respondent)


# (action, payload, who may, the report's state before)
STEPS = [
    ("save-values", {"values": {"loans": "1000"}}, "respondent", "draft"),
    ("submit", {}, "respondent", "draft"),
    ("return", {"comment": "Loans look low."}, "agency", "submitted"),
    ("approve", {}, "agency", "submitted"),
]
# The answer a refused role gets: out of scope 404, no right 403, anonymous 401.
REFUSED = {"anonymous": 401, "other_respondent": 404, "municipal": 403, "respondent": 403, "agency": 403}


@pytest.mark.parametrize("role", ["respondent", "other_respondent", "municipal", "agency", "anonymous"])
@pytest.mark.parametrize(("name", "payload", "who", "state"), STEPS, ids=[s[0] for s in STEPS])
def test_report_steps_role_by_role(request, report, respondent, name, payload, who, state, role):
    services.save_values(report, GOOD, actor=respondent)
    if state == "submitted":
        services.submit(report, actor=respondent)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    before = marks()
    report.refresh_from_db()
    status_before = report.status
    response = client_for(user).post(action(report, name), payload, format="json")
    report.refresh_from_db()
    if role == who:
        assert response.status_code == 200, response.content
        changes = ObjectChange.objects.filter(id__gt=before)
        assert changes.exists() and {c.user_name for c in changes} == {user.username}
        assert {c.source for c in changes} == {"api"}
    else:
        assert response.status_code == REFUSED[role], (response.status_code, response.content)
        assert marks() == before and report.status == status_before


def test_return_needs_a_comment_and_approve_a_submitted_report(report, respondent, agency):
    client = client_for(agency)
    services.save_values(report, GOOD, actor=respondent)
    refused = client.post(action(report, "approve"), {}, format="json")
    assert refused.status_code == 400 and "status" in refused.json()
    services.submit(report, actor=respondent)
    assert client.post(action(report, "return"), {"comment": ""}, format="json").status_code == 400
    returned = client.post(action(report, "return"), {"comment": "Check loans."}, format="json")
    assert returned.json()["status"] == "returned" and returned.json()["return_comment"] == "Check loans."


def test_validate_is_a_read(report, respondent, municipal, other_respondent):
    services.save_values(report, {**GOOD, "active_users": "9000"}, actor=respondent)
    data = client_for(municipal).get(action(report, "validate")).json()
    assert [e["rule"] for e in data["errors"]] == ["active_le_registered"]
    assert client_for(other_respondent).get(action(report, "validate")).status_code == 404
    assert client_for().get(action(report, "validate")).status_code == 401


def test_reports_and_answers_are_not_deleted(report, respondent, agency):
    services.save_values(report, GOOD, actor=respondent)
    value = report.values.first()
    assert client_for(respondent).delete(f"{API}/collection-values/{value.pk}/").status_code == 403
    assert client_for(agency).delete(f"{API}/collection-submissions/{report.pk}/").status_code == 403
    assert report.values.filter(pk=value.pk).exists()


def test_reports_are_listed_in_scope_with_filters(report, period, respondent, municipal, agency, libraries):
    mine = client_for(respondent).get(f"{API}/collection-submissions/").json()["results"]
    assert [r["id"] for r in mine] == [report.pk]
    assert mine[0]["institution"]["code"] == libraries[0].code and mine[0]["collection"] == "LIB-ANNUAL"
    everything = client_for(agency).get(f"{API}/collection-submissions/", {"year": 2025,
                                                                          "status": "not_started"}).json()
    assert everything["count"] == 2
    there = client_for(agency).get(f"{API}/collection-submissions/", {"municipality": "LT-15"}).json()
    assert [r["institution"]["code"] for r in there["results"]] == [libraries[1].code]
    assert client_for(municipal).get(f"{API}/collection-submissions/").json()["count"] == 1


def test_close_a_period(period, agency, respondent):
    url = f"{API}/collection-periods/{period.pk}/close/"
    assert client_for(respondent).post(url).status_code == 403
    assert client_for().post(url).status_code == 401
    response = client_for(agency).post(url)
    assert response.status_code == 200 and response.json()["status"] == PeriodStatus.CLOSED
    again = client_for(agency).post(url)
    assert again.status_code == 400 and "status" in again.json()


def test_open_a_period_makes_reports(form, libraries, agency):
    created = client_for(agency).post(f"{API}/collection-periods/", {
        "collection": "LIB-ANNUAL", "year": 2026, "opens_on": "2027-01-05", "due_on": "2027-02-15"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    opened = client_for(agency).post(f"{API}/collection-periods/{created.json()['id']}/open/")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    reports = client_for(agency).get(f"{API}/collection-submissions/", {"year": 2026}).json()
    assert reports["count"] == 2 and {r["status"] for r in reports["results"]} == {SubmissionStatus.NOT_STARTED}
    bad = client_for(agency).post(f"{API}/collection-periods/", {
        "collection": "LIB-ANNUAL", "year": 2027, "opens_on": "2028-03-05", "due_on": "2028-02-15"}, format="json")
    assert bad.status_code == 400
