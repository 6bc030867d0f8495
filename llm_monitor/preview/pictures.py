"""PNG pictures of dashboard bodies: the 24-column grid with every widget where CloudWatch puts it.

Each widget is drawn at its ``x``/``y``/``width``/``height`` with its title, its kind (graph,
single value, text, log table, alarm status), the legend of its visible series (the label, or the
id of an unlabeled expression such as a SEARCH), and its horizontal annotations (thresholds) as
dashed lines. Problems a reviewer should see (no title, no visible series, no alarms) are written
in red inside the widget.

Drawing uses Pillow directly: a layout picture needs rectangles, lines and texts, not a plotting
library (matplotlib's artists made pictures several times slower than the program run itself;
benchmarks/scale.py). What was drawn is recorded: each widget's rectangle in the image's pixels,
converted back to grid units, together with the texts drawn for it. ``render`` returns
that record and stores it in the PNG itself (a text chunk), so tests and the README check can
compare a picture with a dashboard body without looking at pixels.
"""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from llm_monitor.preview.canvas import (
    COLUMN_INCHES,
    Canvas,
)
from llm_monitor.preview.cost import log_sources

LAYOUT_KEY = "llm-monitor:layout"
TITLE_PT = 9.0
SMALL_PT = 7.5
BADGE_PT = 6.5
LINE_INCHES = SMALL_PT * 1.45 / 72
LEGEND_COLUMN_WIDTH = 4
"""Grid columns per legend column: wide widgets list their series side by side."""

# Series colours CloudWatch uses when an entry sets none (its default palette starts like this).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
ANNOTATION_COLOUR = "#d62728"
PROBLEM_COLOUR = "#c62828"
STYLE = {
    "graph": ("#eef4fb", "#1f5f9e"),
    "single value": ("#eef7f7", "#00796b"),
    "text": ("#f5f5f5", "#616161"),
    "log table": ("#f1f8ec", "#33691e"),
    "alarm status": ("#fdf0ef", "#b71c1c"),
}
OTHER_STYLE = ("#fff8e1", "#8d6e63")


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


@dataclass(frozen=True)
class Threshold:
    label: str
    value: float
    colour: str

    def __str__(self) -> str:
        return f"{self.label}: {self.value:g}" if self.label else f"{self.value:g}"


@dataclass
class Content:
    """What a widget shows, read from its properties."""

    kind: str
    title: str
    series: list[Series] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    """Lines for text, log and alarm widgets."""
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DrawnWidget:
    """One widget as drawn: its rectangle in grid units (read back from the image) and its texts.

    ``legend`` holds each entry's full text (the picture may shorten a long one with "…"); when
    not every series fits, the last entry is "+N more".
    """

    kind: str
    x: float
    y: float
    width: float
    height: float
    title: str
    legend: tuple[str, ...]
    thresholds: tuple[str, ...]
    problems: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Picture:
    png: bytes
    widgets: list[DrawnWidget]
    pixels: tuple[int, int]
    """Width and height of the PNG."""

    def layout(self) -> list[dict[str, Any]]:
        return [w.as_json() for w in self.widgets]


# --- reading widget properties -----------------------------------------------------------------


def kind_of(widget: dict[str, Any]) -> str:
    props = widget.get("properties", {})
    if widget["type"] == "metric":
        view = props.get("view", "timeSeries")
        return {"timeSeries": "graph", "singleValue": "single value"}.get(view, view)
    if widget["type"] == "log":
        view = props.get("view", "table")
        return "log table" if view == "table" else f"log {view}"
    return {"alarm": "alarm status"}.get(widget["type"], widget["type"])


