"""A small hand-built country for the fact-source and run tests, with the counts it should give written down.

Reference date of 2025: 2025-10-01. Two counties (LT-VL, LT-KU), two municipalities (LT-57 in LT-VL, population
1000; LT-19 in LT-KU, population 500). Institutions: A gymnasium (3140, municipal 20, LT-57), B gymnasium
(3140, non-state 30, LT-19), V vocational school (3220, 20, LT-57), L library (3410, 20, LT-57) and X, a gymnasium
liquidated on 2024-06-30 (operating in 2023, not in 2025).

Learners 2025 (main, open on 1 October): A 5a ×3 (F 11, F 11, M 11; ISCED 24), A 10a ×1 (M 16; ISCED 34),
B 1a ×2 (F 7, M 7; ISCED 1), V ×3 (F 17, M 26, F 18; ISCED 35; the last drops out in January, reason 31)
→ 9 learners: general 6, VET 3, non-state 2, ISCED level 3: 4, aged 25+: 1.
Not learners: a second (non-main) enrolment at A, an enrolment starting on 2025-11-01 at A (class 7b), one that
ended on 2025-09-15 (transferred, reason 20, at A).
Leavers 2025: the VET dropout (31) and the transfer (20) → 2 (dropped out 1, transferred 1).
Leavers 2024 (VET, completed, reason 10): Y1 has no VET enrolment in 2025 (programme completed), Y2 is the VET
learner M 26 of 2025 (not completed: continues) → programme_completed 1.
Classes 2025: A 5a, 10a; B 1a → 3 (A's 7b starts after the reference date).
Learners 2026: the continuing VET learner again (so the school year 2025 has ended: its leavers count).
Staff on 2025-10-01: P1 (M, born 1960, 65) A 1.00 teacher, B 0.50 teacher; P2 (F, born 1990, 35) A 0.75 teacher,
V 0.75 teacher (a tie: the first is the main job); P3 (F, born 1980, 45) L 1.00 librarian; P4 ended 2025-06-30.
→ 5 employments, 3 main jobs, FTE 4.00, teachers 4 (FTE 3.00).
"""

import datetime
from decimal import Decimal

from edureg.classifiers.tests.factories import ClassifierItemFactory, CodeListFactory, item
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory
from edureg.persons.tests.factories import PersonFactory

D = datetime.date


def classifiers() -> dict:
    counties = CodeListFactory(code="county")
    vl = ClassifierItemFactory(code_list=counties, code="LT-VL", name_lt="Vilniaus apskritis")
    ku = ClassifierItemFactory(code_list=counties, code="LT-KU", name_lt="Kauno apskritis")
    municipalities = CodeListFactory(code="municipality")
    c = {
        "LT-57": ClassifierItemFactory(code_list=municipalities, code="LT-57", parent=vl,
                                       extra={"population": 1000}),
        "LT-19": ClassifierItemFactory(code_list=municipalities, code="LT-19", parent=ku,
                                       extra={"population": 500}),
        "3140": item("institution_type", "3140", "Gimnazija", category="general"),
        "3220": item("institution_type", "3220", "Profesinė mokykla", category="vet"),
        "3410": item("institution_type", "3410", "Savivaldybės viešoji biblioteka", category="library"),
        "20": item("ownership", "20", "Savivaldybės"),
        "30": item("ownership", "30", "Nevalstybinė"),
        "teacher": item("position", "10", "Mokytojas", group="teacher"),
        "librarian": item("position", "40", "Bibliotekininkas", group="library"),
    }
    for code in ("1", "2", "3"):
        c[f"isced{code}"] = item("isced_level", code, f"ISCED {code}")
    isced = CodeListFactory(code="isced_level")
    for code, parent in (("24", "2"), ("34", "3"), ("35", "3")):
        c[f"isced{code}"] = ClassifierItemFactory(code_list=isced, code=code, parent=c[f"isced{parent}"])
    reasons = CodeListFactory(code="enrolment_end_reason")
    for code in ("10", "20", "30"):
        c[f"end{code}"] = ClassifierItemFactory(code_list=reasons, code=code)
    c["end31"] = ClassifierItemFactory(code_list=reasons, code="31", parent=c["end30"])
    return c


