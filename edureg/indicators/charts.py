"""Server-side SVG charts for the statistics pages: a line chart (values over the years) and a horizontal bar chart
(values by category, one bar per series, with an optional reference line).

Plain strings, no Django: the caller gives the words (title, description, series names) already translated and a
number formatter in the reader's language. Every text is escaped. The output is deterministic (coordinates rounded
to 0.1 px, ids from the caller's `uid`), so the same data gives the same bytes.

Readable without colour: each series has its own marker (circle, square, triangle, diamond), line (solid, dashed,
dotted, dash-dot) and bar fill (solid, hatched, dotted, cross-hatched), a legend names them, bars carry their value
as a direct label, and missing values (suppressed, not computable) leave a gap marked with their flag symbol. The
SVG is role="img", named by its <title> and described by its <desc> (and by `describedby`, e.g. a visible summary
sentence). Markers and bars carry data-* attributes with the plotted values, so tests can compare them with the
data table printed under the chart.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH = 640
FONT = 15
SMALL = 13
TEXT_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"
GRID_COLOUR = "#b1b4b6"
FONT_FAMILY = "GDS Transport, arial, sans-serif"


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # stroke-dasharray; "" = solid
    marker: str  # circle, square, triangle, diamond
    fill: str  # solid, hatch, dots, cross


STYLES: tuple[Style, ...] = (
    Style("#1d70b8", "", "circle", "solid"),
    Style("#0b0c0c", "8 5", "square", "hatch"),
    Style("#00703c", "2 4", "triangle", "dots"),
    Style("#6f3c97", "10 4 2 4", "diamond", "cross"),
)


@dataclass(frozen=True)
class Series:
    """A named row of values, one per x label / category (None: no value to plot). `flags` holds, at the same
    positions, the symbol to show where a value is missing ("c" for confidential ...)."""

    name: str
    values: Sequence[float | None]
    flags: Sequence[str] = field(default_factory=tuple)

    def flag(self, i: int) -> str:
        return self.flags[i] if i < len(self.flags) else ""


def default_number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros, no negative zero."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**attrs) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def _el(tag: str, text: str | None = None, **attrs) -> str:
    attributes = _attrs(**attrs)
    opening = f"<{tag} {attributes}" if attributes else f"<{tag}"
    if text is None:
        return opening + "/>"
    return f"{opening}>{escape(text, quote=False)}</{tag}>"


# Scales ---------------------------------------------------------------------------------------------------------


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` intervals over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= raw - 1e-12:
            return multiple * power
    return 10 * power  # pragma: no cover - the loop always returns


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], always including 0 when the range starts at or crosses it."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high < low:
        low, high = high, low
    if high - low < 1e-6:  # figures have at most six decimals: a flat line, drawn from zero
        if max(abs(low), abs(high)) < 1e-6:
            low, high = 0.0, 1.0
        else:
            low, high = min(low, 0.0), max(high, 0.0)
    step = nice_step(high - low, count)
    digits = max(0, 2 - math.floor(math.log10(step)))
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    ticks, k = [], 0
    while True:
        value = round(start + k * step, digits)
        ticks.append(0.0 if value == 0 else value)
        if value >= stop - step * 1e-6 or k > 50:
            break
        k += 1
    return ticks


def tick_decimals(ticks: Sequence[float]) -> int:
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    return next((d for d in range(7) if abs(round(step, d) - step) < 1e-9 * max(1.0, step)), 6)


def _value_range(series: Sequence[Series], extra: Sequence[float] = ()) -> tuple[float, float]:
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    values += [v for v in extra if v is not None and math.isfinite(v)]
    if not values:
        return 0.0, 1.0
    return min(0.0, min(values)), max(0.0, max(values))


# Shared pieces ----------------------------------------------------------------------------------------------------


def _defs(uid: str) -> str:
    """Fill patterns (hatch, dots, cross) in each series colour."""
    parts = []
    for i, style in enumerate(STYLES):
        pid = f"{uid}-fill-{i}"
        if style.fill == "hatch":
            body = (_el("rect", width="8", height="8", fill="#ffffff")
                    + _el("path", d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6", stroke=style.colour, stroke_width="2"))
        elif style.fill == "dots":
            body = (_el("rect", width="8", height="8", fill="#ffffff")
                    + _el("circle", cx="4", cy="4", r="2", fill=style.colour))
        elif style.fill == "cross":
            body = (_el("rect", width="8", height="8", fill="#ffffff")
                    + _el("path", d="M0,0 L8,8 M8,0 L0,8", stroke=style.colour, stroke_width="1.5"))
        else:
            continue
        parts.append(f'<pattern {_attrs(id=pid, width="8", height="8", patternUnits="userSpaceOnUse")}>'
                     f"{body}</pattern>")
    return f"<defs>{''.join(parts)}</defs>"


def _fill(uid: str, i: int) -> str:
    style = STYLES[i % len(STYLES)]
    return style.colour if style.fill == "solid" else f"url(#{uid}-fill-{i % len(STYLES)})"


def _marker(i: int, x: float, y: float, **data) -> str:
    style = STYLES[i % len(STYLES)]
    common = {"fill": style.colour, "stroke": "#ffffff", "stroke_width": "1.5", **data}
    if style.marker == "circle":
        return _el("circle", cx=_n(x), cy=_n(y), r="5", **common)
    if style.marker == "square":
        return _el("rect", x=_n(x - 4.5), y=_n(y - 4.5), width="9", height="9", **common)
    if style.marker == "triangle":
        return _el("path", d=f"M{_n(x)},{_n(y - 6)} L{_n(x + 6)},{_n(y + 4.5)} L{_n(x - 6)},{_n(y + 4.5)} Z",
                   **common)
    return _el("path", d=f"M{_n(x)},{_n(y - 6)} L{_n(x + 6)},{_n(y)} L{_n(x)},{_n(y + 6)} L{_n(x - 6)},{_n(y)} Z",
               **common)


def _legend_line(i: int, name: str, x: float, y: float) -> str:
    style = STYLES[i % len(STYLES)]
    return (_el("line", x1=_n(x), y1=_n(y), x2=_n(x + 36), y2=_n(y), stroke=style.colour, stroke_width="3",
                stroke_dasharray=style.dash or None)
            + _marker(i, x + 18, y)
            + _el("text", name, x=_n(x + 44), y=_n(y + 5), font_size=str(FONT)))


def _legend_box(uid: str, i: int, name: str, x: float, y: float) -> str:
    return (_el("rect", x=_n(x), y=_n(y - 8), width="28", height="16", fill=_fill(uid, i),
                stroke=STYLES[i % len(STYLES)].colour, stroke_width="1.5")
            + _el("text", name, x=_n(x + 36), y=_n(y + 5), font_size=str(FONT)))


def _svg(uid: str, height: float, title: str, desc: str, body: str, describedby: str | None,
         kind: str, defs: str = "") -> str:
    labelled = f"{uid}-title"
    described = " ".join(x for x in (f"{uid}-desc", describedby) if x)
    attributes = _attrs(id=uid, class_=f"edureg-chart edureg-chart--{kind}", viewBox=f"0 0 {WIDTH} {_n(height)}",
                        role="img", aria_labelledby=labelled, aria_describedby=described, font_family=FONT_FAMILY,
                        fill=TEXT_COLOUR, focusable="false")
    head = f"<svg {attributes}>"
    return (head + _el("title", title, id=labelled) + _el("desc", desc, id=f"{uid}-desc") + defs + body
            + "</svg>")


def _wrap(text: str, width_chars: int) -> list[str]:
    """Split a label into lines of at most about `width_chars` characters, at spaces."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines or [""]


