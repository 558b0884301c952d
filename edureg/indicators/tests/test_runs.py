"""Indicator runs end to end on the small country of tests/world.py: status, observations, timings, flags; a failed
run leaves nothing; publishing, deleting, comparing; out-of-date detection; a run's queries do not grow with rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from edureg.datacollections.tests.factories import CollectionFactory, PeriodFactory, SubmissionFactory, ValueFactory
from edureg.indicators.choices import RunStatus
from edureg.indicators.models import IndicatorRun, Observation
from edureg.indicators.services import (
    changes_since,
    compare_runs,
    compute_now,
    delete_run,
    execute_run,
    publish_run,
    start_run,
)
from edureg.indicators.sources import load_sources
from edureg.indicators.tests import world
from edureg.indicators.tests.factories import IndicatorFactory, MeasureFactory
from edureg.learners.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the default language is Lithuanian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    return world.build()


@pytest.fixture
def catalogue(w):
    MeasureFactory(code="learners")
    MeasureFactory(code="learners_vet", filters=[["education", "eq", "vet"]])
    MeasureFactory(code="dropouts", source="leavers", filters=[["end_reason_group", "eq", "30"]])
    MeasureFactory(code="fte", source="staff", aggregation="sum", field="workload")
    return {
        "N": IndicatorFactory(code="N", numerator="learners", dimensions=["municipality", "sex"], threshold=1),
        "DROP": IndicatorFactory(code="DROP", numerator="dropouts", denominator="learners", factor=100, decimals=1,
                                 dimensions=["municipality", "education"], threshold=1),
        "PER-FTE": IndicatorFactory(code="PER-FTE", numerator="learners", denominator="fte", decimals=2,
                                    dimensions=["institution_type"], threshold=1, sensitive="none"),
        "SMALL": IndicatorFactory(code="SMALL", numerator="learners", dimensions=["municipality"]),  # threshold 5
        "VET-RATIO": IndicatorFactory(code="VET-RATIO", numerator="learners", denominator="learners_vet",
                                      dimensions=["municipality"], threshold=1),
    }


def cell(run, code, year=2025, **dims):
    return Observation.objects.get(run=run, indicator__code=code, year=year,
                                   **{d: dims.get(d, "") for d in ("county", "municipality", "institution_type",
                                                                    "ownership", "sex", "age_group", "isced_level",
                                                                    "education", "programme_kind")})


def test_a_run_computes_stores_and_times_every_indicator(catalogue):
    seen = []
    run = compute_now(progress=lambda percent, message: seen.append(percent))
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.progress == 100 and run.finished_at
    assert run.years == [2024, 2025, 2026]
    assert cell(run, "N").value == 9 and cell(run, "N", year=2024).value == 2 and cell(run, "N", year=2026).value == 1
    assert cell(run, "N", municipality="LT-19").value == 2
    assert cell(run, "N", municipality="LT-57", sex="F").value == 4
    drop = cell(run, "DROP", municipality="LT-57", education="vet")
    assert (drop.numerator, drop.denominator, drop.value) == (1, 3, 33.3)
    assert cell(run, "PER-FTE", institution_type="3140").value == pytest.approx(6 / 2.25, abs=0.005)
    assert cell(run, "PER-FTE").value == pytest.approx(9 / 4, abs=0.005)
    # Counts of 1..4 are suppressed (threshold 5), with the value kept in the table for the agency.
    small = cell(run, "SMALL", municipality="LT-19")
    assert small.flag == "suppressed" and small.value == 2
    assert cell(run, "SMALL", municipality="LT-57").flag in ("", "secondary")
    # No VET learners in LT-19: a zero denominator is a flag, not a crash.
    ratio = cell(run, "VET-RATIO", municipality="LT-19")
    assert ratio.flag == "zero_denominator" and ratio.value is None and ratio.numerator == 2
    timings = run.timings
    assert set(timings) == {"sources", "indicators", "write", "total"}
    assert set(timings["sources"]) == {"learners", "leavers", "staff"}
    assert set(timings["indicators"]) == set(catalogue)
    assert run.summary["observations"] == Observation.objects.filter(run=run).count()
    assert run.summary["flags"]["zero_denominator"] >= 1 and run.summary["flags"]["suppressed"] >= 1
    assert run.summary["years"] == [2024, 2025, 2026]
    # Leavers count only for school years that have ended: no dropout rate for 2026 yet.
    assert set(Observation.objects.filter(run=run, indicator__code="DROP").values_list("year", flat=True)) == {
        2024, 2025}
    assert run.change_position is not None
    assert seen[-1] == 100 and seen == sorted(seen)


def test_a_run_of_some_indicators_reads_only_their_sources(catalogue):
    run = compute_now(indicators=["N"])
    assert set(run.timings["sources"]) == {"learners"}
    assert set(Observation.objects.filter(run=run).values_list("indicator__code", flat=True)) == {"N"}
    with pytest.raises(ValidationError, match="Unknown indicator 'NOPE'|NOPE"):
        compute_now(indicators=["NOPE"])


def test_a_run_of_some_indicators_is_not_published(catalogue):
    """The public reads one run: publishing a partial one would hide every other indicator."""
    whole = publish_run(compute_now(), actor=None)
    part = compute_now(indicators=["N"])
    with translation.override("en"), pytest.raises(ValidationError, match="not published"):
        publish_run(part, actor=None)
    assert IndicatorRun.objects.published() == whole


def test_a_failed_run_leaves_no_observations(catalogue, monkeypatch):
    source = load_sources()["staff"]

    def broken(measures, years):
        raise RuntimeError("the registers are unreachable")

    monkeypatch.setattr(source, "build", broken)
    with pytest.raises(RuntimeError):
        compute_now()
    run = IndicatorRun.objects.get()
    assert run.status == RunStatus.FAILED and run.finished_at
    assert "the registers are unreachable" in run.message
    assert not Observation.objects.exists()
    assert "learners" in run.timings["sources"]  # timed up to the failure


def test_a_failure_while_writing_leaves_nothing(catalogue, monkeypatch):
    from edureg.indicators.services import runs

    calls = []
    original = runs.write_observations

    def fail_second(run, indicator, observations):
        calls.append(indicator.code)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(run, indicator, observations)

    monkeypatch.setattr(runs, "write_observations", fail_second)
    with pytest.raises(RuntimeError):
        compute_now()
    run = IndicatorRun.objects.get()
    assert run.status == RunStatus.FAILED and "disk full" in run.message
    assert not Observation.objects.exists()


def test_start_run_queues_a_job_that_computes(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(actor=None)
        assert run.status == RunStatus.QUEUED
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    assert Observation.objects.filter(run=run).exists()


def test_only_one_run_at_a_time_and_only_queued_runs_execute(catalogue):
    queued = start_run(actor=None)
    with pytest.raises(ValidationError, match="already queued or running"):
        start_run(actor=None)
    execute_run(queued)
    with pytest.raises(ValidationError, match="Only a queued indicator run"):
        execute_run(queued)
    assert start_run(actor=None).number == queued.number + 1


def test_publish_and_delete(catalogue):
    first = compute_now()
    second = compute_now()
    assert IndicatorRun.objects.published() is None
    publish_run(first, actor=None)
    assert IndicatorRun.objects.published() == first
    publish_run(second, actor=None)
    assert IndicatorRun.objects.published() == second
    with pytest.raises(ValidationError, match="publish another one first"):
        delete_run(second, actor=None)
    delete_run(first, actor=None)
    assert not IndicatorRun.objects.filter(pk=first.pk).exists()
    assert not Observation.objects.filter(run_id=first.pk).exists()
    assert Observation.objects.filter(run=second).exists()


def test_only_a_finished_run_is_published(catalogue, monkeypatch):
    monkeypatch.setattr(load_sources()["learners"], "build", lambda measures, years: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        compute_now()
    with pytest.raises(ValidationError, match="Only a finished run"):
        publish_run(IndicatorRun.objects.get(), actor=None)


def test_publishing_needs_the_permission(catalogue):
    from edureg.accounts.tests.factories import UserFactory

    run = compute_now()
    with pytest.raises(PermissionDenied, match="may not publish"):
        publish_run(run, actor=UserFactory())


def test_compare_runs_and_changes_since(w, catalogue):
    old = compute_now()
    assert changes_since(old) == 0
    EnrolmentFactory(institution=w["B"], group="1a", grade=1, isced_level=w["c"]["isced1"],
                     start_date=datetime.date(2025, 9, 1), person=world.person("F", datetime.date(2018, 3, 3)))
    assert changes_since(old) >= 2  # the person and the enrolment
    new = compute_now()
    assert changes_since(new) == 0
    result = compare_runs(old, new)
    n = result["indicators"]["N"]
    assert n["changed"] >= 3  # the total, LT-19 and LT-19 × F
    assert n["removed"] == 0
    biggest = n["largest"][0]
    assert biggest["new"] - biggest["old"] == 1
    assert result["totals"]["changed"] >= n["changed"]
    same = compare_runs(new, new)
    assert same["totals"]["changed"] == 0 and same["totals"]["added"] == 0


def test_library_indicators_only_in_years_with_reports(w):
    form = CollectionFactory(code="LIB-TEST")
    period = PeriodFactory(collection=form, year=2025)
    approved = SubmissionFactory(period=period, institution=w["L"], status="approved")
    ValueFactory(submission=approved, field=form.fields.get(code="users"), number=300)
    MeasureFactory(code="lib_users", source="collection", collection=form, aggregation="sum", field="users")
    MeasureFactory(code="population", source="population", aggregation="sum", field="population")
    MeasureFactory(code="learners")
    IndicatorFactory(code="COVERAGE", numerator="lib_users", denominator="population", factor=100,
                     dimensions=["county", "municipality"], sensitive="none")
    IndicatorFactory(code="N", numerator="learners", dimensions=["municipality"])
    run = compute_now()
    assert run.years == [2024, 2025, 2026]
    coverage = Observation.objects.filter(run=run, indicator__code="COVERAGE")
    assert set(coverage.values_list("year", flat=True)) == {2025}
    assert cell(run, "COVERAGE", municipality="LT-57").value == 30.0
    assert cell(run, "COVERAGE").value == 20.0  # 300 of 1500
    assert cell(run, "COVERAGE", municipality="LT-19").value == 0.0  # no library report there


def _run_queries() -> int:
    with CaptureQueriesContext(connection) as context:
        compute_now()
    return len(context.captured_queries)


def test_the_queries_of_a_run_do_not_grow_with_the_rows(w, catalogue):
    before = _run_queries()
    for n in range(40):
        EnrolmentFactory(institution=w["A" if n % 2 else "B"], group=f"{n % 3}c", grade=3,
                         isced_level=w["c"]["isced1"], start_date=datetime.date(2025, 9, 1),
                         person=world.person("F" if n % 3 else "M", datetime.date(2016, 1 + n % 12, 1)))
    after = _run_queries()
    assert after == before
    run = IndicatorRun.objects.order_by("-number").first()
    assert cell(run, "N").value == 49
