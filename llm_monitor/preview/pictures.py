"""PNG pictures of dashboard bodies: the 24-column grid with every widget where CloudWatch puts it.

Each widget is drawn at its ``x``/``y``/``width``/``height`` with its title, its kind (graph,
single value, text, log table, alarm status), the legend of its visible series (the label, or the
id of an unlabeled expression such as a SEARCH), and its horizontal annotations (thresholds) as
dashed lines. Problems a reviewer should see (no title, no visible series, no alarms) are written
in red inside the widget.

Drawing uses matplotlib's Agg canvas directly (no pyplot, no global backend state). What was
drawn is recorded: each widget's rectangle is read back from the rendered image's pixel
geometry and converted to grid units, together with the texts drawn for it. ``render`` returns
that record and stores it in the PNG itself (a text chunk), so tests and the README check can
compare a picture with a dashboard body without looking at pixels.
"""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from llm_monitor.dashboard import GRID_COLUMNS
from llm_monitor.preview.cost import log_sources

LAYOUT_KEY = "llm-monitor:layout"
COLUMN_INCHES = 0.8
ROW_INCHES = 0.45
MARGIN_INCHES = 0.35
HEADER_INCHES = 0.7
DPI = 100
MAX_PIXELS = 30000
"""Tall dashboards get a lower resolution rather than an image viewers refuse to open."""

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
        content.series = series_of(props)
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


