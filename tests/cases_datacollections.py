"""The data-collection registers as cases for the generic admin and API suites (see tests/cases.py).

Forms (collections, sections, fields, rules) and periods are public and belong to no institution: each place gets a
fresh one, and the agency may do everything with them (a period is made being prepared, so that it can be deleted
and opened). Reports (submissions) and their answers (values) are "at" the place of their institution: the
institution officer sees and changes (through the report's steps) its own at a1, the municipality officer sees a1
and a2, the agency all of them. Reports are made by opening a period and answers are written through the report,
so neither is added, changed or deleted in the back-office or by plain API writes.

The report's steps need a report in a particular state and the right person (the respondent fills in and submits,
the agency returns and approves: both have the "change" right on a report, for different steps), so they are tested
role by role in edureg/datacollections/tests/test_api.py and test_services.py (ACTIONS_TESTED_ELSEWHERE below);
closing a period needs an open one and is tested there too.
"""

import datetime
import itertools

from edureg.core.testing.api import ApiAction, ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.datacollections.choices import PeriodStatus
from edureg.datacollections.models import Collection, Field, Period, Rule, Section, Submission, Value
from edureg.datacollections.tests.factories import (
    CollectionFactory,
    FieldFactory,
    PeriodFactory,
    RuleFactory,
    SectionFactory,
    SubmissionFactory,
    ValueFactory,
    library_type,
)

VIEW_ALL = Expect("v", "v", "v")
ALL = Expect("vcd", "vcd", "vcd", add=True)
PUBLIC = dict.fromkeys(("anonymous", "no_role", "public", "applicant", "expert", "institution_officer",
                        "municipality_officer"), VIEW_ALL)
AT_PLACE = {"institution_officer": Expect("v"), "municipality_officer": Expect("v", "v"), "agency_admin": VIEW_ALL}
_n = itertools.count(1)


def _inst(world, place):
    return getattr(world, place)


# --- makers -------------------------------------------------------------------------------------------------

def make_collection(world, place):
    return CollectionFactory()


def make_section(world, place):
    return SectionFactory()


def make_field(world, place):
    return FieldFactory()


def make_rule(world, place):
    return RuleFactory()


def make_period(world, place):
    return PeriodFactory(collection=CollectionFactory(), status=PeriodStatus.DRAFT)


def make_submission(world, place):
    return SubmissionFactory(period=PeriodFactory(collection=CollectionFactory()), institution=_inst(world, place))


def make_value(world, place):
    return ValueFactory(submission=make_submission(world, place))


def _later(days: int) -> str:
    return (datetime.date(2026, 3, 1) + datetime.timedelta(days=days % 300)).isoformat()


# --- admin forms --------------------------------------------------------------------------------------------

def _collection_add(world):
    return {"code": f"new-form-{next(_n)}", "name_lt": "Nauja ataskaita", "name_en": "New report", "version": 1,
            "respondent_types": [library_type()]}


def _section_add(world):
    return {"collection": CollectionFactory(fields=False), "code": "new-section", "name_lt": "Naujas skyrius",
            "name_en": "New section", "order": 3}


def _field_add(world):
    section = SectionFactory()
    return {"collection": section.collection, "section": section, "code": "new_field", "name_lt": "Naujas laukas",
            "name_en": "New field", "type": "decimal", "unit_en": "EUR", "required": True, "minimum": "0",
            "order": 1}


def _rule_add(world):
    return {"collection": CollectionFactory(), "code": "visits-per-user", "left": "visits", "operator": "le",
            "right": "users * 100", "severity": "warning", "message_lt": "Daug apsilankymų.",
            "message_en": "Many visits per user.", "order": 1}


def _period_add(world):
    return {"collection": CollectionFactory(), "year": 2030, "opens_on": "2031-01-05", "due_on": "2031-02-15"}


CASES = [
    Case(Collection, make=make_collection, expect={**PUBLIC, "agency_admin": ALL}, add_data=_collection_add,
         change_data=lambda w, o: {"name_en": f"Report (edit {next(_n)})"}),
    Case(Section, make=make_section, expect={**PUBLIC, "agency_admin": ALL}, add_data=_section_add,
         change_data=lambda w, o: {"name_en": f"Section (edit {next(_n)})"}),
    Case(Field, make=make_field, expect={**PUBLIC, "agency_admin": ALL}, add_data=_field_add,
         change_data=lambda w, o: {"name_en": f"Field (edit {next(_n)})"}),
    Case(Rule, make=make_rule, expect={**PUBLIC, "agency_admin": ALL}, add_data=_rule_add,
         change_data=lambda w, o: {"message_en": f"Check the visits (edit {next(_n)})."}),
    Case(Period, make=make_period, expect={**PUBLIC, "agency_admin": ALL}, add_data=_period_add,
         change_data=lambda w, o: {"due_on": _later(next(_n))}),
    Case(Submission, make=make_submission,
         expect={"institution_officer": Expect("vc"), "municipality_officer": Expect("v", "v"),
                 "agency_admin": Expect("vc", "vc", "vc")}),
    Case(Value, make=make_value, expect=AT_PLACE),
]