# Line chart -------------------------------------------------------------------------------------------------------


def line_chart(*, uid: str, title: str, desc: str, x_labels: Sequence[str], series: Sequence[Series],
               unit: str = "", decimals: int = 1, number: Callable[[float, int], str] = default_number,
               describedby: str | None = None, height: int = 320) -> str:
    """Values over `x_labels` (years), one line per series; a missing value breaks the line and shows the
    series' flag symbol at the bottom of the plot."""
    legend_rows = len(series)
    top = 16 + legend_rows * 24 + (20 if unit else 0)
    left, right, bottom = 72, 24, 44
    plot_h = max(120, height - top - bottom)
    total_h = top + plot_h + bottom
    plot_w = WIDTH - left - right
    ticks = nice_ticks(*_value_range(series))
    lo, hi = ticks[0], ticks[-1]
    tdec = tick_decimals(ticks)
    n = len(x_labels)

    def x_of(i: int) -> float:
        return left + plot_w / 2 if n == 1 else left + 12 + i * (plot_w - 24) / (n - 1)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    parts = []
    # legend
    for i, s in enumerate(series):
        parts.append(_legend_line(i, s.name, left, 16 + i * 24))
    if unit:
        parts.append(_el("text", unit, x=_n(left - 8), y=_n(top - 10), font_size=str(SMALL), text_anchor="end"))
    # grid and y axis
    for t in ticks:
        y = y_of(t)
        parts.append(_el("line", x1=_n(left), y1=_n(y), x2=_n(left + plot_w), y2=_n(y),
                         stroke=AXIS_COLOUR if t == 0 else GRID_COLOUR, stroke_width="1"))
        parts.append(_el("text", number(t, tdec), x=_n(left - 8), y=_n(y + 4), font_size=str(SMALL),
                         text_anchor="end"))
    parts.append(_el("line", x1=_n(left), y1=_n(top), x2=_n(left), y2=_n(top + plot_h), stroke=AXIS_COLOUR))
    # x axis labels (every k-th when crowded)
    every = max(1, math.ceil(n / 10))
    for i, label in enumerate(x_labels):
        x = x_of(i)
        parts.append(_el("line", x1=_n(x), y1=_n(top + plot_h), x2=_n(x), y2=_n(top + plot_h + 5),
                         stroke=AXIS_COLOUR))
        if i % every == 0 or i == n - 1:
            parts.append(_el("text", label, x=_n(x), y=_n(top + plot_h + 22), font_size=str(SMALL),
                             text_anchor="middle"))
    # lines, markers, flags
    for si, s in enumerate(series):
        style = STYLES[si % len(STYLES)]
        segments, current = [], []
        for i in range(n):
            v = s.values[i] if i < len(s.values) else None
            if v is None or not math.isfinite(v):
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x_of(i), y_of(v)))
        if current:
            segments.append(current)
        for seg in segments:
            if len(seg) > 1:
                d = " ".join(f"{'M' if k == 0 else 'L'}{_n(x)},{_n(y)}" for k, (x, y) in enumerate(seg))
                parts.append(_el("path", d=d, fill="none", stroke=style.colour, stroke_width="3",
                                 stroke_dasharray=style.dash or None, stroke_linejoin="round"))
        for i in range(n):
            v = s.values[i] if i < len(s.values) else None
            if v is not None and math.isfinite(v):
                parts.append(_marker(si, x_of(i), y_of(v), data_series=str(si), data_x=x_labels[i],
                                     data_value=repr(float(v))))
            elif s.flag(i):
                parts.append(_el("text", s.flag(i), x=_n(x_of(i) + (si - (len(series) - 1) / 2) * 12),
                                 y=_n(top + plot_h - 6), font_size=str(SMALL), font_style="italic",
                                 text_anchor="middle", data_series=str(si), data_x=x_labels[i],
                                 data_flag=s.flag(i)))
    return _svg(uid, total_h, title, desc, "".join(parts), describedby, "line")


