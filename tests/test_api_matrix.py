"""Every endpoint of /api/v1/, for every role and every place of the test world.

The checks are the generic suite of edureg.core.testing.api; the role × place expectations and object
makers are the shared cases of tests/cases.py (the admin suite uses the same); here are only what is
particular to the API: URL prefixes, keys and JSON payloads written with natural codes.
"""

import datetime
import itertools

import pytest
from django.urls import URLPattern, URLResolver

from edureg import api_urls
from edureg.accounts.tests.factories import UserFactory
from edureg.classifiers.tests.factories import item
from edureg.core.api.registry import api_routes
from edureg.core.audit.sequencer import assign_positions
from edureg.core.testing.api import CHECKS, ApiAction, ApiCase, extra_actions
from edureg.institutions.tests.factories import legal_entity_code
from edureg.persons import codes
from edureg.persons.services import log_full_view
from edureg.persons.tests.factories import PersonFactory
from tests import (
    cases_admission,
    cases_datacollections,
    cases_evaluation,
    cases_indicators,
    cases_programmes,
    cases_qualifications,
)
from tests.cases import CASES
from tests.world import ROLES

pytestmark = pytest.mark.django_db

CASE = {c.label: c for c in CASES}
TODAY = datetime.date.today()
_edits = itertools.count(1)  # payloads differ per call: records shared by the places change every time


def _seq(change):
    assign_positions()
    change.refresh_from_db()
    return change.seq


def _found_person(world, **fields):
    """Someone new to the school, whom the officer first found by personal code (POST /persons/lookup/): a bare
    id names nobody outside the user's scope (Person.objects.referable_by)."""
    person = PersonFactory(**fields)
    log_full_view(person, user=world.users["institution_officer"], source="api")
    return person


def _enrolment(world, school):
    return {"person": _found_person(world).pk, "institution": school.code, "kind": "general", "is_main": True,
            "school_year": 2025, "grade": 6, "group": "6b", "start_date": "2025-09-01"}


def _employment(world, school):
    item("position", "10", "Mokytojas")
    item("subject", "MAT", "Matematika")
    return {"person": _found_person(world, birth_date=datetime.date(1980, 1, 2)).pk, "institution": school.code,
            "position": "10", "subjects": ["MAT"], "workload": "0.50", "start_date": "2024-09-01"}


def _institution(code_n, municipality):
    return {"code": legal_entity_code(code_n), "name": "Naujoji gimnazija", "type": "3140", "ownership": "20",
            "municipality": municipality, "registered_on": "2020-09-01", "status": "registered"}


API_CASES = [
    ApiCase(CASE["classifiers.codelist"], "code-lists", lookup=lambda o: o.code, key="code",
            create=lambda w: {"code": "newlist", "name_lt": "Naujas", "name_en": "New"},
            update=lambda w, o: {"name_en": f"Ownership (edit {next(_edits)})"}),
    ApiCase(CASE["classifiers.classifieritem"], "classifier-items",
            create=lambda w: {"code_list": "ownership", "code": "99", "name_lt": "Kita", "name_en": "Other",
                              "valid_from": "2020-01-01"},
            update=lambda w, o: {"name_en": f"Municipal (edit {next(_edits)})"}),
    ApiCase(CASE["institutions.institution"], "institutions", lookup=lambda o: o.code, key="code",
            create=lambda w: _institution(777, "LT-57"), create_elsewhere=lambda w: _institution(778, "LT-15"),
            update=lambda w, o: {"phone": "+370 5 000 0000"},
            actions=(ApiAction("status", lambda w, o: {"status": "reorganising", "since": TODAY.isoformat()}),)),
    ApiCase(CASE["institutions.branch"], "branches",
            create=lambda w: {"institution": w.a1.code, "code": "NEW1", "name": "Naujas skyrius",
                              "municipality": "LT-57", "opened_on": "2024-09-01"},
            create_elsewhere=lambda w: {"institution": w.b1.code, "code": "NEW2", "name": "Kitas skyrius",
                                        "municipality": "LT-15", "opened_on": "2024-09-01"},
            update=lambda w, o: {"address": "Naujoji g. 5"}),
    ApiCase(CASE["persons.person"], "persons",
            create=lambda w: {"personal_code": codes.make(datetime.date(2012, 4, 5), "M", 321),
                              "first_name": "Jonas", "last_name": "Naujokas"},
            update=lambda w, o: {"phone": "+370 600 00000"}, protected=True),
    ApiCase(CASE["learners.enrolment"], "enrolments",
            create=lambda w: _enrolment(w, w.a1), create_elsewhere=lambda w: _enrolment(w, w.b1),
            update=lambda w, o: {"group": "5c"},
            actions=(ApiAction("end", lambda w, o: {"end_date": "2026-06-20", "end_reason": "10"}),
                     ApiAction("transfer", lambda w, o: {"to_institution": o.institution.code, "on": "2026-01-05"},
                               status=201))),
    ApiCase(CASE["pedagogues.employment"], "employments",
            create=lambda w: _employment(w, w.a1), create_elsewhere=lambda w: _employment(w, w.b1),
            update=lambda w, o: {"workload": "0.75"}),
    ApiCase(CASE["accounts.membership"], "memberships",
            create=lambda w: {"user": UserFactory().username, "role": "institution_officer",
                              "institution": w.a2.code, "valid_from": "2025-01-01"},
            update=lambda w, o: {"valid_to": "2030-12-31"}),
    ApiCase(CASE["core.objectchange"], "changes", lookup=_seq, key="seq", list_params={"limit": 1000}),
]
API_CASES += cases_qualifications.api_cases(CASE) + cases_programmes.api_cases(CASE) + cases_admission.api_cases(CASE)
API_CASES += cases_indicators.api_cases(CASE) + cases_datacollections.api_cases(CASE)
API_CASES += cases_evaluation.api_cases(CASE)