# --- the API ------------------------------------------------------------------------------------------------

def _collection_payload(world):
    library_type()
    return {"code": f"new-form-{next(_n)}", "name_lt": "Nauja ataskaita", "name_en": "New report",
            "respondent_types": ["3410"], "version": 1, "standard": "ISO 2789:2022"}


def _section_payload(world):
    return {"collection": CollectionFactory(fields=False).code, "code": "new-section", "name_lt": "Naujas skyrius",
            "name_en": "New section"}


def _field_payload(world):
    section = SectionFactory()
    return {"collection": section.collection.code, "section": section.code, "code": "new_field",
            "name_lt": "Naujas laukas", "name_en": "New field", "type": "integer", "minimum": "0"}


def _rule_payload(world):
    return {"collection": CollectionFactory().code, "code": "visits-per-user", "left": "visits", "operator": "le",
            "right": "users * 100", "severity": "warning", "message_lt": "Daug apsilankymų.",
            "message_en": "Many visits per user."}


def _period_payload(world):
    return {"collection": CollectionFactory().code, "year": 2030, "opens_on": "2031-01-05", "due_on": "2031-02-15"}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["datacollections.collection"], "collections", lookup=lambda o: o.code, key="code",
                create=_collection_payload, update=lambda w, o: {"name_en": f"Report (edit {next(_n)})"}),
        ApiCase(case["datacollections.section"], "collection-sections", create=_section_payload,
                update=lambda w, o: {"name_en": f"Section (edit {next(_n)})"}),
        ApiCase(case["datacollections.field"], "collection-fields", create=_field_payload,
                update=lambda w, o: {"name_en": f"Field (edit {next(_n)})"}),
        ApiCase(case["datacollections.rule"], "collection-rules", create=_rule_payload,
                update=lambda w, o: {"message_en": f"Check the visits (edit {next(_n)})."}),
        ApiCase(case["datacollections.period"], "collection-periods", create=_period_payload,
                update=lambda w, o: {"due_on": _later(next(_n))},
                actions=(ApiAction("open", lambda w, o: {}),)),
        ApiCase(case["datacollections.submission"], "collection-submissions"),
        ApiCase(case["datacollections.value"], "collection-values"),
    ]


ACTIONS_TESTED_ELSEWHERE = {
    ("collection-submissions", name): "edureg/datacollections/tests/test_api.py (a report's steps, role by role)"
    for name in ("save-values", "submit", "return", "approve", "validate")
}
ACTIONS_TESTED_ELSEWHERE[("collection-periods", "close")] = "edureg/datacollections/tests/test_api.py (an open period)"


# --- list query counts --------------------------------------------------------------------------------------

def _collections(world, n):
    library_type()
    for _ in range(n):
        collection = CollectionFactory()
        RuleFactory(collection=collection)


def _sections(world, n):
    collection = CollectionFactory(fields=False)
    for i in range(n):
        SectionFactory(collection=collection, code=f"s{i}")


def _fields(world, n):
    section = SectionFactory()
    for i in range(n):
        FieldFactory(section=section, code=f"f{i}")


def _rules(world, n):
    for _ in range(n):
        RuleFactory()


def _periods(world, n):
    for year in range(2000, 2000 + n):
        PeriodFactory(collection=CollectionFactory(), year=year)


def _submissions(world, n):
    for _ in range(n):
        submission = make_submission(world, "a1")
        ValueFactory(submission=submission)
        ValueFactory(submission=submission, field=submission.period.collection.fields.get(code="visits"))


def _values(world, n):
    for _ in range(n):
        ValueFactory(submission=make_submission(world, "a1"))


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "collections": (_collections, "page_size", ("anonymous", "agency_admin")),
    "collection-sections": (_sections, "page_size", ("anonymous", "agency_admin")),
    "collection-fields": (_fields, "page_size", ("anonymous", "agency_admin")),
    "collection-rules": (_rules, "page_size", ("anonymous", "agency_admin")),
    "collection-periods": (_periods, "page_size", ("anonymous", "agency_admin")),
    "collection-submissions": (_submissions, "page_size", ("institution_officer", "municipality_officer",
                                                           "agency_admin")),
    "collection-values": (_values, "page_size", ("institution_officer", "agency_admin")),
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    value = make_value(world, "a1")
    submission = value.submission
    collection = submission.period.collection
    return {"collections": collection.code, "collection-sections": collection.sections.first().pk,
            "collection-fields": value.field_id, "collection-rules": RuleFactory(collection=collection).pk,
            "collection-periods": submission.period_id, "collection-submissions": submission.pk,
            "collection-values": value.pk}
