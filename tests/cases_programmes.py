"""The programmes registers as cases for the generic admin and API suites (see tests/cases.py).

Programmes at a1 and a2 are drafts (seen by their provider's officer, the municipality officer and the agency);
the one at b1 is registered, so everyone sees it. Versions and modules are of drafts. The lifecycle actions
need a programme in a particular state each, so they are tested in edureg/programmes/tests/test_api_programmes.py
(ACTIONS_TESTED_ELSEWHERE below) rather than by the matrix, which makes one object per place for all actions.
"""

import itertools
from decimal import Decimal

from edureg.core.testing.api import ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.programmes import services
from edureg.programmes.models import (
    Module,
    Offering,
    Programme,
    ProgrammeEvent,
    ProgrammeKind,
    ProgrammeRule,
    ProgrammeVersion,
)
from edureg.programmes.tests.factories import (
    ModuleFactory,
    OfferingFactory,
    ProgrammeEventFactory,
    ProgrammeKindFactory,
    ProgrammeRuleFactory,
    language,
    make_programme,
    make_registered,
    registered_version,
)
from edureg.qualifications.tests.factories import CompetenceFactory

ALL = Expect("vcd", "vcd", "vcd", add=True)
VIEW_ALL = Expect("v", "v", "v")
OUTSIDERS = ("anonymous", "no_role", "public", "applicant", "expert")
PUBLIC = dict.fromkeys((*OUTSIDERS, "institution_officer", "municipality_officer"), VIEW_ALL)
_n = itertools.count(1)


def _inst(world, place):
    return getattr(world, place)


def make_programme_at(world, place):
    """A draft at a1 and a2; a registered (published) programme at b1."""
    if place == "b1":
        return make_registered(provider=world.b1, kind="nonformal_adult")
    return make_programme(provider=_inst(world, place), kind="nonformal_adult")


def draft_version(world, place):
    return make_programme(provider=_inst(world, place), kind="nonformal_adult").versions.get()


def make_module(world, place):
    return ModuleFactory(version=draft_version(world, place), type="competence", credits=None, hours=10)


def make_offering(world, place):
    return OfferingFactory(version=registered_version(programme__provider=_inst(world, place)))


def rule_kind():
    return ProgrammeKindFactory(code="test_kind", unit="hours", code_prefix="TK", subtypes=[])


def _programme_add(world):
    return {"kind": ProgrammeKind.objects.get(code="nonformal_adult"), "provider": world.a1,
            "name_lt": "Suvirinimo kursai suaugusiesiems", "hours": 40, "forms": ["part_time"],
            "target_groups": ["adults"], "language": language()}


def _offering_add(world):
    return {"programme": registered_version(programme__provider=world.a1).programme, "institution": world.a1,
            "municipality": world.mun_a, "year": 2026, "start_date": "2026-09-01", "form": "full_time",
            "language": language(), "state_funded_places": 12, "paid_places": 0}


