"""Every list endpoint runs the same number of queries for a page of 5 and a page of 50 rows."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from edureg.accounts.tests.factories import MembershipFactory
from edureg.classifiers.tests.factories import ClassifierItemFactory, CodeListFactory, item
from edureg.core.api.registry import api_routes
from edureg.institutions.tests.factories import BranchFactory, InstitutionFactory
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory
from edureg.persons.tests.factories import PersonFactory
from tests import (
    cases_admission,
    cases_datacollections,
    cases_evaluation,
    cases_indicators,
    cases_programmes,
    cases_qualifications,
)

pytestmark = pytest.mark.django_db
ROWS = 55


def _codelists(world, n):
    parent = CodeListFactory(code="parentlist")
    for i in range(n):
        CodeListFactory(code=f"ql{i}", parent_list=parent)


def _items(world, n):
    parent = item("county", "LT-VL", "Vilniaus apskritis")
    code_list = CodeListFactory(code="qitems", parent_list=parent.code_list)
    for i in range(n):
        ClassifierItemFactory(code_list=code_list, code=f"Q{i}", parent=parent)


def _municipality(i):
    county = item("county", f"C{i % 3}", f"Apskritis {i % 3}")
    municipality = item("municipality", f"M{i}", f"Savivaldybė {i}")
    municipality.parent = county
    municipality.save()
    return municipality


def _institutions(world, n):
    for i in range(n):
        institution = InstitutionFactory(municipality=_municipality(i), parent=world.b1)
        BranchFactory.create_batch(2, institution=institution)


def _branches(world, n):
    for i in range(n):
        BranchFactory(institution=world.a1 if i % 2 else world.b1)


def _persons(world, n):
    country = item("country", "LT", "Lietuva")
    for _ in range(n):
        EnrolmentFactory(institution=world.a1, person=PersonFactory(citizenship=country))


def _enrolments(world, n):
    isced = item("isced_level", "2", "Pagrindinis ugdymas")
    for i in range(n):
        branch = BranchFactory(institution=world.a1)
        EnrolmentFactory(institution=world.a1, branch=branch, isced_level=isced, kind="non_formal",
                         end_date=datetime.date(2026, 6, 20) if i % 2 else None,
                         end_reason=item("enrolment_end_reason", "10") if i % 2 else None)


def _employments(world, n):
    category = item("qualification_category", "V", "Vyresnysis mokytojas")
    subjects = [item("subject", code) for code in ("MAT", "FIZ", "INF")]
    for _ in range(n):
        employment = EmploymentFactory(institution=world.a1, qualification_category=category)
        employment.subjects.set(subjects)


def _memberships(world, n):
    for _ in range(n):
        MembershipFactory(role="institution_officer", institution=world.a2)


def _changes(world, n):
    for _ in range(n):
        InstitutionFactory(municipality=world.mun_b)  # each leaves a change record


# prefix → (make rows, the parameter naming the page size, the roles to measure as)
MAKERS = {
    "code-lists": (_codelists, "page_size", ("anonymous", "agency_admin")),
    "classifier-items": (_items, "page_size", ("anonymous", "agency_admin")),
    "institutions": (_institutions, "page_size", ("anonymous", "municipality_officer", "agency_admin")),
    "branches": (_branches, "page_size", ("anonymous", "agency_admin")),
    "persons": (_persons, "page_size", ("institution_officer", "municipality_officer", "agency_admin")),
    "enrolments": (_enrolments, "page_size", ("institution_officer", "agency_admin")),
    "employments": (_employments, "page_size", ("institution_officer", "agency_admin")),
    "memberships": (_memberships, "page_size", ("agency_admin",)),
    "changes": (_changes, "limit", ("agency_admin",)),
}
MAKERS.update(cases_qualifications.QUERY_MAKERS)
MAKERS.update(cases_programmes.QUERY_MAKERS)
MAKERS.update(cases_admission.QUERY_MAKERS)
MAKERS.update(cases_indicators.QUERY_MAKERS)
MAKERS.update(cases_datacollections.QUERY_MAKERS)
MAKERS.update(cases_evaluation.QUERY_MAKERS)
CASES = [(prefix, role) for prefix, (_m, _p, roles) in MAKERS.items() for role in roles]


def _rows(response):
    data = response.json()
    return data["results"]


@pytest.mark.parametrize("prefix,role", CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_list_queries_do_not_grow_with_the_page(world, prefix, role, django_assert_num_queries):
    make, size, _roles = MAKERS[prefix]
    make(world, ROWS)
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    url = f"/api/v1/{prefix}/"
    # Both calls start from the same process-wide caches (content types), whatever ran before in this worker.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {size: 5})
    assert response.status_code == 200 and len(_rows(response)) == 5, response.content[:300]
    # A fresh user object, as in a real request: nothing cached from the first call.
    if role != "anonymous":
        client.force_authenticate(type(world.user(role)).objects.get(pk=world.user(role).pk))
    ContentType.objects.clear_cache()
    with django_assert_num_queries(len(small)):
        response = client.get(url, {size: 50})
    assert response.status_code == 200 and len(_rows(response)) == 50


def test_every_list_endpoint_is_measured():
    assert set(MAKERS) == {prefix for prefix, _v, _b in api_routes()}
