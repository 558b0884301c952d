"""The server-side SVG charts: well-formed and escaped, named and described for screen readers, every plotted
value carried by a marker or bar with its data, gaps and flags where values are missing, series told apart without
colour, ticks that cover the data, and the same bytes for the same input."""

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from edureg.indicators.charts import STYLES, Series, bar_chart, line_chart, nice_ticks, tick_decimals


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def line(**overrides) -> str:
    options = {"uid": "c1", "title": "Share of girls: Vilnius and Lithuania, 2021–2025",
               "desc": "Line chart: years on the horizontal axis.", "x_labels": ["2021", "2022", "2023", "2024"],
               "series": [Series("Lithuania", [43.0, 44.5, None, 47.5], ["", "", "c", ""]),
                          Series("Vilnius", [47.0, 48.0, 49.0, 50.0])],
               "unit": "%", "decimals": 1, "describedby": "c1-summary"}
    options.update(overrides)
    return line_chart(**options)


def bars(**overrides) -> str:
    options = {"uid": "b1", "title": "By municipality, 2025", "desc": "Bar chart.",
               "categories": ["Vilniaus miesto savivaldybė", "Kauno miesto savivaldybė", "Akmenės rajono savivaldybė"],
               "series": [Series("%", [51.0, 44.0, None], ["", "", "c"])], "unit": "%", "decimals": 1,
               "reference": ("Lithuania", 49.0), "highlight": [0]}
    options.update(overrides)
    return bar_chart(**options)


def test_a_line_chart_is_named_and_described():
    root = parse(line())
    assert root.tag == "svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert root.get("aria-describedby") == "c1-desc c1-summary"
    assert root.find("title").get("id") == "c1-title"
    assert root.find("title").text == "Share of girls: Vilnius and Lithuania, 2021–2025"
    assert root.find("desc").text == "Line chart: years on the horizontal axis."
    assert root.get("viewBox").startswith("0 0 640 ")


def test_text_is_escaped():
    svg = line(title='<script>alert("x")</script> & co', series=[Series('A "quoted" <b>', [1.0, 2.0, 3.0, 4.0])])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find("title").text == '<script>alert("x")</script> & co'
    assert any(t.text == 'A "quoted" <b>' for t in root.iter("text"))


def test_every_value_has_a_marker_with_its_data():
    root = parse(line())
    marked = [(e.get("data-series"), e.get("data-x"), float(e.get("data-value")))
              for e in root.iter() if e.get("data-value") is not None]
    assert marked == [("0", "2021", 43.0), ("0", "2022", 44.5), ("0", "2024", 47.5),
                      ("1", "2021", 47.0), ("1", "2022", 48.0), ("1", "2023", 49.0), ("1", "2024", 50.0)]


def test_a_missing_value_breaks_the_line_and_shows_its_flag():
    root = parse(line())
    paths = [e for e in root.iter("path") if e.get("fill") == "none"]
    # Lithuania: 2021–2022 is one segment, 2024 alone has no segment; Vilnius: one segment of four points
    assert [len(re.findall(r"[ML]", p.get("d"))) for p in paths] == [2, 4]
    flags = [e for e in root.iter("text") if e.get("data-flag")]
    assert [(f.get("data-series"), f.get("data-x"), f.text) for f in flags] == [("0", "2023", "c")]


def test_series_differ_by_line_and_marker_not_only_colour():
    root = parse(line())
    solid, dashed = [e for e in root.iter("path") if e.get("fill") == "none"]
    assert solid.get("stroke-dasharray") is None and dashed.get("stroke-dasharray") == STYLES[1].dash
    shapes = {e.get("data-series"): e.tag for e in root.iter() if e.get("data-value") is not None}
    assert shapes == {"0": "circle", "1": "rect"}
    legend = [t.text for t in root.iter("text")]
    assert "Lithuania" in legend and "Vilnius" in legend and "%" in legend


def test_points_are_placed_by_value():
    root = parse(line(series=[Series("A", [0.0, 10.0, 20.0, 40.0])]))
    ys = [float(e.get("cy")) for e in root.iter("circle") if e.get("data-value")]
    assert ys[0] > ys[1] > ys[2] > ys[3]  # higher values are higher up
    assert math.isclose(ys[0] - ys[1], ys[1] - ys[2], rel_tol=0.02)  # linear
    xs = [float(e.get("cx")) for e in root.iter("circle") if e.get("data-value")]
    assert xs == sorted(xs) and len(set(xs)) == 4


def test_the_output_is_deterministic():
    assert line() == line()
    assert bars() == bars()
    assert line() != line(series=[Series("Lithuania", [43.0, 44.6, None, 47.5])])


