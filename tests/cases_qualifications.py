"""The qualifications registers as cases for the generic admin and API suites (see tests/cases.py).

Everything here is public to read and written by the agency only; committee members (persons) are seen by the agency
only. The records have no place, so each role may do the same at a1, a2 and b1.
"""

from edureg.core.testing.api import ApiAction, ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.persons.tests.factories import PersonFactory
from edureg.qualifications import services
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)
from edureg.qualifications.tests.factories import (
    CommitteeDecisionFactory,
    CommitteeMeetingFactory,
    CommitteeMemberFactory,
    CompetenceFactory,
    ProfessionalStandardFactory,
    QualificationFactory,
    SectoralCommitteeFactory,
    isced_f,
    sector,
)

# Kept here rather than imported from tests.cases, which imports this module.
ALL = Expect("vcd", "vcd", "vcd", add=True)
VIEW_ALL = Expect("v", "v", "v")
PUBLIC = dict.fromkeys(("anonymous", "no_role", "public", "applicant", "expert", "institution_officer",
                        "municipality_officer"), VIEW_ALL)
AGENCY = {**PUBLIC, "agency_admin": ALL}


def _decision_subject(world):
    meeting = CommitteeMeetingFactory()
    return meeting, ProfessionalStandardFactory(committee=meeting.committee)


def _decision_add(world):
    meeting, standard = _decision_subject(world)
    return {"meeting": meeting, "standard": standard, "outcome": "approve"}


CASES = [
    Case(SectoralCommittee, make=lambda w, p: SectoralCommitteeFactory(), expect=AGENCY,
         add_data=lambda w: {"code": "SPK-NEW", "name_lt": "Statybos sektorinis profesinis komitetas",
                             "name_en": "Construction committee", "sector": sector("06", "Statybos sektorius"),
                             "established_on": "2020-01-01"},
         change_data=lambda w, o: {"name_en": "Manufacturing committee (edited)"}),
    Case(CommitteeMember, make=lambda w, p: CommitteeMemberFactory(), expect={"agency_admin": ALL},
         add_data=lambda w: {"committee": SectoralCommitteeFactory(), "person": PersonFactory(), "role": "member",
                             "start_date": "2024-01-01"},
         change_data=lambda w, o: {"represents": "Lietuvos darbdavių konfederacija"}),
    Case(CommitteeMeeting, make=lambda w, p: CommitteeMeetingFactory(), expect=AGENCY,
         add_data=lambda w: {"committee": SectoralCommitteeFactory(), "number": "2025/1", "date": "2025-02-03"},
         change_data=lambda w, o: {"place": "Kaunas"}),
    Case(ProfessionalStandard, make=lambda w, p: ProfessionalStandardFactory(), expect=AGENCY,
         add_data=lambda w: {"code": "PSNEW", "version": 1, "name_lt": "Virėjo profesinis standartas",
                             "name_en": "Cook professional standard", "sector": sector("09", "Maitinimo sektorius")},
         change_data=lambda w, o: {"name_en": "Metalworking standard (edited)"}),
    Case(Competence, make=lambda w, p: CompetenceFactory(), expect=AGENCY,
         add_data=lambda w: {"code": "KNEW1", "standard": ProfessionalStandardFactory(),
                             "name_lt": "Gaminti karštuosius patiekalus", "ltks_level": 4},
         change_data=lambda w, o: {"name_en": "Weld steel structures (edited)"}),
    Case(Qualification, make=lambda w, p: QualificationFactory(), expect=AGENCY,
         add_data=lambda w: {"code": "QNEW1", "name_lt": "Virėjas", "name_en": "Cook", "ltks_level": 4,
                             "isced_f": isced_f("1013", "Viešbučių, restoranų ir maitinimo paslaugos"),
                             "type": "full", "valid_from": "2024-01-01"},
         change_data=lambda w, o: {"name_en": "Welder (edited)"}),
    Case(CommitteeDecision, make=lambda w, p: CommitteeDecisionFactory(), expect=AGENCY,
         add_data=_decision_add, change_data=lambda w, o: {"reasons": "Patikslinti vertinimo kriterijus."}),
]


