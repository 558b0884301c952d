"""The qualifications catalogue and the qualifications system through /api/v1/."""

import datetime

import pytest
from rest_framework.test import APIClient

from edureg.core.models import ObjectChange
from edureg.qualifications.models import CommitteeDecision, ProfessionalStandard, Qualification
from edureg.qualifications.tests.factories import (
    CommitteeMeetingFactory,
    CommitteeMemberFactory,
    CompetenceFactory,
    ProfessionalStandardFactory,
    QualificationFactory,
    isced_f,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/qualifications/"


@pytest.fixture
def agency(world):
    client = APIClient()
    client.force_authenticate(world.users["agency_admin"])
    return client


@pytest.fixture
def catalogue(db):
    standard = ProfessionalStandardFactory(code="PS-MET", name_lt="Metalo apdirbimo standartas")
    welding = CompetenceFactory(standard=standard, code="K-WELD", name_lt="Suvirinti plieną", name_en="Weld steel")
    welder = QualificationFactory(code="M.43.0715.01", name_lt="Suvirintojas", name_en="Welder", ltks_level=4,
                                  isced_f=isced_f("0715"), standard=standard, competences=[welding])
    cook = QualificationFactory(code="M.43.1013.01", name_lt="Virėjas", name_en="Cook", ltks_level=3,
                                isced_f=isced_f("1013", "Maitinimo paslaugos"), type="partial",
                                valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2022, 12, 31))
    return {"welder": welder, "cook": cook, "standard": standard}


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize("params,expected", [
    ({"level": 4}, ["M.43.0715.01"]),
    ({"field": "07"}, ["M.43.0715.01"]),
    ({"field": "071"}, ["M.43.0715.01"]),
    ({"field": "1013"}, ["M.43.1013.01"]),
    ({"field": "02"}, []),
    ({"type": "partial"}, ["M.43.1013.01"]),
    ({"standard": "PS-MET"}, ["M.43.0715.01"]),
    ({"valid_on": "2021-06-01"}, ["M.43.0715.01", "M.43.1013.01"]),
    ({"valid_on": "2024-06-01"}, ["M.43.0715.01"]),
    ({"q": "suvirint"}, ["M.43.0715.01"]),
    ({"q": "vireja"}, ["M.43.1013.01"]),
    ({"q": "Virėjas"}, ["M.43.1013.01"]),
    ({"q": "plien"}, ["M.43.0715.01"]),  # a competence's name
    ({"q": "welder steel"}, ["M.43.0715.01"]),
    ({"q": "suvirint", "level": 3}, []),
    ({"ordering": "ltks_level"}, ["M.43.1013.01", "M.43.0715.01"]),
    ({"ordering": "-ltks_level"}, ["M.43.0715.01", "M.43.1013.01"]),
])
def test_catalogue_filters(catalogue, params, expected):
    response = APIClient().get(URL, params)
    assert sorted(codes(response)) == sorted(expected) if "ordering" not in params else codes(response) == expected


def test_a_qualification_reads_in_both_languages_with_its_eqf_level(catalogue):
    row = APIClient().get(f"{URL}M.43.0715.01/").json()
    assert (row["name_lt"], row["name_en"], row["ltks_level"], row["eqf_level"]) == ("Suvirintojas", "Welder", 4, 4)
    assert row["isced_f"] == {"code": "0715", "name_lt": "Mechanika ir metalo apdirbimas",
                              "name_en": "Mechanika ir metalo apdirbimas"}
    assert row["competences"] == [{"code": "K-WELD", "name_lt": "Suvirinti plieną", "name_en": "Weld steel"}]
    assert row["standard"]["code"] == "PS-MET" and row["standard"]["version"] == 1
    assert "search_text" not in row


@pytest.mark.parametrize("params,field", [({"level": 9}, "level"), ({"level": 0}, "level"), ({"level": "x"}, "level"),
                                          ({"valid_on": "someday"}, "valid_on"), ({"type": "half"}, "type"),
                                          ({"field": "0\x007"}, "field")])
def test_bad_filters_are_400_on_the_parameter(catalogue, params, field):
    response = APIClient().get(URL, params)
    assert response.status_code == 400 and field in response.json(), response.content


def payload(**changes):
    isced_f("0715")
    return {"code": "M.44.0715.02", "name_lt": "Suvirintojas", "ltks_level": 4, "isced_f": "0715",
            "valid_from": "2025-01-01", **changes}


@pytest.mark.parametrize("level", [0, 9, 100])
def test_a_level_outside_1_to_8_is_400_naming_ltks_level(world, agency, level):
    response = agency.post(URL, payload(ltks_level=level), format="json")
    assert response.status_code == 400 and "ltks_level" in response.json(), response.content
    assert not Qualification.objects.exists()


