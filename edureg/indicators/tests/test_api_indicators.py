"""The indicators API beyond the generic matrix (tests/test_api_matrix.py): the open data (published run only,
suppressed cells masked, the dimension and year filters, CSV, the schema), catalogue writes refused with a 400
naming the field, and the run steps (start, publish, compare, delete) role by role."""

import csv
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from edureg.classifiers.tests.factories import item
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation
from edureg.indicators.tests.factories import (
    IndicatorFactory,
    IndicatorRunFactory,
    MeasureFactory,
    ObservationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(world, role) -> APIClient:
    """An API client asking for English (the default language is Lithuanian)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    return client


def new_run(**fields) -> IndicatorRun:
    number = (IndicatorRun.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return IndicatorRunFactory(number=number, **fields)


@pytest.fixture
def learners():
    """A public indicator by municipality and sex, in a published run: the total, two municipalities (one a small
    count, suppressed, and its complement), by sex, over two years; and the same cells, different, in a newer
    unpublished run."""
    indicator = IndicatorFactory(code="learners", dimensions=["county", "municipality", "sex"], decimals=0,
                                 unit_en="persons")
    published = new_run(published_at=timezone.now())
    draft = new_run(published_at=None)
    for year in (2024, 2025):
        cells = [({}, 1204.0, ""), ({"municipality": "LT-57"}, 1200.0, "secondary"),
                 ({"municipality": "LT-15"}, 4.0, "suppressed"), ({"sex": "F"}, 600.0, ""), ({"sex": "M"}, 604.0, ""),
                 ({"county": "LT-VL"}, 1200.0, "")]
        for dims, value, flag in cells:
            ObservationFactory(run=published, indicator=indicator, year=year, value=value, numerator=value,
                               flag=flag, **dims)
            ObservationFactory(run=draft, indicator=indicator, year=year, value=value + 1, numerator=value + 1,
                               **dims)
    return indicator


def observations(client, code="learners", **params):
    return client.get(f"{API}/indicators/{code}/observations/", params)


# --- open data ------------------------------------------------------------------------------------------------

def test_anyone_reads_the_published_run_with_its_number_and_date(world, learners):
    response = observations(client_for(world, "anonymous"), year=2025)
    assert response.status_code == 200, response.content
    data = response.json()
    published = IndicatorRun.objects.published()
    assert data["run"] == published.number and data["published_at"]
    assert (data["indicator"], data["unit"], data["decimals"], data["count"]) == ("learners", "persons", 0, 1)
    (row,) = data["results"]
    assert (row["year"], row["municipality"], row["sex"], row["value"], row["flag"]) == (2025, "", "", 1204.0, "")


def test_suppressed_cells_show_their_flag_and_no_numbers(world, learners):
    ObservationFactory(run=IndicatorRun.objects.published(), indicator=learners, year=2025, sex="X",
                       value=float("nan"), numerator=3.0, denominator=0.0, flag="zero_denominator")
    for role in ("anonymous", "agency_admin"):  # the open data is the same for the agency
        rows = observations(client_for(world, role), year=2025, municipality="*").json()["results"]
        shown = {r["municipality"]: (r["value"], r["numerator"], r["denominator"], r["flag"]) for r in rows}
        assert shown == {"LT-15": (None, None, None, "suppressed"), "LT-57": (None, None, None, "secondary")}, role


def test_the_unpublished_run_is_never_read(world, learners):
    values = {r["value"] for r in observations(client_for(world, "agency_admin"), sex="*").json()["results"]}
    assert values == {600.0, 604.0}  # the draft run's 601 and 605 are not published


@pytest.mark.parametrize("params,expected", [
    ({}, {(2024, "", "", ""), (2025, "", "", "")}),
    ({"year": 2024}, {(2024, "", "", "")}),
    ({"year_from": 2025, "year_to": 2030}, {(2025, "", "", "")}),
    ({"year": 2025, "sex": "*"}, {(2025, "", "", "F"), (2025, "", "", "M")}),
    ({"year": 2025, "sex": "F"}, {(2025, "", "", "F")}),
    ({"year": 2025, "municipality": "LT-57,LT-15"}, {(2025, "", "LT-57", ""), (2025, "", "LT-15", "")}),
    ({"year": 2025, "county": "*"}, {(2025, "LT-VL", "", "")}),
    ({"year": 2025, "sex": ""}, {(2025, "", "", "")}),
    ({"year": 2025, "sex": "X"}, set()),
])
def test_dimension_parameters_absent_mean_the_total_and_star_every_value(world, learners, params, expected):
    response = observations(client_for(world, "anonymous"), **params)
    assert response.status_code == 200, response.content
    assert {(r["year"], r["county"], r["municipality"], r["sex"]) for r in response.json()["results"]} == expected


def test_a_county_with_every_municipality_gives_the_countys_municipalities(world, learners):
    county = item("county", "LT-VL", "Vilniaus apskritis")
    vilnius = item("municipality", "LT-57")
    vilnius.parent = county
    vilnius.save()
    rows = observations(client_for(world, "anonymous"), year=2025, county="LT-VL", municipality="*").json()["results"]
    assert [r["municipality"] for r in rows] == ["LT-57"]
    # Also for an indicator broken down by municipality but not by county.
    learners.dimensions = ["municipality", "sex"]
    learners.save()
    rows = observations(client_for(world, "anonymous"), year=2025, county="LT-VL", municipality="*").json()["results"]
    assert [r["municipality"] for r in rows] == ["LT-57"]
    assert observations(client_for(world, "anonymous"), county="LT-VL").status_code == 400


@pytest.mark.parametrize("params,field", [
    ({"year": "2025x"}, "year"), ({"year": 1200}, "year"), ({"year_from": "last"}, "year_from"),
    ({"year_from": 2026, "year_to": 2024}, "year_from"), ({"ownership": "*"}, "ownership"),
    ({"municipality": "LT-57,"}, "municipality"), ({"sex": "a" * 41}, "sex"),
])
def test_bad_parameters_are_a_400_naming_the_parameter(world, learners, params, field):
    response = observations(client_for(world, "anonymous"), **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_ownership_refusal_says_what_the_indicator_is_broken_down_by(world, learners):
    response = observations(client_for(world, "anonymous"), ownership="20")
    assert response.json() == {"ownership": ["The indicator is not broken down by ownership; it is by: county, "
                                             "municipality, sex."]}


def test_unknown_and_non_public_indicators_are_not_found(world, learners):
    hidden = IndicatorFactory(code="hidden", is_public=False)
    ObservationFactory(run=IndicatorRun.objects.published(), indicator=hidden)
    anonymous = client_for(world, "anonymous")
    assert observations(anonymous, code="nope").status_code == 404
    assert observations(anonymous, code="hidden").status_code == 404
    assert client_for(world, "public").get(f"{API}/indicators/hidden/").status_code == 404
    # The agency sees the indicator, but the open data holds public indicators only.
    response = observations(client_for(world, "agency_admin"), code="hidden")
    assert response.status_code == 200 and response.json()["results"] == []


def test_before_anything_is_published_there_is_no_run_and_no_rows(world):
    indicator = IndicatorFactory()
    ObservationFactory(run=new_run(published_at=None), indicator=indicator)
    data = observations(client_for(world, "anonymous"), code=indicator.code).json()
    assert (data["run"], data["published_at"], data["count"], data["results"]) == (None, None, 0, [])


def test_rows_come_in_pages(world, learners):
    client = client_for(world, "anonymous")
    first = observations(client, municipality="*", page_size=3).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert [(r["year"], r["municipality"]) for r in first["results"] + second["results"]] == [
        (2024, "LT-15"), (2024, "LT-57"), (2025, "LT-15"), (2025, "LT-57")]


def test_csv_gives_every_row_masked(world, learners):
    response = observations(client_for(world, "anonymous"), municipality="*", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="learners.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    assert {(r["indicator"], r["year"], r["municipality"], r["value"], r["flag"]) for r in rows} == {
        ("learners", "2024", "LT-57", "", "secondary"), ("learners", "2024", "LT-15", "", "suppressed"),
        ("learners", "2025", "LT-57", "", "secondary"), ("learners", "2025", "LT-15", "", "suppressed")}
    bad = observations(client_for(world, "anonymous"), year="x", format="csv")
    assert bad.status_code == 400 and b"year" in bad.content


def test_the_schema_documents_the_open_data_endpoint():
    schema = APIClient().get(f"{API}/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    operation = schema["paths"]["/api/v1/indicators/{code}/observations/"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"code", "year", "year_from", "year_to", "municipality", "county", "sex", "age_group", "page",
            "page_size", "format"} <= parameters
    assert "disclosure control" in operation["description"]
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["schema"]["$ref"].endswith("/ObservationPage")
    assert content["examples"]
    page = schema["components"]["schemas"]["ObservationPage"]["properties"]
    assert {"indicator", "run", "published_at", "count", "next", "results"} <= set(page)


def test_the_agency_reads_any_runs_raw_observations_and_others_only_masked(world, learners):
    draft = IndicatorRun.objects.filter(published_at__isnull=True).get()
    agency = client_for(world, "agency_admin").get(f"{API}/indicator-observations/",
                                                   {"run": draft.number, "year": 2025, "page_size": 100})
    assert agency.json()["count"] == 6
    published = IndicatorRun.objects.published()
    raw = client_for(world, "agency_admin").get(f"{API}/indicator-observations/", {
        "run": published.number, "year": 2025, "flag": "suppressed"}).json()["results"]
    assert [(r["municipality"], r["value"], r["numerator"]) for r in raw] == [("LT-15", 4.0, 4.0)]
    public = client_for(world, "public")
    assert public.get(f"{API}/indicator-observations/", {"run": draft.number}).json()["count"] == 0
    masked = public.get(f"{API}/indicator-observations/", {"run": published.number, "year": 2025,
                                                           "flag": "suppressed"}).json()["results"]
    assert [(r["municipality"], r["value"], r["numerator"], r["flag"]) for r in masked] == [
        ("LT-15", None, None, "suppressed")]
    one = public.get(f"{API}/indicator-observations/{masked[0]['id']}/").json()
    assert (one["value"], one["indicator"], one["run"]) == (None, "learners", published.number)


# --- the catalogue --------------------------------------------------------------------------------------------

def indicator_payload(**fields):
    return {"code": "new-share", "theme": ThemeFactory().code, "name_lt": "Dalis", "name_en": "Share",
            "definition_lt": "Dalis.", "definition_en": "Share.", "numerator": MeasureFactory(code="girls").code,
            "denominator": MeasureFactory(code="pupils").code, "factor": 100, "unit_en": "%",
            "dimensions": ["municipality"], **fields}


def test_the_catalogue_shows_the_measures_its_formulas_read(world):
    MeasureFactory(code="pupils", name_en="Pupils", description_en="Main enrolments on 1 October.")
    MeasureFactory(code="girls", name_en="Girls", filters=[["education", "eq", "general"]])
    IndicatorFactory(code="share-girls", numerator="girls", denominator="pupils + girls * 0", factor=100,
                     methodology_en="Counted on 1 October.", methodology_version="2")
    data = client_for(world, "anonymous").get(f"{API}/indicators/share-girls/").json()
    assert (data["numerator"], data["denominator"], data["factor"], data["methodology"],
            data["methodology_version"]) == ("girls", "pupils + girls * 0", 100.0, "Counted on 1 October.", "2")
    assert [(m["code"], m["name"]) for m in data["measures"]] == [("girls", "Girls"), ("pupils", "Pupils")]
    assert data["measures"][0]["filters"] == [["education", "eq", "general"]]
    assert data["measures"][1]["description"] == "Main enrolments on 1 October."


def test_the_public_lists_public_indicators_and_the_agency_all(world):
    IndicatorFactory(code="open"), IndicatorFactory(code="internal", is_public=False)
    codes = {role: {r["code"] for r in client_for(world, role).get(f"{API}/indicators/").json()["results"]}
             for role in ("anonymous", "municipality_officer", "agency_admin")}
    assert codes == {"anonymous": {"open"}, "municipality_officer": {"open"}, "agency_admin": {"open", "internal"}}


def test_lists_filter_by_code(world, learners):
    IndicatorFactory(code="by-sex", dimensions=["sex"], theme=ThemeFactory(code="staff"))
    client = client_for(world, "anonymous")

    def codes(params):
        response = client.get(f"{API}/indicators/", params)
        assert response.status_code == 200, response.content
        return sorted(r["code"] for r in response.json()["results"])

    assert codes({"dimension": "municipality"}) == ["learners"]
    assert codes({"dimension": "sex"}) == ["by-sex", "learners"]
    assert codes({"dimension": "planet"}) == []
    assert codes({"theme": "staff"}) == ["by-sex"]
    runs = client_for(world, "agency_admin").get(f"{API}/indicator-runs/", {"published": "true"}).json()["results"]
    assert [r["number"] for r in runs] == [IndicatorRun.objects.published().number]
    assert client.get(f"{API}/indicator-runs/", {"published": "maybe"}).status_code == 400


def test_the_agency_writes_an_indicator(world):
    response = client_for(world, "agency_admin").post(f"{API}/indicators/", indicator_payload(), format="json")
    assert response.status_code == 201, response.content
    indicator = Indicator.objects.get(code="new-share")
    assert (indicator.numerator, indicator.denominator, indicator.factor, indicator.dimensions) == (
        "girls", "pupils", 100, ["municipality"])


@pytest.mark.parametrize("fields,errors", [
    ({"numerator": "girls + boys"}, {"numerator": ["Unknown measure 'boys'."]}),
    ({"denominator": "pupils / (", "numerator": "nobody"}, None),
    ({"dimensions": ["planet"]}, None),
])
def test_a_formula_naming_an_unknown_measure_is_a_400_naming_the_field(world, fields, errors):
    client = client_for(world, "agency_admin")
    response = client.post(f"{API}/indicators/", indicator_payload(**fields), format="json")
    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    else:
        assert set(response.json()) == set(fields)
    assert not Indicator.objects.filter(code="new-share").exists()


def test_changing_a_formula_to_an_unknown_measure_is_refused_and_nothing_changes(world):
    indicator = IndicatorFactory()
    before = indicator.numerator
    response = client_for(world, "agency_admin").patch(f"{API}/indicators/{indicator.code}/",
                                                       {"numerator": "ghosts"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["numerator"]
    indicator.refresh_from_db()
    assert indicator.numerator == before


@pytest.mark.parametrize("fields,field", [
    ({"source": "moon"}, "source"), ({"filters": [["colour", "eq", "red"]]}, "filters"),
    ({"filters": "education=vet"}, "filters"), ({"aggregation": "sum", "field": "shoe_size"}, "field"),
])
def test_a_measure_is_checked_against_its_source(world, fields, field):
    payload = {"code": "m-new", "name_lt": "Matas", "name_en": "Measure", "source": "learners", **fields}
    response = client_for(world, "agency_admin").post(f"{API}/indicator-measures/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Measure.objects.filter(code="m-new").exists()


def test_a_measure_that_formulas_name_keeps_its_code_and_stays(world):
    measure = MeasureFactory(code="pupils")
    IndicatorFactory(code="uses-pupils", numerator="pupils")
    client = client_for(world, "agency_admin")
    response = client.patch(f"{API}/indicator-measures/pupils/", {"code": "learners_all"}, format="json")
    assert response.status_code == 400 and "uses-pupils" in response.json()["code"][0]
    response = client.delete(f"{API}/indicator-measures/pupils/")
    assert response.status_code == 400 and "uses-pupils" in str(response.json())
    assert Measure.objects.filter(pk=measure.pk, code="pupils").exists()


def test_an_indicator_of_the_published_run_is_not_deleted(world, learners):
    response = client_for(world, "agency_admin").delete(f"{API}/indicators/learners/")
    assert response.status_code == 400 and "not public" in str(response.json())
    assert Indicator.objects.filter(code="learners").exists()


@pytest.mark.parametrize("role,expected", [("anonymous", 401), ("public", 403), ("municipality_officer", 403)])
def test_only_the_agency_writes_the_catalogue(world, role, expected):
    client = client_for(world, role)
    assert client.post(f"{API}/indicators/", indicator_payload(), format="json").status_code == expected
    assert client.post(f"{API}/indicator-themes/", {"code": "t", "name_lt": "T", "name_en": "T"},
                       format="json").status_code == expected
    assert not Indicator.objects.filter(code="new-share").exists()


# --- runs -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,expected", [("anonymous", 401), ("public", 403), ("institution_officer", 403),
                                           ("agency_admin", 200)])
def test_only_the_agency_publishes_a_run(world, role, expected):
    run = new_run(published_at=None)
    response = client_for(world, role).post(f"{API}/indicator-runs/{run.number}/publish/")
    assert response.status_code == expected, response.content
    run.refresh_from_db()
    assert (run.published_at is not None) == (expected == 200)
    if expected == 200:
        assert response.json()["is_published"] is True
        assert IndicatorRun.objects.published() == run


def test_a_run_that_did_not_finish_is_not_published(world):
    run = new_run(published_at=None, status="failed")
    response = client_for(world, "agency_admin").post(f"{API}/indicator-runs/{run.number}/publish/")
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.published_at is None


@pytest.mark.parametrize("role,expected", [("anonymous", 401), ("public", 403), ("agency_admin", 200)])
def test_only_the_agency_compares_runs(world, learners, role, expected):
    draft = IndicatorRun.objects.filter(published_at__isnull=True).get()
    response = client_for(world, role).get(f"{API}/indicator-runs/{draft.number}/compare/")
    assert response.status_code == expected
    if expected == 200:
        data = response.json()
        assert (data["new"], data["old"]) == (draft.number, IndicatorRun.objects.published().number)
        changes = data["indicators"]["learners"]
        assert (changes["changed"], changes["added"], changes["removed"]) == (12, 0, 0)
        assert changes["largest"][0]["old"] + 1 == changes["largest"][0]["new"]


def test_compare_names_a_run_that_does_not_exist(world, learners):
    draft = IndicatorRun.objects.filter(published_at__isnull=True).get()
    response = client_for(world, "agency_admin").get(f"{API}/indicator-runs/{draft.number}/compare/", {"with": 999})
    assert response.status_code == 400 and list(response.json()) == ["with"]


def test_the_agency_starts_a_run_of_some_indicators(world, django_capture_on_commit_callbacks):
    indicator = IndicatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world, "agency_admin").post(f"{API}/indicator-runs/", {"indicators": [indicator.code]},
                                                          format="json")
    assert response.status_code == 201, response.content
    run = IndicatorRun.objects.get(number=response.json()["number"])
    assert [i.code for i in run.indicators.all()] == [indicator.code]
    assert run.requested_by == world.users["agency_admin"]
    detail = client_for(world, "agency_admin").get(f"{API}/indicator-runs/{run.number}/").json()
    assert {"timings", "summary", "progress", "changes_since"} <= set(detail)


def test_starting_a_run_of_an_unknown_indicator_is_a_400(world):
    response = client_for(world, "agency_admin").post(f"{API}/indicator-runs/", {"indicators": ["nope"]},
                                                      format="json")
    assert response.status_code == 400 and list(response.json()) == ["indicators"]
    assert not IndicatorRun.objects.exists()


def test_deleting_a_run_removes_its_observations(world, learners):
    draft = IndicatorRun.objects.filter(published_at__isnull=True).get()
    response = client_for(world, "agency_admin").delete(f"{API}/indicator-runs/{draft.number}/")
    assert response.status_code == 204
    assert not Observation.objects.filter(run_id=draft.pk).exists()
    assert Observation.objects.filter(run=IndicatorRun.objects.published()).count() == 12


def test_the_run_the_public_reads_is_not_deleted(world, learners):
    published = IndicatorRun.objects.published()
    response = client_for(world, "agency_admin").delete(f"{API}/indicator-runs/{published.number}/")
    assert response.status_code == 400 and list(response.json()) == ["status"]
    assert Observation.objects.filter(run=published).count() == 12


# --- in a browser ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "public", "agency_admin"])
def test_every_page_renders_in_a_browser(world, learners, role):
    from django.test import Client

    from tests.world import PASSWORD

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        assert client.login(username=role, password=PASSWORD)
    published = IndicatorRun.objects.published()
    observation = Observation.objects.filter(run=published).first()
    urls = [f"{API}/indicators/", "/api/v1/indicators/learners/", f"{API}/indicators/learners/observations/",
            f"{API}/indicators/learners/observations/?municipality=*&year=2025",
            f"{API}/indicators/learners/observations/?year=bad", f"{API}/indicator-themes/",
            f"{API}/indicator-themes/{learners.theme.code}/", f"{API}/indicator-measures/",
            f"{API}/indicator-measures/{learners.numerator}/", f"{API}/indicator-runs/",
            f"{API}/indicator-runs/{published.number}/", f"{API}/indicator-runs/{published.number}/publish/",
            f"{API}/indicator-runs/{published.number}/compare/", f"{API}/indicator-observations/",
            f"{API}/indicator-observations/{observation.pk}/"]
    for url in urls:
        page = client.get(url, HTTP_ACCEPT="text/html")
        assert page.status_code in (200, 400, 401, 403, 404, 405), (url, page.status_code)
        if page.status_code == 200:
            assert b"<html" in page.content[:500].lower() or b"<!doctype" in page.content[:500].lower(), url
        for method in (client.options, client.head):
            assert method(url).status_code < 500, (url, method.__name__)
    opened = client.get(f"{API}/indicators/learners/observations/?year=2025", HTTP_ACCEPT="text/html")
    assert opened.status_code == 200 and b"1204" in opened.content
