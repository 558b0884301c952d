"""Fact sources on a small hand-built country (tests/world.py): counts, sums, dimensions and filters, as GROUP BY
queries whose number does not grow with the rows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationResultFactory,
    InvitationFactory,
    OfferFactory,
    OfferResultFactory,
    RoundFactory,
)
from edureg.datacollections.tests.factories import (
    CollectionFactory,
    FieldFactory,
    PeriodFactory,
    SubmissionFactory,
    ValueFactory,
)
from edureg.indicators.models import Measure
from edureg.indicators.sources import load_sources
from edureg.indicators.sources.sql import age_q, reference_date
from edureg.indicators.tests import world
from edureg.indicators.tests.world import total
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the default language is Lithuanian)."""
    with translation.override("en"):
        yield


def measure(code="m", *, source="learners", aggregation="count", field="", filters=(), collection=None):
    return Measure(code=code, name_lt=code, name_en=code, source=source, aggregation=aggregation, field=field,
                   filters=[list(f) for f in filters], collection=collection)


def frame(source, *measures, years=(2025,)):
    return load_sources()[source].frame(list(measures), list(years))


@pytest.fixture
def w():
    return world.build()


# --- learners -----------------------------------------------------------------------------------------------------

def test_learners_counts_main_enrolments_open_on_the_reference_date(w):
    f = frame("learners", measure("n"), measure("age", aggregation="sum", field="age"))
    assert set(f.dims) == {"county", "municipality", "institution_type", "ownership", "sex", "age_group",
                           "isced_level", "education"}
    assert total(f, "n") == 9
    assert total(f, "n", education="general") == 6
    assert total(f, "n", education="vet") == 3
    assert total(f, "n", ownership="30") == 2
    assert total(f, "n", county="LT-KU") == 2 and total(f, "n", municipality="LT-57") == 7
    assert total(f, "n", institution_type="3220") == 3
    assert (total(f, "n", isced_level="1"), total(f, "n", isced_level="2"), total(f, "n", isced_level="3")) == (2, 3, 4)
    assert total(f, "n", sex="F") == 5 and total(f, "n", sex="M") == 4
    assert total(f, "n", age_group="7-10") == 2
    assert total(f, "n", age_group="11-14") == 3
    assert total(f, "n", age_group="15-19") == 3
    assert total(f, "n", age_group="25-29") == 1
    assert total(f, "age") == 3 * 11 + 16 + 2 * 7 + 17 + 26 + 18
    assert set(f.year.tolist()) == {2025}


def test_learners_of_another_year_use_its_reference_date(w):
    f = frame("learners", measure("n"), years=(2024, 2025))
    assert total(f, "n", year=2024) == 2  # the two VET learners of 2024 (open on 2024-10-01)
    assert total(f, "n", year=2025) == 9
    assert total(f, "n", year=2024, age_group="25-29") == 1  # born 1999-01-01: 25 on 2024-10-01


@pytest.mark.parametrize(("filters", "expected"), [
    ([["education", "eq", "vet"]], 3),
    ([["education", "in", ["vet", "general"]]], 9),
    ([["education", "ne", "vet"]], 6),
    ([["age", "ge", 25]], 1),
    ([["age", "lt", 12]], 5),
    ([["age", "le", 11]], 5),
    ([["age", "gt", 17]], 2),
    ([["age", "eq", 7]], 2),
    ([["age", "ne", 7]], 7),
    ([["age", "ge", 16.5]], 3),
    ([["age", "eq", 7.5]], 0),
    ([["age", "in", ["7", "16"]]], 3),
    ([["isced_main_level", "eq", "3"]], 4),
    ([["isced_level", "in", ["34", "35"]]], 4),
    ([["isced_level", "eq", "3"]], 0),  # as stored: nobody is enrolled at the level itself
    ([["institution_category", "eq", "general"]], 6),
    ([["institution_category", "not_in", ["general"]]], 3),
    ([["institution_type", "eq", "3220"]], 3),
    ([["grade", "ge", 5]], 4),
    ([["grade", "in", ["1", "5"]]], 5),
    ([["ownership", "not_in", ["30"]]], 7),
    ([["in_class", "eq", True]], 6),
    ([["in_class", "ne", True]], 3),
    ([["sex", "eq", "F"], ["education", "eq", "vet"]], 2),
    ([["county", "eq", "LT-VL"]], 7),
])
def test_learner_filters(w, filters, expected):
    m = measure("n", filters=filters)
    m.full_clean()  # every filter of the table is a valid one
    assert total(frame("learners", m), "n") == expected


