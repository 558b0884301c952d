"""The statistics unit's back-office: the catalogue with formula checks shown on their fields, runs computed,
compared, published and deleted through their steps, and observations read masked by everyone but the agency. The
generic suites (tests/test_admin_matrix.py) check every page for every role; here are the flows."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edureg.core.testing.forms import admin_post_data
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation
from edureg.indicators.tests.factories import (
    IndicatorFactory,
    IndicatorRunFactory,
    MeasureFactory,
    ObservationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:indicators_{model._meta.model_name}_{view}", args=args)


def english_client(user):
    """A signed-in client whose pages come in English (the back-office's default is Lithuanian)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def agency(world):
    return english_client(world.users["agency_admin"])


def new_run(**fields) -> IndicatorRun:
    number = (IndicatorRun.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return IndicatorRunFactory(number=number, **fields)


# --- catalogue ------------------------------------------------------------------------------------------------

def indicator_form(agency, **fields):
    page = agency.get(url(Indicator, "add"))
    values = {"code": "share-girls", "theme": ThemeFactory(), "name_lt": "Mergaičių dalis", "name_en": "Share of girls",
              "definition_lt": "Dalis.", "definition_en": "Share.", "numerator": MeasureFactory(code="girls").code,
              "denominator": MeasureFactory(code="pupils").code, "factor": "100", "decimals": 1,
              "methodology_version": "1"}
    data = admin_post_data(page, **{**values, **fields})
    return agency.post(url(Indicator, "add"), data)


def test_a_formula_naming_an_unknown_measure_shows_on_its_field(agency):
    response = indicator_form(agency, numerator="girls + boys", dimensions=["sex", "municipality"])
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"numerator": ["Unknown measure 'boys'."]}
    assert not Indicator.objects.filter(code="share-girls").exists()


def test_an_unreadable_denominator_shows_where_it_fails(agency):
    errors = indicator_form(agency, denominator="pupils / (").context["adminform"].form.errors
    assert list(errors) == ["denominator"] and "character" in errors["denominator"][0]


def test_an_indicator_is_saved_with_its_dimensions_in_the_catalogues_order(agency, world):
    response = indicator_form(agency, dimensions=["sex", "municipality"])
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    indicator = Indicator.objects.get(code="share-girls")
    assert (indicator.dimensions, indicator.denominator, indicator.factor) == (["municipality", "sex"], "pupils", 100)
    page = agency.get(url(Indicator, "change", indicator.pk)).content.decode()
    assert "<code>girls</code>" in page and "<code>pupils</code>" in page


def test_the_measure_page_says_what_each_source_offers_and_who_uses_the_measure(agency):
    measure = MeasureFactory(code="pupils")
    IndicatorFactory(code="uses-pupils", numerator="pupils")
    page = agency.get(url(Measure, "change", measure.pk)).content.decode()
    assert 'id="sources-help"' in page and "<code>learners</code>" in page and "education (code)" in page
    assert "uses-pupils" in page
    assert agency.get(url(Measure, "delete", measure.pk)).status_code in (302, 403)  # named by a formula: kept


@pytest.mark.parametrize("filters,message", [
    ('[["colour", "eq", "red"]]', "has no field 'colour'"),
    ('[["age", "ge", NaN]]', "Enter a valid JSON"),
    ('{"education": "vet"}', "Filters are a list"),
])
def test_bad_filters_show_on_the_filters_field(agency, filters, message):
    page = agency.get(url(Measure, "add"))
    data = admin_post_data(page, code="m_new", name_lt="Matas", name_en="Measure", source="learners",
                           aggregation="count", filters=filters)
    response = agency.post(url(Measure, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["filters"] and message in " ".join(errors["filters"]), errors
    assert not Measure.objects.filter(code="m_new").exists()


# --- runs -----------------------------------------------------------------------------------------------------

def test_the_agency_computes_a_run_and_watches_it(agency, world, django_capture_on_commit_callbacks):
    indicator = IndicatorFactory()
    page = agency.get(url(IndicatorRun, "add"))
    with django_capture_on_commit_callbacks(execute=True):
        response = agency.post(url(IndicatorRun, "add"), admin_post_data(page, indicators=[indicator]))
    run = IndicatorRun.objects.get()
    assert response.status_code == 302 and response["Location"] == url(IndicatorRun, "change", run.pk)
    assert [i.code for i in run.indicators.all()] == [indicator.code]
    page = agency.get(url(IndicatorRun, "change", run.pk)).content.decode()
    assert 'id="run-progress"' in page and 'id="run-timings"' in page
    assert run.get_status_display() in page


def test_a_second_run_is_refused_on_the_form_while_one_is_queued(agency):
    new_run(status="queued")
    page = agency.get(url(IndicatorRun, "add"))
    response = agency.post(url(IndicatorRun, "add"), admin_post_data(page))
    assert response.status_code == 200
    assert "already queued or running" in str(response.context["adminform"].form.errors)
    assert IndicatorRun.objects.count() == 1


def test_publishing_through_the_step(agency, world):
    run = new_run(published_at=None)
    page = agency.get(url(IndicatorRun, "change", run.pk)).content.decode()
    step = url(IndicatorRun, "step", run.pk, "publish")
    assert step in page
    response = agency.post(step)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.published_at is not None and IndicatorRun.objects.published() == run
    page = agency.get(url(IndicatorRun, "change", run.pk)).content.decode()
    assert step not in page  # already the published run
    assert agency.get(url(IndicatorRun, "delete", run.pk)).status_code in (302, 403)  # the public reads it


def test_only_the_agency_takes_the_steps(world):
    run = new_run(published_at=None)
    officer = english_client(world.users["municipality_officer"])
    assert officer.post(url(IndicatorRun, "step", run.pk, "publish")).status_code in (302, 403)
    assert officer.get(url(IndicatorRun, "compare", run.pk)).status_code in (302, 403, 404)
    run.refresh_from_db()
    assert run.published_at is None


def test_comparing_with_the_published_run(agency):
    indicator = IndicatorFactory(code="learners")
    published, draft = new_run(published_at=timezone.now()), new_run(published_at=None)
    ObservationFactory(run=published, indicator=indicator, municipality="LT-57", value=100.0)
    ObservationFactory(run=draft, indicator=indicator, municipality="LT-57", value=130.0)
    ObservationFactory(run=draft, indicator=indicator, municipality="LT-15", value=7.0)
    page = agency.get(url(IndicatorRun, "change", draft.pk)).content.decode()
    compare = url(IndicatorRun, "compare", draft.pk)
    assert compare in page
    page = agency.get(compare).content.decode()
    assert 'id="run-comparison"' in page
    assert "1 added, 0 removed, 1 changed" in page
    assert "municipality=LT-57: 100.0 → 130.0 (+30)" in page


def test_deleting_a_run_removes_its_observations(agency):
    new_run(published_at=timezone.now())
    draft = new_run(published_at=None)
    ObservationFactory(run=draft)
    response = agency.post(url(IndicatorRun, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not IndicatorRun.objects.filter(pk=draft.pk).exists() and not Observation.objects.exists()


# --- observations ---------------------------------------------------------------------------------------------

@pytest.fixture
def cells():
    indicator = IndicatorFactory(code="learners")
    run = new_run(published_at=timezone.now(), years=[2024, 2025])
    ObservationFactory(run=run, indicator=indicator, municipality="LT-57", value=1234.0, numerator=1234.0)
    ObservationFactory(run=run, indicator=indicator, municipality="LT-15", value=3.0, numerator=3.0,
                       flag="suppressed")
    ObservationFactory(run=run, indicator=indicator, year=2024, municipality="LT-15", value=2.0, numerator=2.0,
                       flag="suppressed")
    return run


def test_officers_see_observations_as_the_public_does(world, cells):
    page = english_client(world.users["municipality_officer"]).get(url(Observation, "changelist"))
    rows = {(o.municipality, o.year) for o in page.context["cl"].result_list}
    assert rows == {("LT-57", 2025), ("LT-15", 2025), ("LT-15", 2024)}
    html = page.content.decode()
    assert "1234.0" in html and "3.0" not in html and "2.0" not in html
    suppressed = Observation.objects.get(municipality="LT-15", year=2025)
    detail = english_client(world.users["municipality_officer"]).get(url(Observation, "change", suppressed.pk))
    assert detail.status_code == 200 and "3.0" not in detail.content.decode()


def test_the_agency_sees_the_numbers_and_filters_by_run_indicator_and_year(agency, cells):
    indicator = Indicator.objects.get(code="learners")
    page = agency.get(url(Observation, "changelist"), {"run": cells.pk, "indicator": indicator.pk, "year": 2025})
    assert page.status_code == 200
    rows = sorted((o.municipality, o.value) for o in page.context["cl"].result_list)
    assert rows == [("LT-15", 3.0), ("LT-57", 1234.0)]
    assert "3.0" in page.content.decode()
