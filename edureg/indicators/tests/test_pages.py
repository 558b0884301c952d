"""The statistics pages through Django's test client, on a small published run made with the factories: the
indicator list, an indicator's page for the public and for a municipality officer (their municipality chosen for
them), its filters and their errors, the charts' text alternatives and data tables, the CSV and XLSX downloads,
and the summary page. Suppressed figures show their symbol and never their number; the unpublished run and the
non-public indicator never show."""

import csv
import html as html_module
import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.models import ClassifierItem
from edureg.classifiers.tests.factories import ClassifierItemFactory, CodeListFactory
from edureg.indicators.tests.factories import IndicatorFactory, ObservationFactory
from edureg.indicators.tests.published import (
    HIDDEN_VALUE,
    SECONDARY_VALUE,
    UNPUBLISHED_VALUE,
    country_share,
    municipality_share,
    publish_sample,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("statistics:index")
SUMMARY = reverse("statistics:summary")


def page(code: str) -> str:
    return reverse("statistics:indicator", args=[code])


def text(response) -> str:
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def no_hidden_number(content: str) -> None:
    for value in (HIDDEN_VALUE, SECONDARY_VALUE, UNPUBLISHED_VALUE):
        assert str(value) not in content and str(value).replace(".", ",") not in content


def svg(response, uid: str) -> ET.Element:
    match = re.search(rf'<svg id="{uid}".*?</svg>', response.content.decode(), flags=re.S)
    assert match, f"no chart {uid}"
    return ET.fromstring(match.group(0))


def table(response, uid: str) -> list[tuple[str, list[str]]]:
    """The data table under a chart: (row header, [each cell's data-value or data-flag]) per body row."""
    body = response.content.decode()
    match = re.search(rf'<table[^>]*id="{uid}-table".*?</table>', body, flags=re.S)
    assert match, f"no table {uid}"
    rows = []
    for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\">(.*?)</tr>", match.group(0).split("<tbody")[1],
                          flags=re.S):
        header = html_module.unescape(re.sub(r"<[^>]+>|\s+", " ", re.search(r"<th.*?</th>", row, re.S).group(0)))
        cells = re.findall(r'data-(?:value|flag)="([^"]*)"', row)
        rows.append((re.sub(r"\s+", " ", header).strip(), cells))
    return rows


@pytest.fixture
def published():
    return publish_sample()


@pytest.fixture
def officer(client, published):
    vilnius = ClassifierItem.objects.get(code_list__code="municipality", code="LT-57")
    user = UserFactory(username="vilnius-officer")
    MembershipFactory(user=user, role="municipality_officer", municipality=vilnius)
    client.force_login(user)
    return english(client)


# The list of indicators ---------------------------------------------------------------------------------------


def test_the_index_lists_public_indicators_by_theme_with_the_latest_national_value(client, published):
    response = english(client).get(INDEX)
    assert response.status_code == 200
    content = text(response)
    assert "Participation" in content
    assert "Share of girls % 49.0 2025" in content and "Number of learners persons 1,006 2025" in content
    assert f'href="{page("SHARE-01")}"' in response.content.decode()
    assert "Internal only" not in content  # not public
    assert "Figures of run 7, published" in content
    no_hidden_number(response.content.decode())


def test_the_index_in_lithuanian_by_default(client, published):
    response = client.get(INDEX)
    assert '<html lang="lt"' in response.content.decode()
    assert "Merginų dalis" in text(response) and "49,0" in text(response)


def test_nothing_published_yet(client):
    IndicatorFactory(code="SHARE-01", name_en="Share of girls")
    response = english(client).get(INDEX)
    assert response.status_code == 200 and "No figures are published yet." in text(response)
    response = client.get(page("SHARE-01"))
    assert response.status_code == 200
    assert "No figures of this indicator are published yet." in text(response)
    assert client.get(reverse("statistics:download-csv", args=["SHARE-01"])).status_code == 400
    assert "No figures are published yet." in text(client.get(SUMMARY))


def test_unknown_and_non_public_indicators_are_not_found(client, published):
    assert client.get(page("NOPE-01")).status_code == 404
    assert client.get(page("HIDDEN-01")).status_code == 404
    assert client.get(reverse("statistics:download-csv", args=["HIDDEN-01"])).status_code == 404


# An indicator's page ------------------------------------------------------------------------------------------


