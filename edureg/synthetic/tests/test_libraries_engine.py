"""The libraries' annual statistics (engine/libraries.py), without a database."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edureg.datacollections.engine.validation import FieldSpec, RuleSpec, validate
from edureg.synthetic.engine.libraries import (
    LAST_YEAR_SHARES,
    NUMERIC,
    SECTIONS,
    draft_sections,
    last_year_statuses,
    library_statistics,
    rule_failures,
)
from edureg.synthetic.engine.tables import stream
from edureg.synthetic.tests.test_engine import municipalities

YEARS = range(2021, 2026)
FORM = Path(__file__).resolve().parents[2] / "datacollections" / "data" / "library_annual.json"


def country_libraries():
    munis = municipalities()
    population = np.array([m.population for m in munis])
    city = np.array([m.kind == "city" for m in munis])
    # Service points as the national register has them: 1200 branches by the square root of the population.
    points = 1 + np.round(1200 * np.sqrt(population) / np.sqrt(population).sum()).astype(np.int64)
    return population, points, city


@pytest.fixture(scope="module", params=[1, 2, 3])
def national(request):
    population, points, city = country_libraries()
    stats = library_statistics(stream(request.param, "libraries"), population, points, YEARS, city=city)
    return stats, population, points


def table(stats, code: str) -> np.ndarray:
    """library × year"""
    return getattr(stats, code).astype(float).reshape(-1, len(YEARS))


def the_form():
    """The shipped LIB-ANNUAL definition as the form's validation engine takes it."""
    data = json.loads(FORM.read_text(encoding="utf-8"))
    fields = [FieldSpec(f["code"], type=f["type"], required=f.get("required", True), minimum=f.get("minimum", 0))
              for section in data["sections"] for f in section["fields"]]
    rules = [RuleSpec(r["code"], r["left"], r["operator"], r["right"], r["severity"]) for r in data["rules"]]
    return fields, rules


def test_one_row_per_library_and_year_with_every_field_of_the_form(national):
    stats, population, points = national
    assert len(stats) == 60 * 5
    assert stats.library.tolist() == np.repeat(np.arange(60), 5).tolist()
    assert stats.year.tolist() == list(YEARS) * 60
    fields, _rules = the_form()
    assert [code for _section, codes in SECTIONS for code, _kind in codes] == [f.code for f in fields]
    assert (stats.service_points == np.repeat(points, 5)).all()
    for code in NUMERIC:
        column = getattr(stats, code)
        assert (column >= 0).all() and np.isfinite(column.astype(float)).all(), code


def test_the_error_rules_hold_on_every_row(national):
    stats, _population, _points = national
    assert {rule: len(rows) for rule, rows in rule_failures(stats).items()} == dict.fromkeys(rule_failures(stats), 0)
    assert (stats.active_users <= stats.registered_users).all()
    assert (stats.registered_users_children <= stats.registered_users).all()
    assert (stats.librarians_fte <= stats.staff_fte).all()
    assert (stats.expenditure_acquisitions + stats.expenditure_staff <= stats.expenditure_total).all()
    assert (stats.additions <= stats.collection_units).all()
    assert (stats.service_points >= 1).all()
    assert (stats.event_participants >= stats.events).all()


def test_the_forms_own_validation_finds_no_error_and_warns_only_about_renovations(national):
    """The shipped form's rules, checked by the collections' validation engine, row by row with last year's values:
    no errors; the change warnings only where a central library closed for a renovation or reopened."""
    stats, _population, _points = national
    fields, rules = the_form()
    previous = None
    warned = []
    for row in range(len(stats)):
        values = stats.values(row)
        if row and stats.library[row] != stats.library[row - 1]:
            previous = None
        report = validate(fields, rules, values, previous)
        assert report.errors == [], (row, report.errors)
        if report.warnings:
            warned.append((row, str(stats.event[row]), sorted(report.warning_rules())))
        previous = values
    assert warned, "no renovation in the national country"
    for row, event, rules_failed in warned:
        assert event in ("renovation", "reopened"), (row, rules_failed)
        assert rules_failed == ["loans_change", "physical_visits_change"]
    assert {event for _row, event, _r in warned} == {"renovation", "reopened"}


def within(values: np.ndarray, low: float, high: float) -> bool:
    """All values in [low, high], give or take the rounding to whole units."""
    return bool(((values >= low * 0.999) & (values <= high * 1.001)).all())


