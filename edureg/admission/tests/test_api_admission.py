"""The admission API beyond the generic matrix (tests/test_api_matrix.py): the organiser's round steps role by role,
the anonymised input, applications with nested grades and preferences, filters, and 400s naming the field."""

import datetime
import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from edureg.admission.choices import ApplicationStatus, InvitationStatus, RoundStatus, RunStatus
from edureg.admission.engine import allocation, roundfile
from edureg.admission.models import AllocationRun, Application, Invitation, Offer, Round
from edureg.admission.tests.conftest import accepting_round
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationFactory,
    ApplicationResultFactory,
    GradeFactory,
    InvitationFactory,
    OfferFactory,
    OfferResultFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
)
from edureg.programmes.tests.factories import OfferingFactory, registered_version

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(world, role) -> APIClient:
    """An API client asking for English (the default language is Lithuanian)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    return client


def offering_at(institution, *, level=4, state=20, paid=5):
    return OfferingFactory(version=registered_version(programme__provider=institution, ltks_level=level,
                                                      with_general_education=False),
                           state_funded_places=state, paid_places=paid)


# --- round steps ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,expected", [("anonymous", 401), ("public", 403), ("applicant", 403),
                                           ("institution_officer", 403), ("agency_admin", 200)])
def test_only_the_organiser_takes_a_rounds_steps(world, role, expected):
    round_ = RoundFactory(status=RoundStatus.OPEN)
    response = client_for(world, role).post(f"{API}/admission-rounds/{round_.code}/close/")
    assert response.status_code == expected
    round_.refresh_from_db()
    assert round_.status == (RoundStatus.CLOSED if expected == 200 else RoundStatus.OPEN)


def test_the_organiser_runs_a_round_through_the_api(world, subjects, django_capture_on_commit_callbacks):
    client = client_for(world, "agency_admin")
    response = client.post(f"{API}/admission-rounds/", {
        "code": "2026-main", "name_lt": "2026 m. pagrindinis priėmimas", "kind": "main", "year": 2026,
        "applications_open": "2026-06-01", "application_deadline": "2026-07-15", "results_date": "2026-07-20",
        "contract_deadline": "2026-07-31", "age_on": "2026-09-01", "lottery_seed": "api-seed"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["max_preferences"]) == ("draft", 3)
    base = f"{API}/admission-rounds/2026-main"
    response = client.post(f"{API}/admission-formulas/", {
        "round": "2026-main", "code": "general", "name_lt": "Bendroji",
        "components": [{"type": "subject", "code": "LT", "weight": 0.5}, {"type": "subject", "code": "MAT",
                                                                          "weight": 0.5}]}, format="json")
    assert response.status_code == 201, response.content
    offering = offering_at(world.a1, state=1, paid=0)

    assert client.post(f"{base}/open/").json() == {"offers": ["Add offers before opening the round."]}
    response = client.post(f"{base}/add-offers/", {"formula": "general"}, format="json")
    assert response.json() == {"added": 1}
    assert client.post(f"{base}/add-offers/", {"formula": "nope"}, format="json").json() == {
        "formula": ["The round has no formula with the code nope."]}
    assert client.post(f"{base}/open/").json()["status"] == "open"

    round_ = Round.objects.get(code="2026-main")
    offer = round_.offers.get()
    assert (offer.offering, offer.funding, offer.capacity) == (offering, "state", 1)
    for lt in (10, 6):
        application = ApplicationFactory(round=round_, education="secondary")
        GradeFactory(application=application, subject=subjects["LT"], value=Decimal(lt))
        GradeFactory(application=application, subject=subjects["MAT"], value=Decimal(lt))
        PreferenceFactory(application=application, offer=offer)

    # Not yet: the input is there only after a run.
    assert client.get(f"{base}/input/").status_code == 404
    assert client.post(f"{base}/close/").json()["status"] == "closed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/run/")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run = AllocationRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.DONE
    detail = client.get(f"{API}/admission-runs/{run.pk}/").json()
    assert detail["progress"] == 100 and detail["input_hash"] == run.input_hash

    # Before publication the public sees neither the run, the input nor the seed.
    public = client_for(world, "anonymous")
    assert public.get(f"{API}/admission-runs/{run.pk}/").status_code == 401
    assert public.get(f"{base}/input/").status_code == 404
    assert public.get(f"{base}/").json()["lottery_seed"] is None
    assert public.get(f"{API}/admission-offer-results/", {"round": "2026-main"}).json()["results"] == []

    assert client.post(f"{base}/publish/").json()["status"] == "published"
    response = public.get(f"{base}/input/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    # Anyone re-runs it and gets the published result.
    parsed = roundfile.parse(data)
    result = roundfile.result(parsed, allocation.allocate(parsed.instance))
    assert roundfile.canonical_hash(data) == run.input_hash
    assert result["cutoffs"][offer.code] is not None and sum(v == offer.code for v in
                                                             result["assignments"].values()) == 1
    assert public.get(f"{base}/").json()["lottery_seed"] == "api-seed"
    rows = public.get(f"{API}/admission-offer-results/", {"round": "2026-main"}).json()["results"]
    assert [(r["offer"], r["applicants"], r["invited"]) for r in rows] == [(offer.code, 2, 1)]
    assert public.get(f"{API}/admission-runs/{run.pk}/").status_code == 200


def test_annul_and_the_next_round_through_the_api(world):
    run = AllocationRunFactory(round=RoundFactory(status=RoundStatus.PUBLISHED, code="2026-main"))
    offer = OfferFactory(round=run.round, capacity=4)
    InvitationFactory(run=run, offer=offer, status=InvitationStatus.SIGNED)
    InvitationFactory(run=run, offer=offer)
    client = client_for(world, "agency_admin")
    next_round = {"kind": "winter", "code": "2026-winter", "name_lt": "Žiemos priėmimas",
                  "applications_open": "2026-12-01", "application_deadline": "2026-12-10",
                  "results_date": "2026-12-15", "contract_deadline": "2026-12-22"}
    response = client.post(f"{API}/admission-rounds/2026-main/next-round/", next_round, format="json")
    assert response.status_code == 400 and "previous_round" in response.json()
    assert client.post(f"{API}/admission-rounds/2026-main/annul/").json() == {"annulled": 1}
    response = client.post(f"{API}/admission-rounds/2026-main/next-round/", next_round, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["state_funded_only"], response.json()["previous_round"]) == (
        "winter", True, "2026-main")
    offers = client.get(f"{API}/admission-offers/", {"round": "2026-winter"}).json()["results"]
    assert [(o["code"], o["capacity"]) for o in offers] == [(offer.code, 3)]


def test_only_a_round_being_configured_is_deleted(world):
    client = client_for(world, "agency_admin")
    draft, open_ = RoundFactory(status=RoundStatus.DRAFT), RoundFactory(status=RoundStatus.OPEN)
    assert client.delete(f"{API}/admission-rounds/{open_.code}/").status_code == 403
    assert client.delete(f"{API}/admission-rounds/{draft.code}/").status_code == 204
    assert set(Round.objects.values_list("pk", flat=True)) == {open_.pk}


# --- validation -------------------------------------------------------------------------------------------------

def test_errors_name_the_field(world, subjects):
    client = client_for(world, "agency_admin")
    response = client.post(f"{API}/admission-rounds/", {
        "code": "bad", "name_lt": "Blogas", "kind": "main", "year": 2026, "applications_open": "2026-06-01",
        "application_deadline": "2026-07-15", "results_date": "2026-07-01", "contract_deadline": "2026-07-31",
        "age_on": "2026-09-01"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"results_date"}

    closed = RoundFactory(status=RoundStatus.CLOSED)
    response = client.patch(f"{API}/admission-rounds/{closed.code}/", {"min_age": 15}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"min_age"}
    assert client.patch(f"{API}/admission-rounds/{closed.code}/", {"note": "ok"}, format="json").status_code == 200

    response = client.post(f"{API}/admission-formulas/", {
        "round": RoundFactory(status=RoundStatus.DRAFT).code, "code": "x", "name_lt": "X",
        "components": [{"type": "subject", "code": "XYZ", "weight": 1}]}, format="json")
    assert response.status_code == 400 and "components" in response.json()
    assert any("XYZ" in m for m in response.json()["components"])

    winter = RoundFactory(status=RoundStatus.DRAFT, kind="winter", state_funded_only=True)
    ScoringFormulaFactory(round=winter)
    response = client.post(f"{API}/admission-offers/", {
        "round": winter.code, "offering": offering_at(world.a1).pk, "funding": "paid", "formula": "general"},
        format="json")
    assert response.status_code == 400 and set(response.json()) == {"funding"}
    response = client.post(f"{API}/admission-offers/", {
        "round": winter.code, "offering": offering_at(world.a1).pk, "funding": "state", "formula": "nope"},
        format="json")
    assert response.status_code == 400 and set(response.json()) == {"formula"}


# --- applications -----------------------------------------------------------------------------------------------

@pytest.fixture
def accepting(world, subjects):
    round_ = accepting_round(status=RoundStatus.OPEN, code="2026-main")
    formula = ScoringFormulaFactory(round=round_)
    return {"round": round_,
            "III": OfferFactory(round=round_, code="L3-S", formula=formula, offering=offering_at(world.a1, level=3)),
            "IV": OfferFactory(round=round_, code="L4-S", formula=formula, offering=offering_at(world.b1, level=4))}


def test_an_applicant_applies_with_grades_and_preferences(world, accepting):
    client = client_for(world, "applicant")
    response = client.post(f"{API}/admission-applications/", {
        "round": "2026-main", "education": "basic", "grades": {"LT": "9", "MAT": 8},
        "preferences": ["L4-S"]}, format="json")
    assert response.status_code == 400
    assert response.json()["preferences"][0].startswith("Preference 1 (L4-S")
    assert not Application.objects.exists()

    response = client.post(f"{API}/admission-applications/", {
        "round": "2026-main", "education": "basic", "grades": {"LT": "9", "MAT": 8},
        "preferences": ["L3-S"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["id"] == world.applicant_person.pk and body["entered_by_officer"] is False
    assert body["grades"] == {"LT": "9.00", "MAT": "8.00"} and body["preferences"] == ["L3-S"]
    url = f"{API}/admission-applications/{body['id']}/"

    response = client.patch(url, {"grades": {"LT": "10"}, "extras": {"work_experience": 2}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["grades"] == {"LT": "10.00"} and response.json()["extras"] == {"work_experience": 2.0}
    assert client.patch(url, {"preferences": ["L3-S", "NOPE"]}, format="json").json() == {
        "preferences": ["Preference 2: the round has no offer with the code NOPE."]}

    check = client.get(f"{url}check/").json()
    # 0.4 × 10 + 0.4 × 0 (MAT removed) + 1 × 2 = 6.
    assert check == [{"rank": 1, "offer": "L3-S", "eligible": True, "reasons": [], "score": [6.0, 0.0]}]
    response = client.post(f"{url}submit/")
    assert response.status_code == 200 and response.json()["status"] == ApplicationStatus.SUBMITTED
    assert client.delete(url).status_code == 403


def test_the_organiser_applies_for_a_person_and_an_applicant_only_for_themself(world, accepting):
    other = ApplicationFactory(round=RoundFactory(status=RoundStatus.OPEN)).person
    payload = {"round": "2026-main", "education": "basic", "person": other.pk}
    response = client_for(world, "applicant").post(f"{API}/admission-applications/", payload, format="json")
    assert response.status_code == 400 and "person" in response.json()
    response = client_for(world, "agency_admin").post(f"{API}/admission-applications/", payload, format="json")
    assert response.status_code == 201 and response.json()["entered_by_officer"] is True
    # Without a person the organiser (who is nobody's applicant) is asked for one.
    response = client_for(world, "agency_admin").post(f"{API}/admission-applications/", {
        "round": "2026-main", "education": "basic"}, format="json")
    assert response.status_code == 400 and "person" in response.json()


def test_a_school_reads_the_applications_naming_its_offers(world, accepting):
    mine = ApplicationFactory(round=accepting["round"], education="secondary")
    PreferenceFactory(application=mine, offer=accepting["III"])
    theirs = ApplicationFactory(round=accepting["round"], education="secondary")
    PreferenceFactory(application=theirs, offer=accepting["IV"])
    client = client_for(world, "institution_officer")
    rows = client.get(f"{API}/admission-applications/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert client.patch(f"{API}/admission-applications/{mine.pk}/", {"education": "basic"},
                        format="json").status_code == 403
    assert client.get(f"{API}/admission-applications/{theirs.pk}/").status_code == 404
    offer_filtered = client_for(world, "agency_admin").get(f"{API}/admission-applications/", {"offer": "L4-S"})
    assert [r["id"] for r in offer_filtered.json()["results"]] == [theirs.pk]


def test_grades_and_preferences_are_written_with_their_application(world, accepting):
    application = ApplicationFactory(round=accepting["round"], person=world.applicant_person)
    grade = GradeFactory(application=application)
    client = client_for(world, "applicant")
    assert client.get(f"{API}/admission-grades/{grade.pk}/").json()["subject"]["code"] == "LT"
    response = client.delete(f"{API}/admission-grades/{grade.pk}/")
    assert response.status_code == 403 and "admission-applications" in response.json()["detail"]
    assert client.post(f"{API}/admission-grades/", {}, format="json").status_code == 405


# --- offers, results, invitations -------------------------------------------------------------------------------

def test_offers_are_filtered_and_searched(world):
    round_ = RoundFactory(status=RoundStatus.OPEN, code="2026-main")
    here = OfferFactory(round=round_, code="A1-S", offering=offering_at(world.a1, level=3))
    there = OfferFactory(round=round_, code="B1-P", funding="paid", offering=offering_at(world.b1, level=4))
    OfferFactory(code="OTHER")
    client = client_for(world, "anonymous")

    def codes(**params):
        return {o["code"] for o in client.get(f"{API}/admission-offers/", params).json()["results"]}

    assert codes(round="2026-main") == {"A1-S", "B1-P"}
    assert codes(round="2026-main", funding="paid") == {"B1-P"}
    assert codes(municipality=world.mun_a.code, round="2026-main") == {"A1-S"}
    assert codes(institution=world.b1.code) == {"B1-P"}
    assert codes(programme=here.offering.programme.state_code) == {"A1-S"}
    assert codes(level=4, round="2026-main") == {"B1-P"}
    assert codes(search="B1-P") == {"B1-P"}
    assert client.get(f"{API}/admission-offers/", {"level": 12}).status_code == 400
    row = client.get(f"{API}/admission-offers/{there.pk}/").json()
    assert (row["institution"]["code"], row["ltks_level"], row["formula"]) == (world.b1.code, 4, "general")
    # A round being configured is the organiser's only.
    hidden = OfferFactory(round=RoundFactory(status=RoundStatus.DRAFT))
    assert client.get(f"{API}/admission-offers/{hidden.pk}/").status_code == 401


def test_results_are_the_applicants_own(world):
    run = AllocationRunFactory()
    mine = ApplicationResultFactory(run=run, application=ApplicationFactory(round=run.round,
                                                                           person=world.applicant_person))
    ApplicationResultFactory(run=run)
    rows = client_for(world, "applicant").get(f"{API}/admission-results/").json()["results"]
    assert [r["public_id"] for r in rows] == [mine.public_id]
    assert client_for(world, "anonymous").get(f"{API}/admission-results/").status_code == 401


def test_offer_results_are_public_once_published_and_filtered_by_round(world):
    published = OfferResultFactory(run=AllocationRunFactory(round=RoundFactory(code="2026-main",
                                                                               status=RoundStatus.PUBLISHED)))
    OfferResultFactory(run=AllocationRunFactory(round=RoundFactory(status=RoundStatus.ALLOCATED), published_at=None))
    OfferResultFactory(run=AllocationRunFactory(round=RoundFactory(status=RoundStatus.PUBLISHED)))
    client = client_for(world, "anonymous")
    assert len(client.get(f"{API}/admission-offer-results/").json()["results"]) == 2
    rows = client.get(f"{API}/admission-offer-results/", {"round": "2026-main"}).json()["results"]
    assert [r["offer"] for r in rows] == [published.offer.code]


def test_invitations_show_masked_codes_and_take_contracts(world):
    run = AllocationRunFactory()
    invitation = InvitationFactory(run=run, offer=OfferFactory(round=run.round, offering=offering_at(world.a1)))
    client = client_for(world, "institution_officer")
    row = client.get(f"{API}/admission-invitations/").json()["results"][0]
    person = invitation.application.person
    assert row["applicant"]["personal_code"] == person.masked_code != person.personal_code
    url = f"{API}/admission-invitations/{invitation.pk}/record-contract/"
    response = client.post(url, {"contract_number": "S-1", "contract_date": "2026-08-30"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"contract_date"}
    response = client.post(url, {"contract_number": "S-1", "contract_date": "2026-07-30"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == InvitationStatus.SIGNED
    assert Invitation.objects.get(pk=invitation.pk).contract_date == datetime.date(2026, 7, 30)
    response = client.post(f"{API}/admission-invitations/{invitation.pk}/decline/")
    assert response.status_code == 400 and "status" in response.json()
    assert Offer.objects.count() == 1
