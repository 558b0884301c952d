"""The API in a browser: the index, the browsable pages, OPTIONS and HEAD answer without a server error."""

import pytest
from django.test import Client

from edureg.accounts.models import Membership
from edureg.core.api.registry import api_routes
from edureg.institutions.tests.factories import BranchFactory
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory
from tests import (
    cases_admission,
    cases_datacollections,
    cases_evaluation,
    cases_indicators,
    cases_programmes,
    cases_qualifications,
)
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_endpoint_to_anyone(world):
    response = Client().get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(response.json()) == {prefix for prefix, _v, _b in api_routes()}


@pytest.mark.parametrize("role", ["anonymous", "public", "institution_officer", "agency_admin"])
def test_every_page_renders_in_a_browser(world, role):
    client = Client()
    if role != "anonymous":
        assert client.login(username=role, password=PASSWORD)
    enrolment = EnrolmentFactory(institution=world.a1)
    employment = EmploymentFactory(institution=world.a1)
    branch = BranchFactory(institution=world.a1)
    urls = ["/api/v1/", "/api/v1/persons/lookup/", f"/api/v1/enrolments/{enrolment.pk}/end/",
            f"/api/v1/enrolments/{enrolment.pk}/transfer/", f"/api/v1/institutions/{world.a1.code}/status/"]
    details = {"institutions": world.a1.code, "branches": branch.pk, "persons": enrolment.person_id,
               "enrolments": enrolment.pk, "employments": employment.pk, "memberships": Membership.objects.first().pk,
               "code-lists": "municipality", "classifier-items": world.mun_a.pk, "changes": 1,
               **cases_qualifications.browsable_details(world), **cases_programmes.browsable_details(world),
               **cases_admission.browsable_details(world),
               **cases_indicators.browsable_details(world),
               **cases_datacollections.browsable_details(world),
               **cases_evaluation.browsable_details(world)}
    for prefix, _viewset, _basename in api_routes():
        urls += [f"/api/v1/{prefix}/", f"/api/v1/{prefix}/{details[prefix]}/"]
    for url in urls:
        page = client.get(url, HTTP_ACCEPT="text/html")
        assert page.status_code in (200, 401, 403, 404, 405), (url, page.status_code)
        if page.status_code == 200:
            assert b"<html" in page.content[:500].lower() or b"<!doctype" in page.content[:500].lower(), url
        for method in (client.options, client.head):
            assert method(url).status_code < 500, (url, method.__name__)
