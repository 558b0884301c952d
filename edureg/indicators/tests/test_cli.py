"""`edureg indicators ...`: load, compute, publish, status, compare, summary; bad input gives a clear error and a
non-zero exit."""

import io
import sys
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from edureg.classifiers.tests.factories import item
from edureg.indicators.models import Indicator, IndicatorRun
from edureg.indicators.tests import world
from edureg.learners.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    item("institution_type", "3410", "Savivaldybės viešoji biblioteka", category="library")
    w = world.build()
    run("load")
    return w


def test_load_twice(loaded):
    assert "indicators: 0 created, 0 updated, " in run("load")
    assert Indicator.objects.count() >= 28


def test_load_a_bad_file(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="the catalogue is a JSON object"):
        run("load", "--file", str(bad))


def test_compute_publish_status_compare(loaded):
    out = run("compute", "--publish")
    assert "Run #1 finished: " in out and "Run #1 published." in out
    assert "source learners" in out and "indicator PED-RATIO" in out and "write" in out
    assert IndicatorRun.objects.published().number == 1
    run("compute", "--indicator", "LRN-TOTAL")
    status = run("status")
    assert "#2 finished" in status and "#1 finished (published)" in status and "up to date" in status
    with pytest.raises(CommandError, match="not published"):
        run("publish", "--run", "2")  # a run of some indicators
    run("compute")
    assert "Run #3 published." in run("publish")
    compare = run("compare", "1", "2")
    assert compare.startswith("Run #1 → #2:") and "removed" in compare
    assert '"PED-RATIO"' in run("compare", "1", "2", "--json")


def test_compute_if_changed_only_after_a_change(loaded):
    assert "Run #1 published." in run("compute", "--if-changed", "--publish")  # nothing published yet
    assert "up to date; nothing to compute" in run("compute", "--if-changed", "--publish")
    assert IndicatorRun.objects.count() == 1
    EnrolmentFactory(institution=loaded["A"], school_year=2025)
    assert "Run #2 published." in run("compute", "--if-changed", "--publish")


@pytest.mark.parametrize(("args", "message"), [
    (("compute", "--indicator", "NOPE"), "Unknown indicator NOPE"),
    (("publish", "--run", "99"), "No run #99."),
    (("publish",), "No finished run to publish"),
    (("compare", "1", "2"), "No run #1."),
    (("summary", "--year", "2025", "--format", "docx", "--output", "x"), "invalid choice"),
])
def test_bad_input_is_refused(loaded, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_failed_compute_exits_with_the_error(loaded, monkeypatch):
    from edureg.indicators.sources import load_sources

    monkeypatch.setattr(load_sources()["learners"], "build", lambda measures, years: 1 / 0)
    with pytest.raises(CommandError, match="The run failed: ZeroDivisionError"):
        run("compute", "--indicator", "LRN-TOTAL")
    assert IndicatorRun.objects.get().status == "failed"


def test_summary_calls_the_writer(monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("edureg.indicators.summary")
    fake.write_summary = lambda path, **kwargs: calls.append((path, kwargs))
    monkeypatch.setitem(sys.modules, "edureg.indicators.summary", fake)
    output = tmp_path / "s.pdf"
    out = run("summary", "--year", "2025", "--municipality", "LT-57", "--format", "pdf", "--output", str(output))
    assert calls == [(str(output), {"year": 2025, "municipality": "LT-57", "fmt": "pdf"})]
    assert "written to" in out


def test_summary_without_a_published_run_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No indicator run is published"):
        run("summary", "--year", "2025", "--output", str(tmp_path / "s.xlsx"))
    assert not (tmp_path / "s.xlsx").exists()