def test_no_values_at_all_still_draws_axes():
    root = parse(line(series=[Series("A", [None] * 4, ["c"] * 4)]))
    assert not [e for e in root.iter() if e.get("data-value")]
    assert len([e for e in root.iter("text") if e.get("data-flag") == "c"]) == 4


def test_a_bar_chart_carries_each_value_and_its_label():
    root = parse(bars())
    rects = [e for e in root.iter("rect") if e.get("data-value")]
    assert [(r.get("data-category"), float(r.get("data-value"))) for r in rects] == [
        ("Vilniaus miesto savivaldybė", 51.0), ("Kauno miesto savivaldybė", 44.0)]
    assert rects[0].get("width") > "0" and float(rects[0].get("width")) > float(rects[1].get("width"))
    texts = [t.text for t in root.iter("text")]
    assert "51.0" in texts and "44.0" in texts  # direct labels
    flagged = [t for t in root.iter("text") if t.get("data-flag")]
    assert [(t.get("data-category"), t.text) for t in flagged] == [("Akmenės rajono savivaldybė", "c")]


def test_the_reference_line_and_the_highlight():
    root = parse(bars())
    reference = next(e for e in root.iter("line") if e.get("data-reference"))
    assert float(reference.get("data-reference")) == 49.0 and reference.get("stroke-dasharray")
    assert "Lithuania: 49.0" in [t.text for t in root.iter("text")]
    bold = [t.text for t in root.iter("text") if t.get("font-weight") == "bold"]
    assert "▶ Vilniaus miesto savivaldybė" in bold
    # the reference lies between the two bars' ends
    x_ref = float(reference.get("x1"))
    ends = [float(r.get("x")) + float(r.get("width")) for r in root.iter("rect") if r.get("data-value")]
    assert ends[1] < x_ref < ends[0]


def test_bar_series_differ_by_fill_pattern():
    root = parse(bars(series=[Series("Lithuania", [47.0, 51.0, 1.0]), Series("Vilnius", [48.0, 54.0, 2.0])],
                      categories=["Male", "Female", "Other"], reference=None, highlight=[]))
    fills = {r.get("data-series"): r.get("fill") for r in root.iter("rect") if r.get("data-value")}
    assert fills["0"] == STYLES[0].colour and fills["1"] == "url(#b1-fill-1)"
    assert root.find("defs/pattern[@id='b1-fill-1']") is not None
    assert {"Lithuania", "Vilnius"} <= {t.text for t in root.iter("text")}  # legend


def test_negative_bars_go_left_of_zero():
    root = parse(bars(series=[Series("Change", [-5.0, 10.0, 0.0])], reference=None, highlight=[]))
    rects = {r.get("data-category"): r for r in root.iter("rect") if r.get("data-value")}
    neg, pos = rects["Vilniaus miesto savivaldybė"], rects["Kauno miesto savivaldybė"]
    assert float(neg.get("x")) + float(neg.get("width")) == float(pos.get("x"))  # both start or end at zero


def test_long_labels_wrap():
    long = "Labai ilgas savivaldybės pavadinimas, kuris netelpa vienoje eilutėje ir turi būti perkeltas į kitą"
    root = parse(bars(categories=[long, "B", "C"]))
    label_lines = [t.text for t in root.iter("text") if t.text and t.text.replace("▶ ", "") in long]
    assert len(label_lines) == 2 and " ".join(label_lines).replace("▶ ", "") == long


def test_a_custom_number_format_is_used():
    root = parse(bars(number=lambda v, d: f"{v:.{d}f}".replace(".", ",")))
    assert "51,0" in [t.text for t in root.iter("text")]


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False))
def test_ticks_cover_the_data_in_round_steps(a, b):
    a, b = round(a, 6), round(b, 6)  # published figures have at most six decimals
    low, high = min(a, b, 0.0), max(a, b, 0.0)
    ticks = nice_ticks(low, high)
    slack = abs(ticks[1] - ticks[0]) * 1e-6  # a millionth of a step is not visible on the axis
    assert ticks[0] <= low + slack and ticks[-1] >= high - slack
    assert 0.0 in ticks
    assert 2 <= len(ticks) <= 12
    steps = [t2 - t1 for t1, t2 in zip(ticks, ticks[1:], strict=False)]
    step = steps[0]
    assert all(math.isclose(s, step, rel_tol=1e-6) for s in steps)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


def test_tick_decimals_follow_the_step():
    assert tick_decimals([0, 20, 40]) == 0
    assert tick_decimals([0, 0.5, 1]) == 1
    assert tick_decimals([0, 2.5, 5]) == 1
    assert tick_decimals([0, 0.25, 0.5]) == 2
