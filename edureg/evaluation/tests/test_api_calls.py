"""Funding calls through the API: the coordinator configures (the settings checked as a whole), opens, closes, ranks
and publishes; providers apply with a programme and a requested amount; the ranked list is public once published."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.evaluation.choices import ApplicationStatus, CallStatus
from edureg.evaluation.models import Application, Call
from edureg.evaluation.tests.factories import CallFactory
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.tests.factories import registered_version

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


def officer_of(institution):
    return MembershipFactory(role="institution_officer", institution=institution).user


def test_configure_and_open_a_call(coordinator):
    draft = CallFactory(status=CallStatus.DRAFT)
    payload = {"code": "nfae-2027", "name_lt": "Kvietimas", "name_en": "Call", "procedure": draft.procedure.code,
               "kinds": ["nonformal_adult"], "budget": "50000", "max_per_application": "10000",
               "opens_on": "2027-01-10", "closes_on": "2027-02-10", "tie_rules": ["criterion:nonexistent"]}
    refused = client_for(coordinator).post(f"{API}/calls/", payload, format="json")
    assert refused.status_code == 400 and "tie_rules" in refused.json()
    assert not Call.objects.filter(code="nfae-2027").exists()
    over = client_for(coordinator).post(f"{API}/calls/", {**payload, "tie_rules": [], "max_per_application": "60000"},
                                        format="json")
    assert over.status_code == 400 and "max_per_application" in over.json()
    made = client_for(coordinator).post(f"{API}/calls/", {**payload, "tie_rules": ["lower_amount"]}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft"
    # A draft is the coordinator's only.
    assert client_for().get(f"{API}/calls/nfae-2027/").status_code == 401
    assert client_for(UserFactory()).get(f"{API}/calls/nfae-2027/").status_code == 403
    assert client_for(officer_of(InstitutionFactory())).post(f"{API}/calls/{draft.code}/open/").status_code == 403
    opened = client_for(coordinator).post(f"{API}/calls/nfae-2027/open/")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert client_for().get(f"{API}/calls/nfae-2027/").json()["kinds"] == ["nonformal_adult"]
    again = client_for(coordinator).post(f"{API}/calls/nfae-2027/open/")
    assert again.status_code == 400 and "status" in again.json()


def _scored(call, institution, requested, total):
    version = registered_version(programme__provider=institution, programme__kind__code="nonformal_adult")
    officer = officer_of(institution)
    response = client_for(officer).post(f"{API}/evaluation-applications/", {
        "call": call.code, "programme_version": version.pk, "requested_amount": requested, "note": "Kursai"},
        format="json")
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SCORED, total=Decimal(total),
                                                         mandatory_passed=True)
    return application, officer


def test_apply_rank_and_publish(coordinator):
    call = CallFactory(budget=Decimal("30000"), max_per_application=Decimal("20000"), last_fit_rule="skip")
    a, officer_a = _scored(call, InstitutionFactory(), "20000", "90")
    b, _ = _scored(call, InstitutionFactory(), "15000", "80")
    c, _ = _scored(call, InstitutionFactory(), "8000", "70")
    # Bad amounts are named; another institution's version is refused.
    version = registered_version(programme__kind__code="nonformal_adult")
    over = client_for(officer_a).post(f"{API}/evaluation-applications/", {
        "call": call.code, "programme_version": version.pk, "requested_amount": "1"}, format="json")
    assert over.status_code == 403
    too_much = client_for(officer_of(version.programme.provider)).post(f"{API}/evaluation-applications/", {
        "call": call.code, "programme_version": version.pk, "requested_amount": "25000"}, format="json")
    assert too_much.status_code == 400 and "requested_amount" in too_much.json()
    # The ranking is the coordinator's; the public sees the results once published.
    assert client_for(coordinator).post(f"{API}/calls/{call.code}/rank/").status_code == 400  # still open
    client_for(coordinator).post(f"{API}/calls/{call.code}/close/")
    ranked = client_for(coordinator).post(f"{API}/calls/{call.code}/rank/")
    assert ranked.status_code == 200, ranked.content
    rows = [(r["number"], r["rank"], r["selection"], r["granted"]) for r in ranked.json()]
    assert [r[:3] for r in rows] == [(a.number, 1, "funded"), (b.number, 2, "not_funded"), (c.number, 3, "funded")]
    assert (rows[0][3], rows[2][3]) == ("20000.00", "8000.00")  # the skip rule: b does not fit, c does
    assert sum(Decimal(r["granted"] or 0) for r in ranked.json()) <= call.budget
    assert client_for().get(f"{API}/calls/{call.code}/results/").status_code == 404
    assert client_for(officer_a).get(f"{API}/evaluation-applications/{a.pk}/").json()["rank"] is None
    published = client_for(coordinator).post(f"{API}/calls/{call.code}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    results = client_for().get(f"{API}/calls/{call.code}/results/")
    assert results.status_code == 200
    first = results.json()[0]
    assert set(first) == {"number", "institution", "title", "total", "rank", "requested", "granted", "selection"}
    assert (first["number"], first["total"], first["requested"]) == (a.number, "90.00", "20000.00")
    assert client_for(officer_a).get(f"{API}/evaluation-applications/{a.pk}/").json()["rank"] == 1
    decisions = client_for().get(f"{API}/decisions/", {"call": call.code}).json()["results"]
    assert len(decisions) == 3 and {d["outcome"] for d in decisions} <= {"funded", "partially_funded", "not_funded"}
    changed = client_for(coordinator).patch(f"{API}/calls/{call.code}/", {"budget": "90000"}, format="json")
    assert changed.status_code == 400 and "status" in changed.json()