def test_magnitudes_follow_the_population(national):
    stats, population, _points = national
    p = population[:, None]
    usual = stats.event.reshape(-1, 5) == ""
    first = np.s_[:, 0]  # the first year: the levels before any change
    registered = table(stats, "registered_users") / p
    assert within(registered[first], 0.15, 0.25) and within(registered, 0.09, 0.36)
    visits = table(stats, "physical_visits") / p
    assert within(visits[first], 4, 8) and within(visits[usual], 2.5, 12.5)
    loans = table(stats, "loans") / p
    assert within(loans[first], 3, 6) and within(loans[usual], 1.6, 9)
    collection = table(stats, "collection_units") / p  # the first year's additions and withdrawals counted in
    assert within(collection[first], 4.7, 9.3) and within(collection, 4.3, 10.3)
    staff = table(stats, "staff_fte") / p * 10_000
    assert within(np.median(staff, axis=0), 6, 12)
    spend = table(stats, "expenditure_total") / p
    assert within(spend[first], 15, 30) and within(spend, 10, 55)
    # National totals of the last year, in the orders of magnitude of Lithuania's public libraries.
    last = stats.year == 2025
    total = population.sum()
    assert 0.17 < stats.registered_users[last].sum() / total < 0.23
    assert 4.5 < stats.physical_visits[last].sum() / total < 8
    assert 3 < stats.loans[last].sum() / total < 6
    assert 15 < stats.expenditure_total[last].sum() / total < 35
    # The parts of the expenditure and the staff.
    assert (stats.expenditure_staff / stats.expenditure_total > 0.55).all()
    assert (stats.librarians_fte / stats.staff_fte > 0.5).all()


def test_year_on_year_changes_are_mostly_small_with_a_few_larger_ones(national):
    stats, _population, _points = national
    usual = (stats.event.reshape(-1, 5) == "")[:, 1:]
    for code in ("registered_users", "physical_visits", "loans", "expenditure_total", "events"):
        values = table(stats, code)
        change = np.abs(values[:, 1:] / values[:, :-1] - 1)
        assert (change <= 0.1 + 1e-6).mean() >= 0.85, code
        larger = change[usual] > 0.1 + 1e-6
        assert larger.any(), code
        assert (change[usual] < 0.5).all(), code


def test_the_collection_is_last_years_plus_additions_minus_withdrawals(national):
    stats, _population, _points = national
    units, added, removed = (table(stats, c) for c in ("collection_units", "additions", "withdrawals"))
    assert (units[:, 1:] == units[:, :-1] + added[:, 1:] - removed[:, 1:]).all()
    assert ((added / units > 0.02) & (added / units < 0.08)).all()


def test_same_seed_same_rows_other_seed_other_rows():
    population, points, city = country_libraries()
    a = library_statistics(stream(3, "libraries"), population, points, YEARS, city=city)
    b = library_statistics(stream(3, "libraries"), population, points, YEARS, city=city)
    c = library_statistics(stream(4, "libraries"), population, points, YEARS, city=city)
    for name in a.__dataclass_fields__:
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    assert a.registered_users.tolist() != c.registered_users.tolist()
    assert last_year_statuses(stream(3, "s"), 60, demo=5).tolist() == last_year_statuses(
        stream(3, "s"), 60, demo=5).tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1_000, 700_000), st.integers(1, 60), st.booleans()), min_size=1, max_size=12),
       st.integers(1, 6), st.integers(0, 2**31))
def test_any_country_satisfies_the_rules(libraries, years, seed):
    population = np.array([lib[0] for lib in libraries])
    points = np.array([lib[1] for lib in libraries])
    city = np.array([lib[2] for lib in libraries])
    stats = library_statistics(np.random.default_rng(seed), population, points, range(2020, 2020 + years), city=city)
    assert len(stats) == len(libraries) * years
    assert all(len(rows) == 0 for rows in rule_failures(stats).values())
    assert (stats.event_participants >= stats.events).all()
    assert (stats.staff_fte >= 1.5).all() and (stats.events >= 1).all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="population"):
        library_statistics(stream(1, "x"), np.array([0]), np.array([1]), YEARS)
    with pytest.raises(ValueError, match="service point"):
        library_statistics(stream(1, "x"), np.array([5000]), np.array([0]), YEARS)
    with pytest.raises(ValueError, match="no libraries"):
        library_statistics(stream(1, "x"), np.array([]), np.array([]), YEARS)


def test_the_open_periods_reports_are_in_mixed_states():
    statuses = last_year_statuses(stream(1, "library submissions"), 60, demo=56)
    assert statuses[56] == "not_started"
    counts = {state: int((statuses == state).sum()) for state in set(statuses.tolist())}
    assert counts["returned"] == 1
    rest = 58
    for state, share in LAST_YEAR_SHARES.items():
        expected = round(rest * share) + (state == "not_started")
        assert abs(counts[state] - expected) <= 1, state
    assert counts["approved"] > counts["submitted"] > counts["draft"] >= 1
    # Two libraries (the tiny country): the demo one not started, the other returned; one: only the demo one.
    assert sorted(last_year_statuses(stream(1, "s"), 2, demo=0).tolist()) == ["not_started", "returned"]
    assert last_year_statuses(stream(1, "s"), 1, demo=0).tolist() == ["not_started"]
    assert "" not in last_year_statuses(stream(1, "s"), 7).tolist()
    drafts = draft_sections(stream(1, "d"), 100)
    assert drafts.min() >= 2 and drafts.max() <= 6
