"""The registers, as cases for the generic admin and API suites (edureg.core.testing).

Each case makes an object at a place of the test world (tests/world.py) and says what each role may do.
"""

import datetime
from decimal import Decimal

from edureg.accounts.models import Membership
from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange, ReadAccess
from edureg.core.testing.matrix import Case, Expect
from edureg.institutions.models import Branch, Institution
from edureg.institutions.tests.factories import BranchFactory, InstitutionFactory, legal_entity_code
from edureg.learners.models import Enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.models import Employment
from edureg.pedagogues.tests.factories import EmploymentFactory
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.tests.factories import PersonFactory

ALL = Expect("vcd", "vcd", "vcd", add=True)
VIEW_ALL = Expect("v", "v", "v")
PUBLIC = dict.fromkeys(("anonymous", "no_role", "public", "applicant", "expert", "institution_officer",
                        "municipality_officer"), VIEW_ALL)


def _inst(world, place):
    return getattr(world, place)


def make_institution(world, place):
    # Each place gets a fresh institution in the same municipality as the world's institution there.
    return InstitutionFactory(municipality=_inst(world, place).municipality) if place != "a1" else world.a1


def make_person(world, place):
    return EnrolmentFactory(institution=_inst(world, place)).person


def make_membership(world, place):
    return MembershipFactory(user=UserFactory(), role="institution_officer", institution=_inst(world, place))


CASES = [
    Case(CodeList, make=lambda w, p: item("ownership", "20").code_list,
         expect={**PUBLIC, "agency_admin": Expect("vc", "vc", "vc", add=True)},
         add_data=lambda w: {"code": "newlist", "name_lt": "Naujas", "name_en": "New"},
         change_data=lambda w, o: {"name_en": "Ownership (edited)"}),
    Case(ClassifierItem, make=lambda w, p: item("ownership", "20"),
         expect={**PUBLIC, "agency_admin": Expect("vc", "vc", "vc", add=True)},
         add_data=lambda w: {"code_list": item("ownership", "20").code_list, "code": "99",
                             "name_lt": "Kita", "name_en": "Other", "valid_from": "2020-01-01"},
         change_data=lambda w, o: {"name_en": "Municipal (edited)"}),
    Case(Institution, make=make_institution,
         expect={**PUBLIC, "institution_officer": Expect("vc", "v", "v"),
                 "municipality_officer": Expect("vc", "vc", "v", add=True), "agency_admin": ALL},
         add_data=lambda w: {"code": legal_entity_code(777), "name": "Naujoji gimnazija",
                             "type": w.a1.type, "ownership": w.a1.ownership, "municipality": w.mun_a,
                             "registered_on": "2020-09-01", "status": "registered"},
         change_data=lambda w, o: {"phone": "+370 5 000 0000"}),
    Case(Branch, make=lambda w, p: BranchFactory(institution=_inst(w, p)),
         expect={**PUBLIC, "institution_officer": Expect("vc", "v", "v", add=True),
                 "municipality_officer": Expect("vcd", "vcd", "v", add=True), "agency_admin": ALL},
         add_data=lambda w: {"institution": w.a1, "code": "NEW1", "name": "Naujas skyrius",
                             "municipality": w.mun_a, "opened_on": "2024-09-01"},
         change_data=lambda w, o: {"address": "Naujoji g. 5"}),
    Case(Person, make=make_person,
         expect={"institution_officer": Expect("vc", "", "", add=True),
                 "municipality_officer": Expect("v", "v", ""), "agency_admin": ALL},
         add_data=lambda w: {"personal_code": codes.make(datetime.date(2012, 4, 5), "M", 321),
                             "first_name": "Jonas", "last_name": "Naujokas", "birth_date": "2012-04-05",
                             "sex": item("sex", "M")},
         change_data=lambda w, o: {"phone": "+370 600 00000"},
         make_deletable=lambda w, p: PersonFactory()),
    Case(Enrolment, make=lambda w, p: EnrolmentFactory(institution=_inst(w, p)),
         expect={"institution_officer": Expect("vc", "", "", add=True),
                 "municipality_officer": Expect("v", "v", ""), "agency_admin": ALL},
         add_data=lambda w: {"personal_code": codes.make(datetime.date(2013, 6, 7), "F", 654),
                             "first_name": "Ona", "last_name": "Naujokaitė", "institution": w.a1,
                             "kind": "general", "is_main": True, "school_year": 2025, "grade": 6,
                             "group": "6b", "start_date": "2025-09-01"},
         change_data=lambda w, o: {"group": "5c"}),
    Case(Employment, make=lambda w, p: EmploymentFactory(institution=_inst(w, p)),
         expect={"institution_officer": Expect("vc", "", "", add=True),
                 "municipality_officer": Expect("v", "v", ""), "agency_admin": ALL},
         add_data=lambda w: {"personal_code": codes.make(datetime.date(1980, 1, 2), "F", 111),
                             "first_name": "Rūta", "last_name": "Mokytoja", "institution": w.a1,
                             "position": item("position", "10"), "workload": Decimal("0.5"),
                             "start_date": "2024-09-01"},
         change_data=lambda w, o: {"workload": "0.75"}),
    Case(Membership, make=make_membership, expect={"agency_admin": ALL},
         add_data=lambda w: {"user": UserFactory(), "role": "institution_officer", "institution": w.a2,
                             "valid_from": "2025-01-01"},
         change_data=lambda w, o: {"valid_to": "2030-12-31"}),
    Case(ObjectChange, make=lambda w, p: ObjectChange.objects.order_by("id").first(),
         expect={"agency_admin": Expect("v", "v", "v")}),
    Case(ReadAccess, make=lambda w, p: _read_access(w),
         expect={"agency_admin": Expect("v", "v", "v")}),
]

# The registers of later issues keep their cases in modules of their own.
from tests import (  # noqa: E402
    cases_admission,
    cases_datacollections,
    cases_evaluation,
    cases_indicators,
    cases_programmes,
    cases_qualifications,
)

CASES += cases_qualifications.CASES + cases_programmes.CASES + cases_admission.CASES
CASES += cases_indicators.CASES + cases_datacollections.CASES + cases_evaluation.CASES


def _read_access(world):
    from edureg.persons.services import log_full_view

    log_full_view(world.applicant_person, user=world.users["agency_admin"], source="test")
    return ReadAccess.objects.order_by("-id").first()


# Models that are deliberately not a case of their own, and why (the meta-test reads this).
EXEMPT = {
    "institutions.statuschange": "written only by institution services; shown inline on the institution page",
    "authtoken.tokenproxy": "DRF's own token admin; agency administrators hold its permissions (accounts.roles)",
    "django_tasks_database.dbtaskresult": "django-tasks' own result admin, read-only for agency administrators",
}