class _Canvas:
    """Grid-unit drawing helpers over one matplotlib Axes (y grows downwards, like the grid)."""

    def __init__(self, rows: int, title: str) -> None:
        width = GRID_COLUMNS * COLUMN_INCHES + 2 * MARGIN_INCHES
        height = rows * ROW_INCHES + HEADER_INCHES + MARGIN_INCHES
        self.dpi = min(DPI, MAX_PIXELS / max(width, height))
        self.figure = Figure(figsize=(width, height), dpi=self.dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes(
            (
                MARGIN_INCHES / width,
                MARGIN_INCHES / height,
                GRID_COLUMNS * COLUMN_INCHES / width,
                rows * ROW_INCHES / height,
            )
        )
        self.ax.set_xlim(0, GRID_COLUMNS)
        self.ax.set_ylim(rows, 0)
        self.ax.set_axis_off()
        self.frame: Rectangle | None = None
        """The widget being drawn."""
        self.figure.text(MARGIN_INCHES / width, 1 - 0.3 / height, title, fontsize=12, fontweight="bold", va="center")
        for column in range(GRID_COLUMNS + 1):
            self.ax.axvline(column, color="#e0e0e0" if column % 6 else "#bdbdbd", linewidth=0.6, zorder=0)
            if column % 6 == 0:
                self.ax.text(column, -0.15, str(column), fontsize=SMALL_PT, color="#757575", ha="center", va="bottom")
        for row in range(0, rows + 1, 6):
            self.ax.text(-0.1, row, str(row), fontsize=SMALL_PT, color="#757575", ha="right", va="center")

    def rows_for(self, inches: float) -> float:
        return inches / ROW_INCHES

    def columns_for(self, inches: float) -> float:
        return inches / COLUMN_INCHES

    def text(self, x: float, y: float, text: str, **style: Any) -> None:
        # parse_math off: "$0.003" in a title or markdown is a price, not TeX.
        drawn = self.ax.text(x, y, text, va="top", ha=style.pop("ha", "left"), parse_math=False, **style)
        if self.frame is not None:  # nothing spills into the next widget
            drawn.set_clip_path(self.frame)


def _legend_columns(width: float) -> int:
    return max(1, int(width // LEGEND_COLUMN_WIDTH))


def _draw_legend(
    c: _Canvas, content: Content, x: float, top: float, widget_width: float, width: float, lines: int
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
        c.ax.add_patch(Rectangle((cx, cy + 0.08), 0.25, 0.18, facecolor=series.colour, edgecolor="none"))
        label = _fit(series.label, (column_width - 0.35) * COLUMN_INCHES, SMALL_PT)
        c.text(cx + 0.35, cy, label, fontsize=SMALL_PT)
        drawn.append(series.label)
    if overflow:
        more = f"+{len(content.series) - len(shown)} more"
        i = len(shown)
        c.text(x + (i % columns) * column_width + 0.35, top + (i // columns) * step, more, fontsize=SMALL_PT)
        drawn.append(more)
    return drawn


def _draw_plot(c: _Canvas, content: Content, x: float, top: float, width: float, height: float) -> None:
    """An empty plot frame with the thresholds at their relative heights (no data: nothing is deployed)."""
    c.ax.add_patch(Rectangle((x, top), width, height, facecolor="white", edgecolor="#b0bec5", linewidth=0.6))
    values = [abs(t.value) for t in content.thresholds]
    scale = max(values) * 1.25 if values and max(values) > 0 else 1.0
    for t in content.thresholds:
        y = top + height - height * t.value / scale
        y = min(max(y, top + 0.05), top + height - 0.05)
        colour = t.colour or ANNOTATION_COLOUR
        c.ax.plot([x, x + width], [y, y], color=colour, linestyle="--", linewidth=1.1)
        label = _fit(str(t), width * COLUMN_INCHES - 0.1, SMALL_PT)
        c.ax.text(
            x + width - 0.1, y - 0.05, label, fontsize=SMALL_PT, color=colour, ha="right", va="bottom", parse_math=False
        )


def _draw_lines(c: _Canvas, lines: list[str], x: float, top: float, width: float, rows: float, **style: Any) -> None:
    room = max(1, int(rows / c.rows_for(LINE_INCHES)))
    glyph = 0.6 if style.get("family") == "monospace" else 0.55  # average glyph width in em
    chars = max(8, int(width * COLUMN_INCHES * 72 / (SMALL_PT * glyph)))
    wrapped = [part for line in lines for part in textwrap.wrap(line, chars) or [""]]
    if len(wrapped) > room:
        wrapped = [*wrapped[: room - 1], "…"]
    for i, line in enumerate(wrapped):
        c.text(x, top + i * c.rows_for(LINE_INCHES), line, fontsize=SMALL_PT, **style)


def _draw_widget(c: _Canvas, widget: dict[str, Any]) -> tuple[Rectangle, Content, list[str]]:
    x, y, w, h = (float(widget[k]) for k in ("x", "y", "width", "height"))
    content = content_of(widget)
    fill, ink = STYLE.get(content.kind, OTHER_STYLE)
    frame = Rectangle((x, y), w, h, facecolor=fill, edgecolor=ink, linewidth=1.0, zorder=1)
    c.ax.add_patch(frame)
    c.frame = frame
    pad_x, pad_y = c.columns_for(0.06), c.rows_for(0.05)
    inner_x, inner_w = x + pad_x, w - 2 * pad_x
    # Header: kind badge on the right, title on the left.
    badge = content.kind.upper()
    badge_w = c.columns_for(len(badge) * BADGE_PT * 0.62 / 72 + 0.08)
    c.text(x + w - pad_x, y + pad_y, badge, fontsize=BADGE_PT, color=ink, fontweight="bold", ha="right")
    title_room = (inner_w - badge_w) * COLUMN_INCHES
    title = content.title or "(no title)"
    c.text(inner_x, y + pad_y, _fit(title, title_room, TITLE_PT), fontsize=TITLE_PT, fontweight="bold")
    top = y + pad_y + c.rows_for(TITLE_PT * 1.5 / 72)
    if content.problems:
        problems = "⚠ " + "; ".join(content.problems)
        c.text(inner_x, top, _fit(problems, inner_w * COLUMN_INCHES, SMALL_PT), fontsize=SMALL_PT, color=PROBLEM_COLOUR)
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
        style = {"family": "monospace"} if content.kind.startswith("log") else {}
        _draw_lines(c, content.text, inner_x, top, inner_w, room, **style)
    return frame, content, legend


def render(name: str, body: dict[str, Any]) -> Picture:
    """Draw one dashboard body; the record of what was drawn is returned and embedded in the PNG."""
    widgets = body.get("widgets", [])
    rows = max((int(w["y"]) + int(w["height"]) for w in widgets), default=1)
    start = f", default range {body['start']}" if "start" in body else ""
    c = _Canvas(rows, f"{name}: {len(widgets)} widgets on {rows} grid rows{start}")
    drawn = [_draw_widget(c, w) for w in widgets]
    c.canvas.draw()
    renderer = c.canvas.get_renderer()
    grid = c.ax.get_window_extent(renderer)
    column_px, row_px = float(grid.width) / GRID_COLUMNS, float(grid.height) / rows
    record = []
    for frame, content, legend in drawn:
        box = frame.get_window_extent(renderer)
        record.append(
            DrawnWidget(
                kind=content.kind,
                x=round(float(box.x0 - grid.x0) / column_px, 2),
                y=round(float(grid.y1 - box.y1) / row_px, 2),
                width=round(float(box.width) / column_px, 2),
                height=round(float(box.height) / row_px, 2),
                title=content.title,
                legend=tuple(legend),
                thresholds=tuple(str(t) for t in content.thresholds),
                problems=tuple(content.problems),
            )
        )
    # Save the pixels drawn above (savefig would draw everything a second time), with the record.
    info = PngInfo()
    info.add_text(LAYOUT_KEY, json.dumps([w.as_json() for w in record], sort_keys=True), zip=True)
    image = Image.frombuffer("RGBA", c.canvas.get_width_height(), c.canvas.buffer_rgba()).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", pnginfo=info)
    return Picture(buffer.getvalue(), record, image.size)


def read_layout(path: Path) -> list[dict[str, Any]]:
    """The record ``render`` stored in a PNG."""
    with Image.open(path) as image:
        text = image.info.get(LAYOUT_KEY)
    if not isinstance(text, str):
        raise ValueError(f"{path} carries no {LAYOUT_KEY} record; it was not drawn by this module")
    layout: list[dict[str, Any]] = json.loads(text)
    return layout