# Extra actions tested by their own tests rather than by the matrix.
ACTIONS_TESTED_ELSEWHERE = {
    ("persons", "lookup"): "tests/test_api_persons.py (lookup by personal code in the body)",
}
ACTIONS_TESTED_ELSEWHERE.update(cases_qualifications.ACTIONS_TESTED_ELSEWHERE)
ACTIONS_TESTED_ELSEWHERE.update(cases_programmes.ACTIONS_TESTED_ELSEWHERE)
ACTIONS_TESTED_ELSEWHERE.update(cases_admission.ACTIONS_TESTED_ELSEWHERE)
ACTIONS_TESTED_ELSEWHERE.update(cases_indicators.ACTIONS_TESTED_ELSEWHERE)
ACTIONS_TESTED_ELSEWHERE.update(cases_datacollections.ACTIONS_TESTED_ELSEWHERE)
ACTIONS_TESTED_ELSEWHERE.update(cases_evaluation.ACTIONS_TESTED_ELSEWHERE)
# Endpoints of /api/v1/ outside the router, and the test module that covers each.
OTHER_ENDPOINTS = {
    "auth/token/": "tests/test_api_token.py",
    "schema/": "tests/test_api_schema.py",
    "docs/": "tests/test_api_schema.py",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("api", API_CASES, ids=lambda c: c.id)
def test_api_matrix(world, api, check, role):
    CHECKS[check](world, api, role)


def test_every_route_has_a_case():
    routes = {prefix for prefix, _viewset, _basename in api_routes()}
    cases = [c.prefix for c in API_CASES]
    assert len(cases) == len(set(cases)), "two cases for one endpoint"
    assert routes - set(cases) == set(), f"API routes without a test case: {sorted(routes - set(cases))}"
    assert set(cases) - routes == set(), f"test cases for routes that do not exist: {sorted(set(cases) - routes)}"


def test_every_extra_action_has_a_case():
    by_prefix = {c.prefix: c for c in API_CASES}
    missing = []
    for prefix, viewset, _basename in api_routes():
        covered = {a.name for a in by_prefix[prefix].actions} if prefix in by_prefix else set()
        for name in sorted(extra_actions(viewset)):
            if name not in covered and (prefix, name) not in ACTIONS_TESTED_ELSEWHERE:
                missing.append(f"{prefix}/{name}")
    assert not missing, f"extra actions without a test case: {missing}"


def test_every_other_endpoint_is_listed():
    paths = {str(p.pattern) for p in api_urls.urlpatterns if isinstance(p, URLPattern)}
    assert all(isinstance(p, URLPattern | URLResolver) for p in api_urls.urlpatterns)
    assert paths == set(OTHER_ENDPOINTS), f"endpoints outside the router without a listed test: {paths}"