CASES = [
    Case(Programme, make=make_programme_at,
         expect={**dict.fromkeys(OUTSIDERS, Expect("", "", "v")),
                 "institution_officer": Expect("vcd", "", "v", add=True),
                 "municipality_officer": Expect("v", "v", "v"),
                 "agency_admin": Expect("vcd", "vcd", "vc", add=True)},
         add_data=_programme_add, change_data=lambda w, o: {"co_providers": [w.a2]}),
    Case(ProgrammeVersion, make=draft_version,
         expect={"institution_officer": Expect("vc", add=True), "municipality_officer": Expect("v", "v"),
                 "agency_admin": Expect("vc", "vc", "vc", add=True)},
         # The add page (a new version of a registered programme) is tested in test_admin_programmes.py: making
         # the registered programme here would add a version before the suite counts the new one.
         change_data=lambda w, o: {"name_en": f"Welding course (edit {next(_n)})"}),
    Case(Module, make=make_module,
         expect={"institution_officer": Expect("vcd", add=True), "municipality_officer": Expect("v", "v"),
                 "agency_admin": ALL},
         add_data=lambda w: {"version": draft_version(w, "a1"), "code": "NEW1", "name_lt": "Naujas modulis",
                             "type": "competence", "hours": 8},
         change_data=lambda w, o: {"name_en": f"Module (edit {next(_n)})"}),
    Case(ProgrammeEvent, make=lambda w, p: ProgrammeEventFactory(programme=make_programme_at(w, p)),
         expect={"institution_officer": Expect("v"), "municipality_officer": Expect("v", "v"),
                 "agency_admin": VIEW_ALL}),
    Case(ProgrammeKind, make=lambda w, p: ProgrammeKindFactory(code=f"kind_{p}", unit="hours", code_prefix="K"),
         expect={**PUBLIC, "agency_admin": Expect("vc", "vc", "vc", add=True)},
         add_data=lambda w: {"code": "new_kind", "name_lt": "Nauja rūšis", "name_en": "New kind", "code_prefix": "NK",
                             "unit": "hours", "forms": ["part_time"]},
         change_data=lambda w, o: {"name_en": f"Kind (edit {next(_n)})"}),
    Case(ProgrammeRule, make=lambda w, p: ProgrammeRuleFactory(kind=rule_kind(), code=f"rule-{p}",
                                                               metric="total_hours", minimum=Decimal("1")),
         expect={**PUBLIC, "agency_admin": ALL},
         add_data=lambda w: {"kind": rule_kind(), "code": "new-rule", "metric": "total_hours", "minimum": "10",
                             "severity": "error"},
         change_data=lambda w, o: {"maximum": str(100 + next(_n))}),
    Case(Offering, make=make_offering,
         expect={**PUBLIC, "institution_officer": Expect("vcd", "v", "v", add=True), "agency_admin": ALL},
         add_data=_offering_add, change_data=lambda w, o: {"paid_places": next(_n)}),
]


# --- the API --------------------------------------------------------------------------------------------

def _programme_payload(world, school):
    language()
    return {"kind": "nonformal_adult", "provider": school.code, "name_lt": "Suvirinimo kursai suaugusiesiems",
            "hours": 40, "forms": ["part_time"], "target_groups": ["adults"], "language": "lt"}


def _version_payload(world, school):
    language()
    programme = make_registered(provider=school, kind="nonformal_adult")
    return {"programme": programme.code, "name_en": "Welding course, new version", "hours": 48}


def _module_payload(world, school):
    competence = CompetenceFactory()
    return {"version": draft_version(world, "a1" if school == world.a1 else "b1").pk, "code": "NEW1",
            "name_lt": "Naujas modulis", "type": "competence", "hours": 8, "competences": [competence.code]}


def _offering_payload(world, school):
    language()
    programme = registered_version(programme__provider=school).programme
    return {"programme": programme.code, "institution": school.code, "year": 2026, "start_date": "2026-09-01",
            "form": "full_time", "language": "lt", "state_funded_places": 12, "paid_places": 3}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["programmes.programme"], "programmes", lookup=lambda o: o.code, key="code",
                create=lambda w: _programme_payload(w, w.a1), create_elsewhere=lambda w: _programme_payload(w, w.b1),
                update=lambda w, o: {"co_providers": [w.a2.code]}),
        ApiCase(case["programmes.programmeversion"], "programme-versions",
                create=lambda w: _version_payload(w, w.a1), create_elsewhere=lambda w: _version_payload(w, w.b1),
                update=lambda w, o: {"name_en": f"Welding course (edit {next(_n)})"}),
        ApiCase(case["programmes.module"], "modules",
                create=lambda w: _module_payload(w, w.a1), create_elsewhere=lambda w: _module_payload(w, w.b1),
                update=lambda w, o: {"name_en": f"Module (edit {next(_n)})"}),
        ApiCase(case["programmes.programmeevent"], "programme-events"),
        ApiCase(case["programmes.programmekind"], "programme-kinds", lookup=lambda o: o.code, key="code",
                create=lambda w: {"code": "new_kind", "name_lt": "Nauja rūšis", "name_en": "New kind",
                                  "code_prefix": "NK", "unit": "hours", "forms": ["part_time"]},
                update=lambda w, o: {"name_en": f"Kind (edit {next(_n)})"}),
        ApiCase(case["programmes.programmerule"], "programme-rules",
                create=lambda w: {"kind": rule_kind().code, "code": "new-rule", "metric": "total_hours",
                                  "minimum": "10"},
                update=lambda w, o: {"maximum": str(100 + next(_n))}),
        ApiCase(case["programmes.offering"], "offerings",
                create=lambda w: _offering_payload(w, w.a1), create_elsewhere=lambda w: _offering_payload(w, w.b1),
                update=lambda w, o: {"paid_places": next(_n)}),
    ]