def person(sex: str, born: datetime.date):
    return PersonFactory(sex_code=sex, birth_date=born)


def build() -> dict:
    """The world described above; returns its named parts."""
    c = classifiers()
    w = {"c": c}
    w["A"] = InstitutionFactory(type=c["3140"], ownership=c["20"], municipality=c["LT-57"])
    w["B"] = InstitutionFactory(type=c["3140"], ownership=c["30"], municipality=c["LT-19"])
    w["V"] = InstitutionFactory(type=c["3220"], ownership=c["20"], municipality=c["LT-57"])
    w["L"] = InstitutionFactory(type=c["3410"], ownership=c["20"], municipality=c["LT-57"])
    w["X"] = InstitutionFactory(type=c["3140"], ownership=c["20"], municipality=c["LT-57"], status="liquidated",
                                liquidated_on=D(2024, 6, 30))
    start = D(2025, 9, 1)

    def enrol(institution, who, *, kind="general", group="", grade=None, isced="isced24", **fields):
        return EnrolmentFactory(person=who, institution=institution, kind=kind, group=group, grade=grade,
                                isced_level=c[isced], school_year=fields.pop("school_year", 2025),
                                start_date=fields.pop("start_date", start), **fields)

    for sex in ("F", "F", "M"):
        enrol(w["A"], person(sex, D(2014, 3, 3)), group="5a", grade=5)
    w["a10"] = enrol(w["A"], person("M", D(2009, 5, 5)), group="10a", grade=10, isced="isced34")
    for sex in ("F", "M"):
        enrol(w["B"], person(sex, D(2018, 2, 2)), group="1a", grade=1, isced="isced1")
    enrol(w["V"], person("F", D(2008, 1, 1)), kind="vet", isced="isced35")
    w["continuing"] = person("M", D(1999, 1, 1))
    enrol(w["V"], w["continuing"], kind="vet", isced="isced35")
    w["dropout"] = enrol(w["V"], person("F", D(2007, 6, 6)), kind="vet", isced="isced35",
                         end_date=D(2026, 1, 10), end_reason=c["end31"])
    # Not learners on 1 October 2025:
    enrol(w["A"], w["a10"].person, is_main=False, kind="non_formal", isced="isced34")
    enrol(w["A"], person("F", D(2012, 1, 1)), group="7b", grade=7, start_date=D(2025, 11, 1))
    enrol(w["A"], person("M", D(2012, 2, 2)), group="7a", grade=7, end_date=D(2025, 9, 15), end_reason=c["end20"])
    enrol(w["V"], w["continuing"], kind="vet", isced="isced35", school_year=2026, start_date=D(2026, 9, 1))
    # 2024 VET completers: one leaves VET, one continues.
    for who in (person("M", D(2005, 4, 4)), w["continuing"]):
        enrol(w["V"], who, kind="vet", isced="isced35", school_year=2024, start_date=D(2024, 9, 1),
              end_date=D(2025, 6, 30), end_reason=c["end10"])

    p1, p2, p3, p4 = (person("M", D(1960, 1, 1)), person("F", D(1990, 1, 1)), person("F", D(1980, 1, 1)),
                      person("F", D(1970, 1, 1)))
    teacher, librarian = c["teacher"], c["librarian"]
    EmploymentFactory(person=p1, institution=w["A"], position=teacher, workload=Decimal("1.00"))
    EmploymentFactory(person=p1, institution=w["B"], position=teacher, workload=Decimal("0.50"))
    EmploymentFactory(person=p2, institution=w["A"], position=teacher, workload=Decimal("0.75"))
    EmploymentFactory(person=p2, institution=w["V"], position=teacher, workload=Decimal("0.75"))
    EmploymentFactory(person=p3, institution=w["L"], position=librarian, workload=Decimal("1.00"))
    EmploymentFactory(person=p4, institution=w["A"], position=teacher, end_date=D(2025, 6, 30))
    return w


def total(frame, measure: str, **dims) -> float:
    """The frame's sum of a measure over the rows matching `dims` (and `year`)."""
    import numpy as np

    keep = np.ones(len(frame), dtype=bool)
    for name, value in dims.items():
        column = frame.year if name == "year" else frame.dims[name]
        keep &= column == value
    return float(frame.values[measure][keep].sum())