def test_age_thresholds_follow_the_reference_date():
    from edureg.persons.models import Person

    assert reference_date(2025) == datetime.date(2025, 10, 1)
    fifteen = PersonFactory(birth_date=datetime.date(2010, 10, 1))  # 15 on 2025-10-01
    PersonFactory(birth_date=datetime.date(2010, 10, 2))  # still 14
    PersonFactory(birth_date=datetime.date(2009, 10, 2))  # 15 too
    sixteen = PersonFactory(birth_date=datetime.date(2009, 10, 1))

    def ages(op, value):
        return set(Person.objects.filter(age_q("birth_date", 2025, op, value)).values_list("pk", flat=True))

    assert len(ages("eq", 15)) == 2 and fifteen.pk in ages("eq", 15)
    assert ages("ge", 16) == {sixteen.pk}
    assert len(ages("lt", 15)) == 1


# --- leavers ------------------------------------------------------------------------------------------------------

def test_leavers_by_end_reason_group_and_programme_completion(w):
    f = frame("leavers", measure("n"), measure("dropped", source="leavers", filters=[["end_reason_group", "eq", "30"]]),
              measure("moved", source="leavers", filters=[["end_reason_group", "eq", "20"]]),
              measure("r31", source="leavers", filters=[["end_reason", "eq", "31"]]),
              measure("done", source="leavers", filters=[["programme_completed", "eq", True]]),
              measure("not_done", source="leavers", filters=[["programme_completed", "eq", False]]),
              years=(2024, 2025))
    assert total(f, "n", year=2025) == 2
    assert total(f, "dropped", year=2025) == 1 and total(f, "moved", year=2025) == 1
    assert total(f, "r31", year=2025) == 1
    assert total(f, "dropped", year=2025, education="vet", sex="F") == 1
    assert total(f, "n", year=2024) == 2
    assert total(f, "done", year=2024) == 1  # the other continues in VET in 2025
    assert total(f, "not_done", year=2024) == 1
    assert total(f, "done", year=2025) == 0


def test_leavers_count_only_school_years_that_have_ended(w):
    sources = load_sources()
    assert sources["learners"].years() == [2024, 2025, 2026]
    assert sources["leavers"].years() == [2024, 2025]
    assert sources["population"].years is None  # every year of the run


# --- classes ------------------------------------------------------------------------------------------------------

def test_classes_are_distinct_classes_of_each_institution(w):
    # Another institution's 5a is another class.
    EnrolmentFactory(person=PersonFactory(birth_date=datetime.date(2014, 1, 1)), institution=w["B"], group="5a",
                     grade=5, isced_level=w["c"]["isced24"], start_date=datetime.date(2025, 9, 1))
    f = frame("classes", measure("n", source="classes"), measure("upper", source="classes",
                                                                  filters=[["grade", "ge", 5]]))
    assert set(f.dims) == {"county", "municipality", "institution_type", "ownership"}
    assert total(f, "n") == 4  # A: 5a, 10a; B: 1a, 5a (A's 7b starts after 1 October)
    assert total(f, "n", ownership="30") == 2
    assert total(f, "upper") == 3


# --- staff --------------------------------------------------------------------------------------------------------

def test_staff_counts_sums_and_main_jobs(w):
    f = frame("staff", measure("jobs", source="staff"),
              measure("persons", source="staff", filters=[["main_job", "eq", True]]),
              measure("fte", source="staff", aggregation="sum", field="workload"),
              measure("teachers_fte", source="staff", aggregation="sum", field="workload",
                      filters=[["position_group", "eq", "teacher"]]),
              measure("old", source="staff", filters=[["main_job", "eq", True], ["age", "ge", 60]]),
              measure("ages", source="staff", aggregation="sum", field="age", filters=[["main_job", "eq", True]]))
    assert total(f, "jobs") == 5
    assert total(f, "persons") == 3
    assert total(f, "persons", institution_type="3140") == 2  # P1 and P2 at A (P2's tie goes to the first job)
    assert total(f, "persons", municipality="LT-19") == 0
    assert total(f, "fte") == pytest.approx(4.0)
    assert total(f, "teachers_fte") == pytest.approx(3.0)
    assert total(f, "jobs", sex="M") == 2 and total(f, "jobs", age_group="60+") == 2
    assert total(f, "old") == 1
    assert total(f, "ages") == 65 + 35 + 45


def test_staff_main_job_is_the_largest_workload(w):
    from edureg.pedagogues.models import Employment

    p2_at_v = Employment.objects.get(institution=w["V"])
    p2_at_v.workload = "1.00"
    p2_at_v.save()
    f = frame("staff", measure("persons", source="staff", filters=[["main_job", "eq", True]]))
    assert total(f, "persons", institution_type="3220") == 1
    assert total(f, "persons") == 3


# --- institutions, population -------------------------------------------------------------------------------------