def test_the_public_page_of_an_indicator(client, published):
    response = english(client).get(page("SHARE-01"))
    assert response.status_code == 200
    content = text(response)
    for phrase in ("Share of girls", "Girls among learners.", "Unit %", "Source Register of learners",
                   "Methodology Version 2", "Run 7", "Learners on 1 October."):
        assert phrase in content, phrase
    # the last five years, the country only
    assert table(response, "chart-series") == [(str(y), [repr(country_share(y))]) for y in range(2021, 2026)]
    assert "Lithuania: 43.0 % in 2021 and 49.0 % in 2025." in content
    # by municipality in 2025: highest first, the suppressed one last with its symbol, the country as reference
    assert table(response, "chart-municipalities") == [
        ("Lithuania (the dashed line)", ["49.0"]), ("Vilnius City Municipality", ["51.0"]),
        ("Kaunas City Municipality", ["44.0"]), ("Akmenė District Municipality", ["c"])]
    assert "c confidential: too few people to publish" in content.replace("Akmenė District Municipality ", "")
    # by sex (the first other dimension)
    assert table(response, "chart-breakdown") == [("Male", ["47.0"]), ("Female", ["51.0"])]
    no_hidden_number(response.content.decode())
    body = response.content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', body)  # no CDN
    assert "/static/edureg/statistics.css" in body


def test_every_chart_has_a_title_a_description_and_a_summary(client, published):
    response = english(client).get(page("SHARE-01") + "?municipality=LT-57&by=sex")
    body = response.content.decode()
    for uid in ("chart-series", "chart-municipalities", "chart-breakdown"):
        root = svg(response, uid)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{uid}-title"
        assert root.get("aria-describedby") == f"{uid}-desc {uid}-summary"
        assert root.find("title").text and root.find("desc").text
        assert f'id="{uid}-summary"' in body
    assert svg(response, "chart-series").find("title").text == (
        "Share of girls: Vilnius City Municipality and Lithuania, 2021–2025")
    assert "Lithuania: solid line with circles; Vilnius City Municipality: dashed line with squares" in (
        svg(response, "chart-series").find("desc").text)
    assert "Vilnius City Municipality: 51.0 %, number 1 of 2 from the highest." in text(response)


def test_the_tables_hold_the_charts_data(client, published):
    response = english(client).get(page("SHARE-01") + "?municipality=LT-57&by=sex&year_from=2019")
    # the time series: one column per line, one row per year
    plotted = {}
    for e in svg(response, "chart-series").iter():
        if e.get("data-value"):
            plotted[(e.get("data-x"), int(e.get("data-series")))] = e.get("data-value")
        elif e.get("data-flag"):
            plotted[(e.get("data-x"), int(e.get("data-series")))] = e.get("data-flag")
    rows = table(response, "chart-series")
    assert [r[0] for r in rows] == [str(y) for y in range(2019, 2026)]
    assert {(year, i): v for year, cells in rows for i, v in enumerate(cells)} == plotted
    # by municipality: the bars in the table's order
    bars = [(e.get("data-category"), e.get("data-value") or e.get("data-flag"))
            for e in svg(response, "chart-municipalities").iter() if e.get("data-category")]
    assert bars == [(name, cells[0]) for name, cells in table(response, "chart-municipalities")[1:]]
    reference = next(e for e in svg(response, "chart-municipalities").iter("line") if e.get("data-reference"))
    assert reference.get("data-reference") == table(response, "chart-municipalities")[0][1][0] == "49.0"
    # the breakdown: country and Vilnius for each sex
    breakdown = {(e.get("data-category"), int(e.get("data-series"))): e.get("data-value")
                 for e in svg(response, "chart-breakdown").iter("rect") if e.get("data-value")}
    assert breakdown == {(label, i): v for label, cells in table(response, "chart-breakdown")
                         for i, v in enumerate(cells)}
    assert breakdown[("Female", 1)] == repr(municipality_share("LT-57", 2025) + 3)


