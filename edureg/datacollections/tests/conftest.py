import datetime

import pytest
from django.utils import translation

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.tests.factories import municipality
from edureg.datacollections.models import Collection, Submission
from edureg.datacollections.services import load_collections, open_period
from edureg.datacollections.tests.factories import library_type
from edureg.institutions.tests.factories import InstitutionFactory

# A library's report that meets every rule of LIB-ANNUAL.
GOOD = {
    "service_points": "3", "mobile_libraries": "0", "opening_hours_weekly": "48,5",
    "registered_users": "5000", "active_users": "3200", "registered_users_children": "1200",
    "physical_visits": "60000", "virtual_visits": "20000",
    "loans": "90000", "interlibrary_loans": "150",
    "events": "120", "event_participants": "3000",
    "collection_units": "80000", "additions": "3000", "withdrawals": "2500",
    "staff_fte": "12.5", "librarians_fte": "9",
    "expenditure_total": "400000", "expenditure_acquisitions": "30000", "expenditure_staff": "300000",
    "comments": "",
}


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (pages and the API choose their language per request)."""
    with translation.override("en"):
        yield


def library(name="Vilniaus miesto savivaldybės centrinė biblioteka", **fields):
    fields.setdefault("type", library_type())
    fields.setdefault("email", "info@biblioteka.lt")
    return InstitutionFactory(name=name, **fields)


def officer_of(institution, username=None):
    user = UserFactory(username=username or f"officer-{institution.pk}", is_staff=True)
    MembershipFactory(user=user, role="institution_officer", institution=institution)
    return user


@pytest.fixture
def form(db) -> Collection:
    library_type()
    load_collections()
    return Collection.objects.get(code="LIB-ANNUAL")


@pytest.fixture
def libraries(db):
    return [library(municipality=municipality("LT-57", "Vilniaus miesto savivaldybė")),
            library("Kauno miesto savivaldybės V. Kudirkos viešoji biblioteka",
                    municipality=municipality("LT-15", "Kauno miesto savivaldybė"), email="")]


@pytest.fixture
def period(form, libraries):
    return open_period(form, year=2025, opens_on=datetime.date(2026, 1, 5), due_on=datetime.date(2026, 2, 15),
                       actor=None)


@pytest.fixture
def report(period, libraries) -> Submission:
    """The first library's report for 2025, not started."""
    return Submission.objects.get(period=period, institution=libraries[0])


@pytest.fixture
def respondent(libraries):
    return officer_of(libraries[0], "librarian")


@pytest.fixture
def other_respondent(libraries):
    return officer_of(libraries[1], "other-librarian")


@pytest.fixture
def agency(db):
    user = UserFactory(username="statistician", is_staff=True)
    MembershipFactory(user=user, role="agency_admin")
    return user


@pytest.fixture
def municipal(libraries):
    user = UserFactory(username="municipal", is_staff=True)
    MembershipFactory(user=user, role="municipality_officer", municipality=libraries[0].municipality)
    return user