def test_institutions_operating_on_the_reference_date(w):
    f = frame("institutions", measure("n", source="institutions"),
              measure("schools", source="institutions", filters=[["institution_category", "eq", "general"]]),
              years=(2023, 2025))
    assert total(f, "n", year=2025) == 4 and total(f, "n", year=2023) == 5  # X was liquidated in 2024
    assert total(f, "schools", year=2025) == 2
    assert total(f, "n", year=2025, ownership="30") == 1


def test_population_from_the_municipality_classifier(w):
    f = frame("population", measure("pop", source="population", aggregation="sum", field="population"),
              measure("municipalities", source="population"), years=(2024, 2025))
    assert set(f.dims) == {"county", "municipality"}
    assert total(f, "pop", year=2025) == 1500 and total(f, "pop", year=2024) == 1500
    assert total(f, "pop", county="LT-KU", year=2025) == 500
    assert total(f, "municipalities", year=2025) == 2


# --- admission ----------------------------------------------------------------------------------------------------

@pytest.fixture
def admission(w):
    round_ = RoundFactory(status="published", year=2026)
    run = AllocationRunFactory(round=round_)
    old = AllocationRunFactory(round=round_, is_current=False)
    state = OfferFactory(round=round_, offering__version__programme__provider=w["V"])
    paid = OfferFactory(round=round_, funding="paid", offering__version__programme__provider=w["B"])
    OfferResultFactory(run=run, offer=state, places=20, applicants=30, first_preference=15, invited=18)
    OfferResultFactory(run=run, offer=paid, places=10, applicants=4, first_preference=3, invited=2)
    OfferResultFactory(run=old, offer=state, places=99, applicants=99, first_preference=99, invited=99)
    for status in ("signed", "signed", "invited"):
        invitation = InvitationFactory(run=run, offer=state)
        invitation.status = status
        invitation.save()
    ignored = InvitationFactory(run=old, offer=state)
    ignored.status = "signed"
    ignored.save()
    ApplicationResultFactory(run=run, offer=state, rank=1,
                             application__person=world.person("F", datetime.date(2010, 5, 5)))
    ApplicationResultFactory(run=run, offer=paid, rank=2,
                             application__person=world.person("M", datetime.date(2010, 5, 5)))
    ApplicationResultFactory(run=run, offer=None, rank=None,
                             application__person=world.person("M", datetime.date(2000, 5, 5)))
    ApplicationResultFactory(run=old, offer=state, rank=1)
    # A round whose results are not published gives nothing.
    hidden = AllocationRunFactory(round=RoundFactory(status="allocated", year=2026), published_at=None)
    OfferResultFactory(run=hidden, places=50)
    return {"round": round_, "run": run, "state": state, "paid": paid}


def test_admission_offers_of_the_current_published_run(admission):
    m = [measure(f, source="admission_offers", aggregation="sum", field=f)
         for f in ("places", "applicants", "first_preference", "invited", "signed")]
    f = frame("admission_offers", *m, measure("offers", source="admission_offers"),
              measure("state_places", source="admission_offers", aggregation="sum", field="places",
                      filters=[["funding", "eq", "state"]]), years=(2026,))
    assert set(f.dims) == {"county", "municipality", "institution_type", "ownership", "programme_kind"}
    assert total(f, "places") == 30 and total(f, "applicants") == 34
    assert total(f, "first_preference") == 18 and total(f, "invited") == 20
    assert total(f, "signed") == 2
    assert total(f, "offers") == 2 and total(f, "state_places") == 20
    assert total(f, "places", ownership="30", municipality="LT-19") == 10
    assert total(f, "signed", institution_type="3220") == 2
    assert total(f, "places", programme_kind="initial_vet") == 30
    assert load_sources()["admission_offers"].years() == [2026]


def test_admission_applicants(admission):
    f = frame("admission_applicants", measure("n", source="admission_applicants"),
              measure("invited", source="admission_applicants", filters=[["invited", "eq", True]]),
              measure("first", source="admission_applicants", filters=[["invited_rank", "eq", 1]]),
              years=(2026,))
    assert total(f, "n") == 3 and total(f, "invited") == 2 and total(f, "first") == 1
    assert total(f, "n", sex="M") == 2
    assert total(f, "n", age_group="25-29") == 1  # born 2000-05-05: 26 on 2026-10-01


# --- data collections ---------------------------------------------------------------------------------------------

@pytest.fixture
def library_form(w):
    form = CollectionFactory(code="LIB-TEST")
    FieldFactory(collection=form, section=form.sections.first(), code="note", type="text")
    period = PeriodFactory(collection=form, year=2025)
    approved = SubmissionFactory(period=period, institution=w["L"], status="approved")
    ValueFactory(submission=approved, field=form.fields.get(code="users"), number=300)
    ValueFactory(submission=approved, field=form.fields.get(code="visits"), number=5000)
    pending = SubmissionFactory(period=period, status="submitted")
    ValueFactory(submission=pending, field=form.fields.get(code="users"), number=777)
    return form