def test_a_municipality_officer_gets_their_municipality_compared_with_the_country(officer, published):
    response = officer.get(page("SHARE-01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<option value="LT-57" selected>Vilnius City Municipality</option>', body)
    assert table(response, "chart-series") == [
        (str(y), [repr(country_share(y)), repr(municipality_share("LT-57", y))]) for y in range(2021, 2026)]
    assert "Vilnius City Municipality and the country over time" in text(response)
    assert "class=\"govuk-table__row edureg-highlight\"" in body  # their row in the table by municipality
    assert "municipality=LT-57" in body  # the downloads keep the choice
    # choosing "none" shows the country alone; choosing another municipality shows that one
    assert len(table(officer.get(page("SHARE-01") + "?municipality="), "chart-series")[0][1]) == 1
    kaunas = table(officer.get(page("SHARE-01") + "?municipality=LT-19"), "chart-series")
    assert kaunas[3] == ("2024", [repr(country_share(2024)), "c"])  # the secondary suppression


def test_the_officer_of_another_scope_sees_the_country(client, published):
    user = UserFactory(username="agency")
    MembershipFactory(user=user, role="agency_admin")
    client.force_login(user)
    response = english(client).get(page("SHARE-01"))
    assert len(table(response, "chart-series")[0][1]) == 1


def test_filters_narrow_every_chart(client, published):
    response = english(client).get(page("SHARE-01") + "?year_from=2019&year_to=2020&sex=F&municipality=LT-57")
    assert response.status_code == 200
    assert table(response, "chart-series") == [
        ("2019", [repr(country_share(2019) + 2), repr(municipality_share("LT-57", 2019) + 3)]),
        ("2020", [repr(country_share(2020) + 2), repr(municipality_share("LT-57", 2020) + 3)])]
    assert svg(response, "chart-series").find("title").text == (
        "Share of girls (Female): Vilnius City Municipality and Lithuania, 2019–2020")
    # by municipality in the last year of the range, girls only: only Vilnius is broken down by sex
    assert table(response, "chart-municipalities")[1:] == [("Vilnius City Municipality", ["49.0"])]
    assert "By municipality in 2020" in text(response)


def test_a_municipality_not_broken_down_that_way_is_said_so(client, published):
    response = english(client).get(page("SHARE-01") + "?municipality=LT-19&by=sex")
    assert "The figures for Kaunas City Municipality are not broken down this way" in text(response)
    assert [len(cells) for _h, cells in table(response, "chart-breakdown")] == [1, 1]


def test_an_indicator_without_other_dimensions_has_no_breakdown(client, published):
    response = english(client).get(page("COUNT-01"))
    assert response.status_code == 200
    assert 'id="chart-breakdown"' not in response.content.decode()
    assert 'name="by"' not in response.content.decode()
    assert table(response, "chart-municipalities")[1] == ("Akmenė District Municipality", ["306.0"])
    assert "1,006" in text(response)


@pytest.mark.parametrize(("query", "field", "message"), [
    ("?year_from=2025&year_to=2020", "year_to", "The last year must be the same as or after the first year."),
    ("?year_from=1990", "year_from", "Select a valid choice."),
    ("?municipality=LT-99", "municipality", "Select a valid choice."),
    ("?sex=X", "sex", "Select a valid choice."),
    ("?by=programme_kind", "by", "Select a valid choice."),
])
def test_bad_filters_are_explained(client, published, query, field, message):
    response = english(client).get(page("SHARE-01") + query)
    assert response.status_code == 200
    content = text(response)
    assert "There is a problem" in content and message in content
    assert f'href="#id_{field}"' in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    assert 'id="chart-series"' not in response.content.decode()
    download = client.get(reverse("statistics:download-csv", args=["SHARE-01"]) + query)
    assert download.status_code == 400 and message in download.content.decode()


def test_a_zero_denominator_shows_its_symbol(client, published):
    ObservationFactory(run=published.run, indicator=published.share, year=2025, municipality="LT-19", sex="F",
                       value=float("nan"), numerator=0.0, denominator=0.0, flag="zero_denominator")
    response = english(client).get(page("SHARE-01") + "?municipality=LT-19&sex=F&by=")
    assert table(response, "chart-series")[-1] == ("2025", [repr(country_share(2025) + 2), "z"])
    assert "not computable: the denominator is zero" in text(response)
    rows = csv_rows(client.get(reverse("statistics:download-csv", args=["SHARE-01"])
                               + "?year_from=2025&municipality=LT-19&sex=F&by="))
    assert rows[-1] == ["2025", "LT-19", "Kaunas City Municipality", "F", "Female", "", "0", "0", "z"]


def test_a_breakdown_by_county(client, published):
    counties = CodeListFactory(code="county")
    for code, name in (("LT-VL", "Vilnius County"), ("LT-KU", "Kaunas County")):
        ClassifierItemFactory(code_list=counties, code=code, name_lt=name, name_en=name)
    schools = IndicatorFactory(code="SCHOOLS", theme=published.theme, name_en="Schools", decimals=0,
                               dimensions=["county", "municipality"])
    for dims, value in (({}, 30.0), ({"county": "LT-VL"}, 20.0), ({"county": "LT-KU"}, 10.0),
                        ({"municipality": "LT-57"}, 18.0), ({"municipality": "LT-19"}, 9.0)):
        ObservationFactory(run=published.run, indicator=schools, year=2025, value=value, numerator=value, **dims)
    response = english(client).get(page("SCHOOLS"))
    assert 'name="county"' not in response.content.decode()  # a breakdown, not a filter
    assert table(response, "chart-breakdown") == [("Kaunas County", ["10.0"]), ("Vilnius County", ["20.0"])]
    assert table(response, "chart-series") == [("2025", ["30.0"])]
    assert [r[0] for r in table(response, "chart-municipalities")[1:]] == [
        "Vilnius City Municipality", "Kaunas City Municipality"]
    # with a municipality chosen the county breakdown is still the country's
    response = english(client).get(page("SCHOOLS") + "?municipality=LT-57")
    assert [len(cells) for _h, cells in table(response, "chart-breakdown")] == [1, 1]


def test_lithuanian_numbers_have_a_decimal_comma(client, published):
    response = client.get(page("SHARE-01"))
    assert "49,0" in text(response) and "Merginų dalis" in text(response)


# Downloads ----------------------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_the_csv_download_has_metadata_flags_and_the_filtered_rows(client, published):
    response = english(client).get(reverse("statistics:download-csv", args=["SHARE-01"]) + "?year_from=2024")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="SHARE-01-2024-2025.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    meta = {r[0]: r[1] for r in rows[:rows.index([])]}
    assert meta["Indicator"] == "SHARE-01 Share of girls" and meta["Unit"] == "%"
    assert meta["Methodology version"] == "2" and meta["Years"] == "2024–2025"
    assert meta["Municipality"] == "All municipalities" and meta["Sex"] == "Total" and meta["Broken down by"] == "Sex"
    assert meta["Symbol c"].startswith("confidential")
    header = rows[rows.index([]) + 1]
    assert header == ["Year", "Municipality code", "Municipality", "Sex code", "Sex", "Value", "Numerator",
                      "Denominator", "Flag"]
    data = rows[rows.index([]) + 2:]
    # per year: the country, its two sexes, three municipalities
    assert len(data) == 2 * 6
    assert ["2025", "", "Lithuania", "", "Total", "49.0", "49", "100", ""] in data
    assert ["2025", "", "Lithuania", "F", "Female", "51.0", "51", "100", ""] in data
    assert ["2025", "LT-01", "Akmenė District Municipality", "", "Total", "", "", "", "c"] in data
    assert ["2024", "LT-19", "Kaunas City Municipality", "", "Total", "", "", "", "c"] in data
    no_hidden_number(response.content.decode())


def test_the_csv_follows_the_chosen_municipality_and_filters(client, published):
    url = reverse("statistics:download-csv", args=["SHARE-01"]) + "?year_from=2025&municipality=LT-57&sex=F&by="
    rows = csv_rows(english(client).get(url))
    data = rows[rows.index([]) + 2:]
    assert data == [["2025", "", "Lithuania", "F", "Female", "51.0", "51", "100", ""],
                    ["2025", "LT-57", "Vilnius City Municipality", "F", "Female", "54.0", "54", "100", ""]]


def test_the_xlsx_download(client, published):
    response = english(client).get(reverse("statistics:download-xlsx", args=["SHARE-01"]) + "?year_from=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Indicator", "SHARE-01 Share of girls"] + [None] * (len(rows[0]) - 2)
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Year")
    data = rows[header_at + 1:]
    assert [2025, "", "Lithuania", "", "Total", 49.0, 49.0, 100.0, ""] in [
        [v if v is not None else "" for v in r] for r in data]
    akmene = next(r for r in data if r[1] == "LT-01")
    assert akmene[5:] == [None, None, None, "c"]
    assert sheet.cell(row=header_at + 2, column=6).number_format == "0.0"
    for r in data:
        assert HIDDEN_VALUE not in r and SECONDARY_VALUE not in r


# The summary page ---------------------------------------------------------------------------------------------


def test_the_summary_page_and_its_downloads(client, published):
    response = english(client).get(SUMMARY)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="2025" selected>2025</option>' in body
    assert '<option value="LT-57">Vilnius City Municipality</option>' in body
    xlsx = client.get(SUMMARY + "?year=2025&area=&format=xlsx")
    assert xlsx.status_code == 200 and 'filename="statistics-2025-LT.xlsx"' in xlsx["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Cover", "Participation"]
    pdf = client.get(SUMMARY + "?year=2024&area=LT-57&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"2024" in pdf.content


def test_the_summary_page_preselects_the_officers_municipality(officer, published):
    assert '<option value="LT-57" selected>' in officer.get(SUMMARY).content.decode()


def test_the_summary_page_explains_bad_choices(client, published):
    response = english(client).get(SUMMARY + "?year=1999&area=LT-99&format=doc")
    assert response.status_code == 200
    content = text(response)
    assert "There is a problem" in content and content.count("Select a valid choice.") >= 3


def test_pages_read_a_bounded_number_of_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        english(client).get(page("SHARE-01") + "?municipality=LT-57&by=sex")
    with django_assert_max_num_queries(10):
        client.get(INDEX)
