"""Bad input gets 400 with field-level messages in the request's language (lt/en), never a 500."""

import datetime

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from edureg.institutions.models import Institution
from edureg.institutions.tests.factories import BranchFactory, legal_entity_code
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons import codes
from tests.test_api_matrix import API_CASES

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    client = APIClient()
    client.force_authenticate(world.users["agency_admin"])
    return client


def institution(world, **changes):
    data = {"code": legal_entity_code(900), "name": "Naujoji gimnazija", "type": "3140", "ownership": "20",
            "municipality": "LT-57", "registered_on": "2020-09-01"}
    return {**data, **changes}


def post(client, url, data, lang):
    response = client.post(url, data, format="json", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()


def in_both_languages(client, url, data, field):
    """The field's messages in English and in Lithuanian; they must differ (the request's language)."""
    en, lt = post(client, url, data, "en"), post(client, url, data, "lt")
    assert field in en and field in lt, (en, lt)
    assert en[field] != lt[field], f"{field}: the same message in both languages: {en[field]}"
    return en[field], lt[field]


def test_unknown_classifier_code(world, admin):
    en, lt = in_both_languages(admin, "/api/v1/institutions/", institution(world, municipality="LT-99"),
                               "municipality")
    assert en == ["LT-99 is not a code of the list municipality."]
    assert "LT-99" in lt[0]


def test_classifier_code_not_valid_on_the_records_date(world, admin):
    from edureg.classifiers.models import ClassifierItem

    ClassifierItem.objects.filter(code_list__code="municipality", code="LT-57").update(
        valid_from=datetime.date(2021, 1, 1))
    errors = post(admin, "/api/v1/institutions/", institution(world, registered_on="2020-09-01"), "en")
    assert errors == {"municipality": ["Code LT-57 is not valid on 2020-09-01."]}


@pytest.mark.parametrize("code,message", [("12345", "A legal-entity code has exactly 9 digits."),
                                          ("300000036", "The check digit of legal-entity code 300000036 is wrong.")])
def test_bad_legal_entity_code(world, admin, code, message):
    en, lt = in_both_languages(admin, "/api/v1/institutions/", institution(world, code=code), "code")
    assert message in en


def test_duplicate_legal_entity_code(world, admin):
    en, lt = in_both_languages(admin, "/api/v1/institutions/", institution(world, code=world.a1.code), "code")
    assert Institution.objects.filter(code=world.a1.code).count() == 1


def test_duplicate_branch_code_of_an_institution(world, admin):
    branch = BranchFactory(institution=world.a1)
    data = {"institution": world.a1.code, "code": branch.code, "name": "Kitas", "municipality": "LT-57"}
    en, lt = in_both_languages(admin, "/api/v1/branches/", data, "non_field_errors")
    assert en == ["Branch with this Institution and Branch code already exists."]


def test_unknown_institution_reference(world, admin):
    data = {"person": world.applicant_person.pk, "institution": "999999999", "school_year": 2025,
            "start_date": "2025-09-01"}
    en, lt = in_both_languages(admin, "/api/v1/enrolments/", data, "institution")
    assert en == ["There is no institution with the code 999999999."]


@pytest.mark.parametrize("code,message", [
    ("3330924006", "A personal code has exactly 11 digits."),
    ("33309240065", "The check digit of the personal code is wrong."),
    ("3330924006x", "A personal code has digits only."),
])
def test_bad_personal_code(world, admin, code, message):
    data = {"personal_code": code, "first_name": "Jonas", "last_name": "Jonaitis", "birth_date": "1933-09-24",
            "sex": "M"}
    en, lt = in_both_languages(admin, "/api/v1/persons/", data, "personal_code")
    assert en == [message]


def test_duplicate_personal_code(world, admin):
    person = world.applicant_person
    data = {"personal_code": person.personal_code, "first_name": "Kitas", "last_name": "Asmuo"}
    in_both_languages(admin, "/api/v1/persons/", data, "personal_code")


def test_end_before_start(world, admin):
    enrolment = EnrolmentFactory(institution=world.a1)
    en, lt = in_both_languages(admin, f"/api/v1/enrolments/{enrolment.pk}/end/",
                               {"end_date": "2020-01-01", "end_reason": "10"}, "end_date")
    assert en == ["The end date cannot be before the start date."]
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_end_before_start_on_create(world, admin):
    data = {"person": world.applicant_person.pk, "institution": world.a1.code, "school_year": 2025,
            "start_date": "2025-09-01", "end_date": "2025-08-01", "end_reason": "30"}
    en, lt = in_both_languages(admin, "/api/v1/enrolments/", data, "end_date")
    assert "The end date cannot be before the start date." in en


def test_overlapping_enrolment(world, admin):
    first = EnrolmentFactory(institution=world.a2, person=world.applicant_person)
    data = {"person": first.person_id, "institution": world.a1.code, "school_year": 2025, "start_date": "2025-10-01"}
    en, lt = in_both_languages(admin, "/api/v1/enrolments/", data, "start_date")
    assert en[0].startswith("The learner already has a main general-education enrolment at A2 progimnazija from "
                            "2025-09-01")


@pytest.mark.parametrize("field,value", [("school_year", "abc"), ("start_date", "2025-13-45"), ("kind", "secret"),
                                         ("is_main", "maybe"), ("person", "abc"), ("person", 10**9),
                                         ("institution", ["x"]), ("grade", -3)])
def test_wrong_types(world, admin, field, value):
    data = {"person": world.applicant_person.pk, "institution": world.a1.code, "school_year": 2025,
            "start_date": "2025-09-01", field: value}
    en, lt = in_both_languages(admin, "/api/v1/enrolments/", data, field)
    assert en and lt


def test_a_list_instead_of_an_object(world, admin):
    en, lt = in_both_languages(admin, "/api/v1/institutions/", [institution(world)], "non_field_errors")


def test_malformed_json(world, admin):
    response = admin.generic("POST", "/api/v1/institutions/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


@pytest.mark.parametrize("params,field", [({"active_on": "yesterday"}, "active_on"), ({"open": "perhaps"}, "open"),
                                          ({"kind": "secret"}, "kind"), ({"school_year": "x"}, "school_year")])
def test_bad_filters(world, admin, params, field):
    response = admin.get("/api/v1/enrolments/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and field in response.json()


def test_invalid_status_transition(world, admin):
    admin.post(f"/api/v1/institutions/{world.b1.code}/status/", {"status": "liquidated", "since": "2025-01-01"})
    en, lt = in_both_languages(admin, f"/api/v1/institutions/{world.b1.code}/status/",
                               {"status": "active", "since": "2025-02-01"}, "status")
    assert en == ["An institution cannot go from Liquidated to Active."]


def test_deleting_a_referred_record_is_409(world, admin):
    EnrolmentFactory(institution=world.b1)
    response = admin.delete(f"/api/v1/institutions/{world.b1.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "referred to" in response.json()["detail"]
    with translation.override("lt"):
        lt = admin.delete(f"/api/v1/institutions/{world.b1.code}/", HTTP_ACCEPT_LANGUAGE="lt").json()["detail"]
    assert lt != response.json()["detail"]
    assert Institution.objects.filter(pk=world.b1.pk).exists()


BAD_VALUES = [None, "", [], {}, True, -1, 10**12, "x" * 300, "2025-02-30", ["LT-57"], {"code": "LT-57"}]


@pytest.mark.parametrize("api", [c for c in API_CASES if c.create is not None], ids=lambda c: c.id)
def test_no_bad_value_in_any_field_makes_a_500(world, admin, api):
    """Each field of each endpoint's valid payload replaced by each bad value: 201 or 400, never a 500."""
    payload = api.create(world)
    statuses = set()
    for field in payload:
        for bad in BAD_VALUES:
            response = admin.post(api.list_url(), {**payload, field: bad}, format="json")
            assert response.status_code in (201, 400), (api.id, field, bad, response.status_code, response.content)
            if response.status_code == 400:
                assert isinstance(response.json(), dict) and response.json(), (api.id, field, bad)
            else:  # accepted (e.g. an empty optional text): undo so that the next try is not a duplicate
                api.model._default_manager.order_by("-pk").first().delete()
            statuses.add(response.status_code)
    assert 400 in statuses


def test_personal_code_with_spaces_is_normalised(world, admin):
    code = codes.make(datetime.date(2011, 5, 6), "M", 5)
    response = admin.post("/api/v1/persons/", {"personal_code": f" {code[:5]} {code[5:]} ", "first_name": "A",
                                               "last_name": "B"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["personal_code"] == code
