"""The statistical summary: the XLSX's cover and theme sheets (the area's value, the five-year series, the table by
municipality in the country's report), the PDF (a PDF with the year, in a font with the Lithuanian letters), the
figures as published (suppressed ones as their symbol, never the unpublished run or a non-public indicator) and bad
input (nothing written, the field named)."""

import io

import openpyxl
import pytest
from django.utils import translation

from edureg.indicators.summary import FONT, SummaryError, build_report, write_summary
from edureg.indicators.tests.published import (
    HIDDEN_VALUE,
    SECONDARY_VALUE,
    UNPUBLISHED_VALUE,
    country_share,
    municipality_share,
    publish_sample,
)

pytestmark = pytest.mark.django_db

LITHUANIAN = "ąčęėįšųūžĄČĘĖĮŠŲŪŽ"


@pytest.fixture
def published():
    return publish_sample()


def workbook(**options) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    with translation.override("en"):
        write_summary(buffer, fmt="xlsx", **options)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def rows_of(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def block(rows, name) -> list[list]:
    """The rows of one indicator's block in a theme sheet, from its title to the next title."""
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith(name))
    end = next((i for i, r in enumerate(rows[start + 1:], start + 1) if r[0] and str(r[0]).endswith(")")
                and r[1] is None and "(" in str(r[0]) and i > start + 3), len(rows))
    return rows[start:end]


def test_the_country_report_as_xlsx(published):
    book = workbook(year=2025)
    assert book.sheetnames == ["Cover", "Participation"]
    cover = {r[0]: r[1] for r in rows_of(book["Cover"]) if r[0]}
    assert "Education statistics 2025: Lithuania" in cover
    assert cover["Year"] == "2025" and cover["Area"] == "Lithuania"
    assert cover["Indicator run"].startswith("7, published")
    assert "fewer than 5 people is not published" in cover["Disclosure control"]
    assert cover["Symbol c"].startswith("confidential")
    rows = rows_of(book["Participation"])
    share = block(rows, "Share of girls (SHARE-01)")
    assert share[3][:2] == ["Lithuania, 2025", 49.0]
    assert share[5][:6] == ["Area", 2021, 2022, 2023, 2024, 2025]
    assert ["Lithuania", *[country_share(y) for y in range(2021, 2026)]] == share[6][:6]
    by_municipality = share[share.index(next(r for r in share if r[0] == "Municipality")) + 1:]
    assert [r[:2] for r in by_municipality if r[0]] == [
        ["Akmenė District Municipality", "c"], ["Kaunas City Municipality", municipality_share("LT-19", 2025)],
        ["Vilnius City Municipality", municipality_share("LT-57", 2025)]]
    assert "Number of learners (COUNT-01)" in [r[0] for r in rows]
    flat = [v for r in rows for v in r]
    assert "Internal only (HIDDEN-01)" not in flat
    for hidden in (HIDDEN_VALUE, SECONDARY_VALUE, UNPUBLISHED_VALUE):
        assert hidden not in flat


def test_a_municipality_report_compares_with_the_country(published):
    book = workbook(year=2024, municipality="LT-19")
    cover = {r[0]: r[1] for r in rows_of(book["Cover"]) if r[0]}
    assert cover["Area"] == "Kaunas City Municipality" and cover["Year"] == "2024"
    rows = rows_of(book["Participation"])
    share = block(rows, "Share of girls (SHARE-01)")
    assert share[3][:2] == ["Kaunas City Municipality, 2024", "c"]  # secondary suppression: the symbol, no number
    assert share[5][:6] == ["Area", 2020, 2021, 2022, 2023, 2024]
    assert share[6][:6] == ["Kaunas City Municipality", *[municipality_share("LT-19", y) for y in range(2020, 2024)],
                            "c"]
    assert share[7][:6] == ["Lithuania", *[country_share(y) for y in range(2020, 2025)]]
    assert "Municipality" not in [r[0] for r in rows]  # no table by municipality
    assert SECONDARY_VALUE not in [v for r in rows for v in r]


def test_years_before_the_data_are_marked_missing(published):
    rows = rows_of(workbook(year=2020)["Participation"])
    share = block(rows, "Share of girls (SHARE-01)")
    assert share[5][:6] == ["Area", 2016, 2017, 2018, 2019, 2020]
    assert share[6][:6] == ["Lithuania", ":", ":", ":", country_share(2019), country_share(2020)]


def test_the_pdf(published, tmp_path):
    path = tmp_path / "summary.pdf"
    with translation.override("en"):
        write_summary(path, year=2025, fmt="pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"Education statistics 2025: Lithuania" in data  # the document's title
    assert b"DejaVuSans" in data and b"/FontFile2" in data  # the embedded TrueType font
    assert len(data) > 5000
    municipal = io.BytesIO()
    write_summary(municipal, year=2024, municipality="LT-57", fmt="pdf", language="lt")
    assert municipal.getvalue().startswith(b"%PDF") and b"2024" in municipal.getvalue()
    assert b"/Lang (lt)" in municipal.getvalue()


def test_the_pdf_font_has_the_lithuanian_letters(published):
    from reportlab.pdfbase import pdfmetrics

    write_summary(io.BytesIO(), year=2025, fmt="pdf")
    font = pdfmetrics.getFont(FONT)
    assert all(ord(letter) in font.face.charToGlyph for letter in LITHUANIAN)


def test_the_pdf_is_the_same_each_time(published):
    first, second = io.BytesIO(), io.BytesIO()
    write_summary(first, year=2025, fmt="pdf", language="en")
    write_summary(second, year=2025, fmt="pdf", language="en")
    assert first.getvalue() == second.getvalue()


def test_the_report_reads_only_the_published_run(published):
    report = build_report(year=2025)
    blocks = {b.indicator.code: b for _theme, bs in report.themes for b in bs}
    assert set(blocks) == {"SHARE-01", "COUNT-01"}
    assert blocks["SHARE-01"].headline.value == country_share(2025)
    assert report.run.number == 7


@pytest.mark.parametrize(("options", "field"), [
    ({"year": 2031}, "year"),
    ({"year": "twenty"}, "year"),
    ({"year": 2025, "municipality": "LT-99"}, "municipality"),
    ({"year": 2025, "fmt": "docx"}, "format"),
])
def test_bad_input_names_the_field_and_writes_nothing(published, tmp_path, options, field):
    path = tmp_path / "out.xlsx"
    with translation.override("en"), pytest.raises(SummaryError) as caught:
        write_summary(path, **options)
    assert caught.value.messages[0].startswith(f"{field}: ")
    assert not path.exists()


def test_nothing_published(db, tmp_path):
    with translation.override("en"), pytest.raises(SummaryError, match="No indicator run is published yet"):
        write_summary(tmp_path / "x.pdf", year=2025, fmt="pdf")