def _decision_payload(world):
    meeting, standard = _decision_subject(world)
    return {"meeting": meeting.pk, "standard": standard.pk, "outcome": "approve"}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["qualifications.sectoralcommittee"], "sectoral-committees", lookup=lambda o: o.code, key="code",
                create=lambda w: {"code": "SPK-API", "name_lt": "Statybos sektorinis profesinis komitetas",
                                  "sector": sector("06", "Statybos sektorius").code, "established_on": "2020-01-01"},
                update=lambda w, o: {"name_en": "Manufacturing committee (edited)"}),
        ApiCase(case["qualifications.committeemember"], "committee-members",
                create=lambda w: {"committee": SectoralCommitteeFactory().code, "person": PersonFactory().pk,
                                  "role": "chair", "start_date": "2024-01-01"},
                update=lambda w, o: {"represents": "Lietuvos darbdavių konfederacija"}),
        ApiCase(case["qualifications.committeemeeting"], "committee-meetings",
                create=lambda w: {"committee": SectoralCommitteeFactory().code, "number": "2025/1",
                                  "date": "2025-02-03"},
                update=lambda w, o: {"place": "Kaunas"}),
        ApiCase(case["qualifications.professionalstandard"], "professional-standards",
                create=lambda w: {"code": "PSAPI", "name_lt": "Virėjo profesinis standartas",
                                  "sector": sector("09", "Maitinimo sektorius").code},
                update=lambda w, o: {"name_en": "Metalworking standard (edited)"},
                actions=(ApiAction("status", lambda w, o: {"status": "consultation"}),)),
        ApiCase(case["qualifications.competence"], "competences", lookup=lambda o: o.code, key="code",
                create=lambda w: {"code": "KAPI1", "name_lt": "Gaminti karštuosius patiekalus",
                                  "standard": ProfessionalStandardFactory().pk, "ltks_level": 4},
                update=lambda w, o: {"name_en": "Weld steel structures (edited)"}),
        ApiCase(case["qualifications.qualification"], "qualifications", lookup=lambda o: o.code, key="code",
                create=lambda w: {"code": "QAPI1", "name_lt": "Virėjas", "name_en": "Cook", "ltks_level": 4,
                                  "isced_f": isced_f().code, "type": "full", "valid_from": "2024-01-01"},
                update=lambda w, o: {"name_en": "Welder (edited)"}),
        ApiCase(case["qualifications.committeedecision"], "committee-decisions", create=_decision_payload,
                update=lambda w, o: {"reasons": "Patikslinti vertinimo kriterijus."}),
    ]


# --- list queries (tests/test_api_queries.py) -----------------------------------------------------------

def _qualifications(world, n):
    standard = ProfessionalStandardFactory()
    competences = CompetenceFactory.create_batch(2, standard=standard)
    for i in range(n):
        QualificationFactory(standard=standard, competences=competences,
                             isced_f=isced_f("0715") if i % 2 else isced_f("1013", "Maitinimas"))


def _standards(world, n):
    for _ in range(n):
        CompetenceFactory.create_batch(2, standard=ProfessionalStandardFactory())


def _competences(world, n):
    CompetenceFactory.create_batch(n, standard=ProfessionalStandardFactory())


def _committees(world, n):
    SectoralCommitteeFactory.create_batch(n)


def _meetings(world, n):
    for _ in range(n):
        meeting = CommitteeMeetingFactory()
        for _ in range(2):
            services.record_decision(actor=None, meeting=meeting, outcome="approve",
                                     standard=ProfessionalStandardFactory(committee=meeting.committee))


def _decisions(world, n):
    CommitteeDecisionFactory.create_batch(n)


def _members(world, n):
    committee = SectoralCommitteeFactory()
    CommitteeMemberFactory.create_batch(n, committee=committee)


PUBLIC_AND_AGENCY = ("anonymous", "agency_admin")

# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "qualifications": (_qualifications, "page_size", PUBLIC_AND_AGENCY),
    "professional-standards": (_standards, "page_size", PUBLIC_AND_AGENCY),
    "competences": (_competences, "page_size", PUBLIC_AND_AGENCY),
    "sectoral-committees": (_committees, "page_size", PUBLIC_AND_AGENCY),
    "committee-meetings": (_meetings, "page_size", PUBLIC_AND_AGENCY),
    "committee-decisions": (_decisions, "page_size", PUBLIC_AND_AGENCY),
    "committee-members": (_members, "page_size", ("agency_admin",)),
}

# Extra API actions covered by their own tests (tests/test_api_matrix.py reads this).
ACTIONS_TESTED_ELSEWHERE = {
    ("qualifications", "elm"): "edureg/qualifications/tests/test_api.py (read-only Europass export)",
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    decision = CommitteeDecisionFactory()
    member = CommitteeMemberFactory(committee=decision.meeting.committee)
    qualification = QualificationFactory(competences=[CompetenceFactory(standard=decision.standard)])
    return {"qualifications": qualification.code, "professional-standards": decision.standard.pk,
            "competences": qualification.competences.first().code,
            "sectoral-committees": decision.meeting.committee.code, "committee-meetings": decision.meeting.pk,
            "committee-decisions": decision.pk, "committee-members": member.pk}