def series_of(props: dict[str, Any]) -> list[Series]:
    """Visible entries of a metric widget: label, else the metric name (or an expression's id)."""
    result: list[Series] = []
    previous: list[Any] = []
    for entry in props.get("metrics", []):
        options = entry[-1] if isinstance(entry[-1], dict) else {}
        if isinstance(entry[0], dict):
            options, name = entry[0], entry[0].get("id", "?")
        else:
            values = [v for v in entry if not isinstance(v, dict)]
            values = [previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(values)]
            previous, name = values, values[1] if len(values) > 1 else "?"
        if options.get("visible", True) is False:
            continue
        colour = options.get("color") or PALETTE[len(result) % len(PALETTE)]
        result.append(Series(options.get("label") or name, colour))
    return result


def contributors_of(props: dict[str, Any]) -> list[Series]:
    """A Contributor Insights widget's one legend entry: which rule's top contributors it shows."""
    rule = props.get("insightRule")
    if not isinstance(rule, dict):
        return []
    top = f"top {rule.get('maxContributorCount', '?')} by {str(rule.get('orderBy', '?')).lower()}"
    return [Series(f"{rule.get('ruleName', '?')} ({top})", PALETTE[0])]


def thresholds_of(props: dict[str, Any]) -> list[Threshold]:
    """Horizontal annotations; a band (a pair of annotations) gives two lines."""
    result = []
    for item in props.get("annotations", {}).get("horizontal", []):
        for bound in item if isinstance(item, list) else [item]:
            if bound.get("visible", True) is not False and isinstance(bound.get("value"), int | float):
                result.append(Threshold(bound.get("label", ""), float(bound["value"]), bound.get("color", "")))
    return result


def _markdown_lines(markdown: str) -> list[str]:
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links → their text
        line = line.replace("**", "").replace("`", "").strip()
        if line:
            lines.append(line)
    return lines


def content_of(widget: dict[str, Any]) -> Content:
    props = widget.get("properties", {})
    kind = kind_of(widget)
    content = Content(kind, str(props.get("title", "")))
    if widget["type"] == "metric":
        content.series = series_of(props) or contributors_of(props)
        content.thresholds = thresholds_of(props)
        if not content.series:
            content.problems.append("no visible series")
    elif widget["type"] == "text":
        lines = _markdown_lines(str(props.get("markdown", "")))
        content.title = lines[0].lstrip("#").strip() if lines else ""
        content.text = lines[1:]
        if not lines:
            content.problems.append("empty text")
    elif widget["type"] == "log":
        query = str(props.get("query", ""))
        sources = log_sources(query)
        rest = [line.strip(" |") for line in re.sub(r"SOURCE\s+'[^']+'\s*\|?", "", query).splitlines()]
        content.text = [f"log groups: {', '.join(sources) or 'none named'}", *[r for r in rest if r]]
        if not query.strip():
            content.problems.append("no query")
    elif widget["type"] == "alarm":
        alarms = [str(a) for a in props.get("alarms", [])]
        content.text = [f"{len(alarms)} alarms, newest state change first"] if alarms else []
        content.text += [a.rsplit(":", 1)[-1] for a in alarms]
        if not alarms:
            content.problems.append("no alarms")
    if widget["type"] != "text" and not content.title:
        content.problems.append("no title")
    return content


# --- drawing ---------------------------------------------------------------------------------


def _fit(text: str, inches: float, points: float) -> str:
    """Cut ``text`` to what fits in ``inches`` at ``points`` (average glyph ≈ 0.55 em)."""
    room = max(1, int(inches * 72 / (points * 0.55)))
    return text if len(text) <= room else text[: room - 1] + "…"