def test_collection_sums_approved_values(library_form, w):
    f = frame("collection", measure("users", source="collection", aggregation="sum", field="users",
                                    collection=library_form),
              measure("visits", source="collection", aggregation="sum", field="visits", collection=library_form),
              measure("libraries", source="collection", collection=library_form), years=(2024, 2025))
    assert total(f, "users") == 300 and total(f, "visits") == 5000 and total(f, "libraries") == 1
    assert total(f, "users", year=2025, municipality="LT-57", institution_type="3410") == 300
    assert load_sources()["collection"].years() == [2025]


def test_population_served_counts_only_the_municipalities_of_approved_reports(library_form, w):
    """The pending report's municipality is not in the denominator of per-resident indicators."""
    municipality = w["L"].municipality
    expected = municipality.extra["population"]
    f = frame("collection", measure("served", source="collection", aggregation="sum", field="population_served",
                                    collection=library_form),
              measure("users", source="collection", aggregation="sum", field="users", collection=library_form))
    assert total(f, "served") == expected > 0
    assert total(f, "served", municipality=municipality.code) == expected and total(f, "users") == 300


def test_collection_measure_sums_only_numeric_fields_of_its_collection(library_form):
    good = measure("users", source="collection", aggregation="sum", field="users", collection=library_form)
    good.full_clean()
    bad = measure("note", source="collection", aggregation="sum", field="note", collection=library_form)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "users, visits" in str(error.value.message_dict["field"])
    without = measure("x", source="collection", aggregation="sum", field="users")
    with pytest.raises(ValidationError) as error:
        without.full_clean()
    assert "collection" in error.value.message_dict


# --- measure checks -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "key", "text"), [
    ({"filters": [["colour", "eq", "x"]]}, "filters", "has no field 'colour'"),
    ({"filters": [["main_job", "eq", True]]}, "filters", "has no field 'main_job'"),  # a staff field
    ({"filters": [["in_class", "gt", True]]}, "filters", "operator 'gt' does not apply"),
    ({"filters": [["age", "ge", "25"]]}, "filters", "is not a number"),
    ({"filters": [["education", "in", "vet"]]}, "filters", "takes a list of codes"),
    ({"filters": [["education", "eq"]]}, "filters", "is not [field, operator, value]"),
    ({"aggregation": "sum", "field": "workload"}, "field", "cannot sum 'workload'"),
    ({"source": "nowhere"}, "source", "Unknown source"),
])
def test_measure_clean_names_the_problem(fields, key, text):
    with pytest.raises(ValidationError) as error:
        measure("m", **fields).full_clean()
    assert text in " ".join(error.value.message_dict[key])


def test_every_source_is_registered_with_its_contract_dimensions():
    sources = load_sources()
    assert set(sources) >= {"learners", "leavers", "staff", "institutions", "population", "admission_offers",
                            "admission_applicants", "collection", "classes"}
    assert sources["staff"].sum_fields == ("workload", "age")
    assert sources["leavers"].filter_fields["programme_completed"] == "bool"
    assert sources["learners"].filter_fields["institution_category"] == "code"


# --- set-based --------------------------------------------------------------------------------------------------

def _queries(source, measures, years):
    with CaptureQueriesContext(connection) as context:
        frame(source, *measures, years=years)
    return len(context.captured_queries)


def test_a_source_runs_one_query_per_year_whatever_the_rows_and_measures(w):
    one = [measure("n")]
    many = [measure("n"), measure("vet", filters=[["education", "eq", "vet"]]),
            measure("age", aggregation="sum", field="age"), measure("old", filters=[["age", "ge", 16]])]
    assert _queries("learners", one, (2024, 2025)) == 2
    assert _queries("learners", many, (2024, 2025)) == 2
    for n in range(30):
        EnrolmentFactory(institution=w["B"], group=f"{n % 4}b", isced_level=w["c"]["isced1"],
                         start_date=datetime.date(2025, 9, 1))
    assert _queries("learners", many, (2024, 2025)) == 2
    assert total(frame("learners", measure("n")), "n") == 39
    staff = [measure("p", source="staff", filters=[["main_job", "eq", True]]),
             measure("f", source="staff", aggregation="sum", field="workload")]
    assert _queries("staff", staff, (2025,)) == 1
    assert _queries("leavers", [measure("d", source="leavers", filters=[["programme_completed", "eq", True]])],
                    (2024, 2025)) == 2
