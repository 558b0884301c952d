"""The indicator catalogue, runs and observations as cases for the generic admin and API suites (see tests/cases.py).

Themes and measures are public wherever they are. Places stand for publication: an indicator at a1 is not public
(the agency's only), at a2 and b1 public; a run at a1 is finished but unpublished, at a2 and b1 published before the
run the public reads now (which cannot be deleted: edureg/indicators/tests/test_api_indicators.py); an
observation at a1 belongs to an unpublished run, at a2 and b1 to the published run (the latest published one, shared
by both places). Runs are computed, published and deleted, never edited; observations are only read.

Publishing and comparing runs, and an indicator's open-data observations, need particular states and are tested
role by role in edureg/indicators/tests/test_api_indicators.py (ACTIONS_TESTED_ELSEWHERE below).
"""

import datetime
import itertools

from django.db.models import Max
from django.utils import timezone

from edureg.core.testing.api import ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation, Theme
from edureg.indicators.tests.factories import (
    IndicatorFactory,
    IndicatorRunFactory,
    MeasureFactory,
    ObservationFactory,
    ThemeFactory,
)

VIEW_ALL = Expect("v", "v", "v")
ALL = Expect("vcd", "vcd", "vcd", add=True)
OUTSIDERS = ("anonymous", "no_role", "public", "applicant", "expert", "institution_officer", "municipality_officer")
PUBLIC = dict.fromkeys(OUTSIDERS, VIEW_ALL)
PUBLISHED_ONLY = dict.fromkeys(OUTSIDERS, Expect("", "v", "v"))  # a1 is not public
_n = itertools.count(1)


# --- makers -------------------------------------------------------------------------------------------------

def run(**fields) -> IndicatorRun:
    """A finished run numbered after every other (runs started by the services take the next number too)."""
    number = (IndicatorRun.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return IndicatorRunFactory(number=number, **fields)


def make_indicator(world, place):
    return IndicatorFactory(is_public=place != "a1")


def published_run() -> IndicatorRun:
    """The run the public reads (the latest published), made when there is none."""
    return IndicatorRun.objects.published() or run(published_at=timezone.now())


def make_run(world, place):
    if place == "a1":
        return run(published_at=None)
    # Published before, and no longer the run the public reads (that one cannot be deleted).
    older = run(published_at=timezone.now() - datetime.timedelta(days=1))
    if IndicatorRun.objects.published() == older:
        run(published_at=timezone.now())
    return older


def make_observation(world, place):
    owner = run(published_at=None) if place == "a1" else published_run()
    return ObservationFactory(run=owner, indicator=IndicatorFactory(), municipality="LT-57")


# --- admin forms --------------------------------------------------------------------------------------------

def _theme_add(world):
    return {"code": f"theme-new-{next(_n)}", "name_lt": "Nauja tema", "name_en": "New theme", "order": 5}


def _measure_add(world):
    return {"code": f"learners_new_{next(_n)}", "name_lt": "Mokiniai", "name_en": "Learners", "source": "learners",
            "aggregation": "count", "filters": "[]"}


def _indicator_add(world):
    return {"code": f"IND-NEW-{next(_n)}", "theme": ThemeFactory(), "name_lt": "Naujas rodiklis",
            "name_en": "New indicator", "definition_lt": "Apibrėžimas.", "definition_en": "Definition.",
            "numerator": MeasureFactory().code, "dimensions": ["municipality", "sex"], "methodology_version": "1"}


CASES = [
    Case(Theme, make=lambda w, p: ThemeFactory(), expect={**PUBLIC, "agency_admin": ALL},
         add_data=_theme_add, change_data=lambda w, o: {"name_en": f"Theme (edit {next(_n)})"}),
    Case(Measure, make=lambda w, p: MeasureFactory(), expect={**PUBLIC, "agency_admin": ALL},
         add_data=_measure_add, change_data=lambda w, o: {"name_en": f"Learners (edit {next(_n)})"}),
    Case(Indicator, make=make_indicator, expect={**PUBLISHED_ONLY, "agency_admin": ALL},
         add_data=_indicator_add, change_data=lambda w, o: {"name_en": f"Indicator (edit {next(_n)})"}),
    Case(IndicatorRun, make=make_run, expect={**PUBLISHED_ONLY, "agency_admin": Expect("vd", "vd", "vd", add=True)},
         add_data=lambda w: {"indicators": [IndicatorFactory()]}),
    Case(Observation, make=make_observation, expect={**PUBLISHED_ONLY, "agency_admin": VIEW_ALL}),
]


# --- the API ------------------------------------------------------------------------------------------------

def _indicator_payload(world):
    data = _indicator_add(world)
    return {**data, "theme": data["theme"].code}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["indicators.theme"], "indicator-themes", lookup=lambda o: o.code, key="code",
                create=_theme_add, update=lambda w, o: {"name_en": f"Theme (edit {next(_n)})"}),
        ApiCase(case["indicators.measure"], "indicator-measures", lookup=lambda o: o.code, key="code",
                create=lambda w: {**_measure_add(w), "filters": []},
                update=lambda w, o: {"name_en": f"Learners (edit {next(_n)})"}),
        ApiCase(case["indicators.indicator"], "indicators", lookup=lambda o: o.code, key="code",
                create=_indicator_payload, update=lambda w, o: {"name_en": f"Indicator (edit {next(_n)})"}),
        ApiCase(case["indicators.indicatorrun"], "indicator-runs", lookup=lambda o: o.number, key="number",
                create=lambda w: {"indicators": [IndicatorFactory().code]}),
        ApiCase(case["indicators.observation"], "indicator-observations"),
    ]


ACTIONS_TESTED_ELSEWHERE = {
    ("indicators", "observations"): "edureg/indicators/tests/test_api_indicators.py (open data, masked)",
    ("indicator-runs", "publish"): "edureg/indicators/tests/test_api_indicators.py (run steps, role by role)",
    ("indicator-runs", "compare"): "edureg/indicators/tests/test_api_indicators.py (run steps, role by role)",
}


# --- list query counts --------------------------------------------------------------------------------------

def _themes(world, n):
    for _ in range(n):
        ThemeFactory()


def _measures(world, n):
    for _ in range(n):
        MeasureFactory()


def _indicators(world, n):
    theme = ThemeFactory()
    measures = [MeasureFactory(), MeasureFactory()]
    for i in range(n):
        IndicatorFactory(theme=theme if i % 2 else ThemeFactory(), numerator=measures[0].code,
                         denominator=measures[1].code)


def _runs(world, n):
    indicators = [IndicatorFactory(), IndicatorFactory()]
    for _ in range(n):
        run(published_at=timezone.now()).indicators.set(indicators)


def _observations(world, n):
    current = published_run()
    indicator = IndicatorFactory()
    for i in range(n):
        ObservationFactory(run=current, indicator=indicator, municipality=f"M{i}", flag="suppressed" if i % 3 else "")


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "indicator-themes": (_themes, "page_size", ("anonymous", "agency_admin")),
    "indicator-measures": (_measures, "page_size", ("anonymous", "agency_admin")),
    "indicators": (_indicators, "page_size", ("anonymous", "agency_admin")),
    "indicator-runs": (_runs, "page_size", ("anonymous", "agency_admin")),
    "indicator-observations": (_observations, "page_size", ("anonymous", "agency_admin")),
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    observation = make_observation(world, "a2")
    return {"indicator-themes": observation.indicator.theme.code,
            "indicator-measures": observation.indicator.numerator,
            "indicators": observation.indicator.code, "indicator-runs": observation.run.number,
            "indicator-observations": observation.pk}
