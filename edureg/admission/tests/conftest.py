import datetime

import pytest
from django.utils import timezone, translation

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.admission.tests.factories import RoundFactory, subject
from edureg.persons.tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages and the API choose their language per request)."""
    with translation.override("en"):
        yield


def accepting_round(**fields):
    """An open round whose application deadline has not passed (dates around today)."""
    today = timezone.localdate()
    days = datetime.timedelta
    values = {"applications_open": today - days(10), "application_deadline": today + days(10),
              "results_date": today + days(15), "contract_deadline": today + days(25),
              "age_on": datetime.date(2026, 9, 1), **fields}
    return RoundFactory(**values)


def applicant_user(username: str, person=None, **person_fields):
    """A user with the applicant role for `person` (a new one born in March 2010: 16 on 1 September 2026)."""
    person = person or PersonFactory(**{"birth_date": datetime.date(2010, 3, 1), **person_fields})
    user = UserFactory(username=username)
    MembershipFactory(user=user, role="applicant", person=person)
    return user


@pytest.fixture
def subjects(db):
    return {code: subject(code, name) for code, name in (
        ("LT", "Lietuvių kalba ir literatūra"), ("MAT", "Matematika"), ("EN", "Anglų kalba"))}


@pytest.fixture
def organiser(db):
    user = UserFactory(username="organiser", is_staff=True)
    MembershipFactory(user=user, role="agency_admin")
    return user