def _legend_columns(width: float) -> int:
    return max(1, int(width // LEGEND_COLUMN_WIDTH))


def _draw_legend(
    c: Canvas, content: Content, x: float, top: float, widget_width: float, width: float, lines: int
) -> list[str]:
    """Series left to right in columns of LEGEND_COLUMN_WIDTH grid columns, at most ``lines`` deep.

    Returns the entries drawn (the last one says how many did not fit, if any).
    """
    columns = _legend_columns(widget_width)
    lines = max(1, lines)
    shown = content.series
    overflow = len(shown) > columns * lines
    if overflow:
        shown = shown[: columns * lines - 1]
    drawn = []
    column_width = width / columns
    step = c.rows_for(LINE_INCHES)
    for i, series in enumerate(shown):
        cx, cy = x + (i % columns) * column_width, top + (i // columns) * step
        c.rectangle(cx, cy + 0.08, 0.25, 0.18, fill=series.colour)
        label = _fit(series.label, (column_width - 0.35) * COLUMN_INCHES, SMALL_PT)
        c.text(cx + 0.35, cy, label, SMALL_PT, fill="black")
        drawn.append(series.label)
    if overflow:
        more = f"+{len(content.series) - len(shown)} more"
        i = len(shown)
        c.text(x + (i % columns) * column_width + 0.35, top + (i // columns) * step, more, SMALL_PT, fill="black")
        drawn.append(more)
    return drawn


def _draw_plot(c: Canvas, content: Content, x: float, top: float, width: float, height: float) -> None:
    """An empty plot frame with the thresholds at their relative heights (no data: nothing is deployed)."""
    c.rectangle(x, top, width, height, fill="white", outline="#b0bec5")
    values = [abs(t.value) for t in content.thresholds]
    scale = max(values) * 1.25 if values and max(values) > 0 else 1.0
    for t in content.thresholds:
        y = top + height - height * t.value / scale
        y = min(max(y, top + 0.05), top + height - 0.05)
        colour = t.colour or ANNOTATION_COLOUR
        left, right, level = c.px(x), c.px(x + width), c.py(y)
        dash = 0.06 * c.dpi
        starts = range(round(left), round(right), round(2 * dash) or 1)
        for start in starts:  # dashed: Pillow draws solid lines only
            c.draw.line(
                [(start, level), (min(start + dash, right), level)], fill=colour, width=max(1, round(c.dpi / 70))
            )
        label = _fit(str(t), width * COLUMN_INCHES - 0.1, SMALL_PT)
        c.text(x + width - 0.1, y - 0.05, label, SMALL_PT, fill=colour, anchor="rd")


def _draw_lines(c: Canvas, lines: list[str], x: float, top: float, width: float, rows: float, style: str = "") -> None:
    room = max(1, int(rows / c.rows_for(LINE_INCHES)))
    glyph = 0.6 if style == "Mono" else 0.55  # average glyph width in em
    chars = max(8, int(width * COLUMN_INCHES * 72 / (SMALL_PT * glyph)))
    wrapped = [part for line in lines for part in textwrap.wrap(line, chars) or [""]]
    if len(wrapped) > room:
        wrapped = [*wrapped[: room - 1], "…"]
    for i, line in enumerate(wrapped):
        c.text(x, top + i * c.rows_for(LINE_INCHES), line, SMALL_PT, style, fill="black")


def _draw_widget(c: Canvas, widget: dict[str, Any]) -> tuple[tuple[float, float, float, float], Content, list[str]]:
    x, y, w, h = (float(widget[k]) for k in ("x", "y", "width", "height"))
    content = content_of(widget)
    fill, ink = STYLE.get(content.kind, OTHER_STYLE)
    c.clip = None
    c.rectangle(x, y, w, h, fill=fill, outline=ink)
    c.clip = frame = c.box(x, y, w, h)
    pad_x, pad_y = c.columns_for(0.06), c.rows_for(0.05)
    inner_x, inner_w = x + pad_x, w - 2 * pad_x
    # Header: kind badge on the right, title on the left.
    badge = content.kind.upper()
    badge_w = c.columns_for(len(badge) * BADGE_PT * 0.62 / 72 + 0.08)
    c.text(x + w - pad_x, y + pad_y, badge, BADGE_PT, "-Bold", fill=ink, anchor="ra")
    title_room = (inner_w - badge_w) * COLUMN_INCHES
    title = content.title or "(no title)"
    c.text(inner_x, y + pad_y, _fit(title, title_room, TITLE_PT), TITLE_PT, "-Bold", fill="black")
    top = y + pad_y + c.rows_for(TITLE_PT * 1.5 / 72)
    if content.problems:
        problems = "⚠ " + "; ".join(content.problems)
        c.text(inner_x, top, _fit(problems, inner_w * COLUMN_INCHES, SMALL_PT), SMALL_PT, fill=PROBLEM_COLOUR)
        top += c.rows_for(LINE_INCHES)
    bottom = y + h - pad_y
    legend: list[str] = []
    room = bottom - top
    step = c.rows_for(LINE_INCHES)
    needed = math.ceil(len(content.series) / _legend_columns(w))
    if content.kind == "single value":
        legend = _draw_legend(c, content, inner_x, top, w, inner_w, min(needed, int(room / step)))
    elif content.series or content.thresholds or content.kind == "graph":
        # The legend gets what it needs, up to 60 % of the room; the plot frame gets the rest.
        lines = min(needed, int(room * 0.6 / step))
        plot = room - lines * step - 0.1
        _draw_plot(c, content, inner_x, top, inner_w, plot)
        legend = _draw_legend(c, content, inner_x, top + plot + 0.1, w, inner_w, lines) if content.series else []
    else:
        _draw_lines(c, content.text, inner_x, top, inner_w, room, "Mono" if content.kind.startswith("log") else "")
    return frame, content, legend


def render(name: str, body: dict[str, Any]) -> Picture:
    """Draw one dashboard body; the record of what was drawn is returned and embedded in the PNG."""
    widgets = body.get("widgets", [])
    rows = max((int(w["y"]) + int(w["height"]) for w in widgets), default=1)
    start = f", default range {body['start']}" if "start" in body else ""
    c = Canvas(rows, f"{name}: {len(widgets)} widgets on {rows} grid rows{start}")
    drawn = [_draw_widget(c, w) for w in widgets]
    # Each widget's rectangle as drawn, in pixels, converted back to grid units.
    record = [
        DrawnWidget(
            kind=content.kind,
            x=round((left - c.left) / c.column_px, 2),
            y=round((top - c.top) / c.row_px, 2),
            width=round((right - left) / c.column_px, 2),
            height=round((bottom - top) / c.row_px, 2),
            title=content.title,
            legend=tuple(legend),
            thresholds=tuple(str(t) for t in content.thresholds),
            problems=tuple(content.problems),
        )
        for (left, top, right, bottom), content, legend in drawn
    ]
    info = PngInfo()
    info.add_text(LAYOUT_KEY, json.dumps([w.as_json() for w in record], sort_keys=True), zip=True)
    buffer = io.BytesIO()
    # Flat colours compress well at the fastest level; higher levels cost seconds on tall pages.
    c.image.save(buffer, format="png", pnginfo=info, compress_level=1)
    return Picture(buffer.getvalue(), record, c.image.size)


def render_all(bodies: Sequence[tuple[str, str]]) -> list[Picture]:
    """``render`` for each (name, dashboard body as JSON), in order, pages in two threads: Pillow
    lets go of the interpreter while it fills shapes and compresses the PNG (a third of a page's
    time), so one page is written while the next is drawn. Processes would draw in parallel
    fully, but starting them (a fresh interpreter, or a fork of a heap the size of the stack and
    the SDK's threads) cost more than they saved on the two-processor machine measured."""
    if len(bodies) < 2:
        return [render(name, json.loads(body)) for name, body in bodies]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda page: render(page[0], json.loads(page[1])), bodies))


def read_layout(path: Path) -> list[dict[str, Any]]:
    """The record ``render`` stored in a PNG."""
    with Image.open(path) as image:
        text = image.info.get(LAYOUT_KEY)
    if not isinstance(text, str):
        raise ValueError(f"{path} carries no {LAYOUT_KEY} record; it was not drawn by this module")
    layout: list[dict[str, Any]] = json.loads(text)
    return layout