# Extra actions covered by edureg/programmes/tests/test_api_programmes.py (each needs the programme in its own
# state: a draft to submit, a submitted version to register or return, a registered one to suspend, ...).
ACTIONS_TESTED_ELSEWHERE = {
    ("programmes", name): "edureg/programmes/tests/test_api_programmes.py (lifecycle, role by role)"
    for name in ("versions", "check", "diff", "elm", "submit", "register", "return", "new-version", "suspend",
                 "resume", "request-deregistration", "cancel-deregistration", "confirm-deregistration")
}


# --- list query counts ------------------------------------------------------------------------------------

def _programmes(world, n):
    from edureg.qualifications.tests.factories import QualificationFactory

    qualification = QualificationFactory()
    for i in range(n):
        version = registered_version(programme__provider=world.a1 if i % 2 else world.b1, qualification=qualification)
        version.programme.co_providers.set([world.a2])
        version.programme.qualification = qualification
        version.programme.save()
        if i % 3 == 0:  # a newer draft beside the version in force
            services.new_version(version.programme, actor=None)


def _versions(world, n):
    competences = [CompetenceFactory() for _ in range(3)]
    for i in range(n):
        version = registered_version(programme__provider=world.a1 if i % 2 else world.b1)
        ModuleFactory(version=version, competences=competences)
        ModuleFactory(version=version)


def _modules(world, n):
    competences = [CompetenceFactory() for _ in range(2)]
    version = registered_version(programme__provider=world.a1)
    for _ in range(n):
        ModuleFactory(version=version, competences=competences)


def _kinds(world, n):
    for i in range(n):
        kind = ProgrammeKindFactory(code=f"q_kind_{i}", unit="hours", code_prefix="Q")
        ProgrammeRuleFactory(kind=kind, code="hours", metric="total_hours", minimum=Decimal("1"))


def _rules(world, n):
    kind = rule_kind()
    for i in range(n):
        ProgrammeRuleFactory(kind=kind, code=f"rule-{i}", metric="total_hours", minimum=Decimal(i))


def _events(world, n):
    programme = registered_version(programme__provider=world.a1).programme
    for _ in range(n):
        ProgrammeEventFactory(programme=programme, version=programme.current_version, user=world.users["agency_admin"])


def _offerings(world, n):
    from edureg.institutions.tests.factories import BranchFactory

    version = registered_version(programme__provider=world.a1)
    branch = BranchFactory(institution=world.a1)
    for i in range(n):
        OfferingFactory(version=version, year=2000 + i, branch=branch if i % 2 else None)


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "programmes": (_programmes, "page_size", ("anonymous", "institution_officer", "agency_admin")),
    "programme-versions": (_versions, "page_size", ("anonymous", "institution_officer", "agency_admin")),
    "modules": (_modules, "page_size", ("anonymous", "agency_admin")),
    "programme-kinds": (_kinds, "page_size", ("anonymous", "agency_admin")),
    "programme-rules": (_rules, "page_size", ("anonymous",)),
    "programme-events": (_events, "page_size", ("institution_officer", "agency_admin")),
    "offerings": (_offerings, "page_size", ("anonymous", "institution_officer", "agency_admin")),
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    registered = make_registered(provider=world.a1, kind="nonformal_adult")
    version = registered.current_version
    module = ModuleFactory(version=version, type="competence", credits=None, hours=4)
    return {"programmes": registered.code, "programme-versions": version.pk, "modules": module.pk,
            "programme-kinds": registered.kind.code, "programme-rules": registered.kind.rules.first().pk,
            "programme-events": registered.events.first().pk,
            "offerings": OfferingFactory(version=version, programme=registered, form="part_time").pk}