def test_a_duplicate_code_is_400_naming_code_in_the_requests_language(world, agency, catalogue):
    messages = {}
    for lang in ("en", "lt"):
        response = agency.post(URL, payload(code="M.43.0715.01"), format="json", HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 400 and "code" in response.json(), response.content
        messages[lang] = response.json()["code"]
    assert messages["en"] != messages["lt"]
    assert Qualification.objects.filter(code="M.43.0715.01").count() == 1


def test_create_with_competences_by_code_and_find_it(world, agency, catalogue):
    response = agency.post(URL, payload(standard=catalogue["standard"].pk, competences=["K-WELD"]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["competences"][0]["code"] == "K-WELD"
    assert "M.44.0715.02" in codes(APIClient().get(URL, {"q": "suvirintoja", "level": 4}))


def test_competences_of_another_standard_are_400(world, agency, catalogue):
    other = CompetenceFactory(code="K-OTHER")
    response = agency.post(URL, payload(competences=[other.code]), format="json")
    assert response.status_code == 400 and "competences" in response.json()
    response = agency.post(URL, payload(competences=["NOPE"]), format="json")
    assert response.status_code == 400 and "competences" in response.json()
    assert not Qualification.objects.filter(code="M.44.0715.02").exists()


def test_the_public_cannot_write(world, catalogue):
    response = APIClient().patch(f"{URL}M.43.0715.01/", {"name_en": "X"}, format="json")
    assert response.status_code == 401
    client = APIClient()
    client.force_authenticate(world.users["institution_officer"])
    assert client.patch(f"{URL}M.43.0715.01/", {"name_en": "X"}, format="json").status_code == 403


def test_elm_export(catalogue):
    response = APIClient().get(f"{URL}M.43.0715.01/elm/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()
    assert "@context" in document or "type" in document
    assert "M.43.0715.01" in response.content.decode()
    assert APIClient().get(f"{URL}NOPE/elm/").status_code == 404
    as_json = APIClient().get(f"{URL}M.43.0715.01/elm/", HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"].startswith("application/json") and as_json.json() == document
    in_a_browser = APIClient().get(f"{URL}M.43.0715.01/elm/", HTTP_ACCEPT="text/html")
    assert in_a_browser.status_code == 200 and b"<html" in in_a_browser.content[:500].lower()


# --- standards and decisions -------------------------------------------------------------------------

def test_the_agencys_status_steps(world, agency):
    standard = ProfessionalStandardFactory(status_since=datetime.date(2024, 1, 1))
    url = f"/api/v1/professional-standards/{standard.pk}/status/"
    response = agency.post(url, {"status": "registered", "on": "2024-06-01"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    response = agency.post(url, {"status": "approved"}, format="json")
    assert response.status_code == 400 and "status" in response.json()  # only a committee approves
    response = agency.post(url, {"status": "withdrawn"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = agency.post(url, {"status": "consultation", "on": "2024-02-01"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "consultation"
    response = agency.post(url, {"status": "withdrawn", "reason": "Dubliuoja kitą standartą"}, format="json")
    assert response.json()["status"] == "withdrawn" and response.json()["status_reason"] == "Dubliuoja kitą standartą"


def test_status_is_read_only_in_an_edit(world, agency):
    standard = ProfessionalStandardFactory()
    response = agency.patch(f"/api/v1/professional-standards/{standard.pk}/", {"status": "registered"},
                            format="json")
    assert response.status_code == 200
    standard.refresh_from_db()
    assert standard.status == "draft"


def test_decisions_move_the_standard_and_need_reasons_to_return(world, agency):
    meeting = CommitteeMeetingFactory()
    standard = ProfessionalStandardFactory(committee=meeting.committee)
    url = "/api/v1/committee-decisions/"
    mark = ObjectChange.objects.count()
    response = agency.post(url, {"meeting": meeting.pk, "standard": standard.pk, "outcome": "return"}, format="json")
    assert response.status_code == 400 and "reasons" in response.json()
    assert ObjectChange.objects.count() == mark and not CommitteeDecision.objects.exists()
    response = agency.post(url, {"meeting": meeting.pk, "standard": standard.pk, "outcome": "approve"},
                           format="json")
    assert response.status_code == 201, response.content
    assert response.json()["committee"]["code"] == meeting.committee.code
    assert ProfessionalStandard.objects.get(pk=standard.pk).status == "approved"
    response = agency.post(url, {"meeting": meeting.pk, "standard": standard.pk, "outcome": "reject",
                                 "reasons": "Per vėlu"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    decision = CommitteeDecision.objects.get()
    response = agency.patch(f"{url}{decision.pk}/", {"outcome": "reject"}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()
    listed = APIClient().get("/api/v1/committee-meetings/", {"committee": meeting.committee.code}).json()["results"]
    assert [d["outcome"] for d in listed[0]["decisions"]] == ["approve"]


def test_standard_lists_show_their_competences(catalogue):
    rows = APIClient().get("/api/v1/professional-standards/", {"code": "PS-MET"}).json()["results"]
    assert [c["code"] for c in rows[0]["competences"]] == ["K-WELD"]
    rows = APIClient().get("/api/v1/competences/", {"standard_code": "PS-MET"}).json()["results"]
    assert [(c["code"], c["eqf_level"]) for c in rows] == [("K-WELD", 4)]


def test_committee_members_are_for_the_agency_only(world, agency):
    member = CommitteeMemberFactory()
    assert APIClient().get("/api/v1/committee-members/").status_code == 401
    public = APIClient()
    public.force_authenticate(world.users["public"])
    assert public.get("/api/v1/committee-members/").status_code == 403
    rows = agency.get("/api/v1/committee-members/", {"committee": member.committee.code,
                                                    "active_on": "2024-01-01"}).json()["results"]
    assert [r["person"]["id"] for r in rows] == [member.person_id]
    committee = APIClient().get(f"/api/v1/sectoral-committees/{member.committee.code}/").json()
    assert "members" not in committee and committee["sector"]["code"] == "03"
