"""A small world for role and scope tests: two municipalities, three institutions, one user per role.

    municipality A (LT-57): institution a1 (the institution officer's), institution a2
    municipality B (LT-15): institution b1
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.tests.factories import item, municipality
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.persons.tests.factories import PersonFactory

PASSWORD = "pass-Word-123"
ROLES = ("anonymous", "no_role", "public", "applicant", "expert", "institution_officer",
         "municipality_officer", "agency_admin")


@dataclass
class World:
    mun_a: object
    mun_b: object
    a1: object
    a2: object
    b1: object
    users: dict = field(default_factory=dict)
    applicant_person: object = None

    def user(self, role):
        return AnonymousUser() if role == "anonymous" else self.users[role]


def build_world() -> World:
    mun_a = municipality("LT-57", "Vilniaus miesto savivaldybė")
    mun_b = municipality("LT-15", "Kauno miesto savivaldybė")
    for code, name in (("M", "Vyras"), ("F", "Moteris")):
        item("sex", code, name)
    for code, name in (("10", "Baigė"), ("20", "Išvyko į kitą mokyklą"), ("30", "Nutraukė mokymąsi")):
        item("enrolment_end_reason", code, name)
    a1 = InstitutionFactory(municipality=mun_a, name="A1 gimnazija")
    a2 = InstitutionFactory(municipality=mun_a, name="A2 progimnazija")
    b1 = InstitutionFactory(municipality=mun_b, name="B1 gimnazija")
    world = World(mun_a=mun_a, mun_b=mun_b, a1=a1, a2=a2, b1=b1)
    world.applicant_person = PersonFactory(birth_date=datetime.date(2010, 3, 3))
    for role in ROLES[1:]:
        user = UserFactory(username=role)
        world.users[role] = user
        if role == "no_role":
            continue
        scope = {}
        if role == "institution_officer":
            scope = {"institution": a1}
            user.is_staff = True
        elif role == "municipality_officer":
            scope = {"municipality": mun_a}
            user.is_staff = True
        elif role == "agency_admin":
            user.is_staff = True
        elif role == "applicant":
            scope = {"person": world.applicant_person}
        user.save()
        MembershipFactory(user=user, role=role, **scope)
    return world