# Bar chart --------------------------------------------------------------------------------------------------------


def bar_chart(*, uid: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
              unit: str = "", decimals: int = 1, number: Callable[[float, int], str] = default_number,
              reference: tuple[str, float] | None = None, highlight: Sequence[int] = (),
              describedby: str | None = None) -> str:
    """Horizontal bars: each category's label on its own line, then one bar per series with its value (or flag
    symbol) written after it. `reference` draws a labelled dashed vertical line (e.g. the country's value);
    `highlight` lists categories whose label is bold and marked with a pointer."""
    multi = len(series) > 1
    legend_h = len(series) * 24 if multi else 0
    ref_h = 22 if reference else 0
    unit_h = 20 if unit else 0
    top = 12 + legend_h + ref_h + unit_h
    left, right = 12, 84
    plot_w = WIDTH - left - right
    bar_h, gap, label_h = 16, 4, 20
    extra = [reference[1]] if reference and reference[1] is not None else []
    ticks = nice_ticks(*_value_range(series, extra))
    lo, hi = ticks[0], ticks[-1]
    tdec = tick_decimals(ticks)
    wrap_at = 70

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    parts = []
    if multi:
        for i, s in enumerate(series):
            parts.append(_legend_box(uid, i, s.name, left, 12 + i * 24 + 4))
    if unit:
        parts.append(_el("text", unit, x=_n(left), y=_n(12 + legend_h + 14), font_size=str(SMALL)))
    # category blocks
    y = top
    blocks = []
    for ci, category in enumerate(categories):
        lines = _wrap(category, wrap_at)
        bold = ci in highlight
        for li, line in enumerate(lines):
            text = ("▶ " if bold and li == 0 else "") + line
            blocks.append(_el("text", text, x=_n(left), y=_n(y + 15 + li * 18), font_size=str(FONT),
                              font_weight="bold" if bold else None))
        y += label_h + (len(lines) - 1) * 18
        for si, s in enumerate(series):
            v = s.values[ci] if ci < len(s.values) else None
            if v is not None and math.isfinite(v):
                x0, x1 = sorted((x_of(0.0), x_of(v)))
                style = STYLES[si % len(STYLES)]
                blocks.append(_el("rect", x=_n(x0), y=_n(y), width=_n(max(x1 - x0, 1)), height=str(bar_h),
                                  fill=_fill(uid, si), stroke=style.colour, stroke_width="1.5",
                                  data_series=str(si), data_category=category, data_value=repr(float(v))))
                blocks.append(_el("text", number(v, decimals), x=_n(max(x1, x_of(0.0)) + 6), y=_n(y + 13),
                                  font_size=str(SMALL), font_weight="bold" if bold else None))
            else:
                blocks.append(_el("text", s.flag(ci) or "", x=_n(x_of(0.0) + 6), y=_n(y + 13),
                                  font_size=str(SMALL), font_style="italic", data_series=str(si),
                                  data_category=category, data_flag=s.flag(ci)))
            y += bar_h + gap
        y += 10
    plot_bottom = y
    # grid lines and ticks, drawn under the bars
    grid = []
    for t in ticks:
        x = x_of(t)
        grid.append(_el("line", x1=_n(x), y1=_n(top), x2=_n(x), y2=_n(plot_bottom),
                        stroke=AXIS_COLOUR if t == 0 else GRID_COLOUR, stroke_width="1"))
        grid.append(_el("text", number(t, tdec), x=_n(x), y=_n(plot_bottom + 18), font_size=str(SMALL),
                        text_anchor="middle"))
    overlay = []
    if reference and reference[1] is not None and math.isfinite(reference[1]):
        rx = x_of(reference[1])
        overlay.append(_el("line", x1=_n(rx), y1=_n(top - 4), x2=_n(rx), y2=_n(plot_bottom), stroke=TEXT_COLOUR,
                           stroke_width="2", stroke_dasharray="6 4", data_reference=repr(float(reference[1]))))
        label = f"{reference[0]}: {number(reference[1], decimals)}"
        anchor = "end" if rx > left + plot_w * 0.6 else "start"
        overlay.append(_el("text", label, x=_n(rx + (-4 if anchor == "end" else 4)), y=_n(top - 8),
                           font_size=str(SMALL), font_weight="bold", text_anchor=anchor))
    total_h = plot_bottom + 30
    return _svg(uid, total_h, title, desc, "".join(parts + grid + blocks + overlay), describedby, "bar", _defs(uid))
