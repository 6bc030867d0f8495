"""CloudWatch dashboard bodies, generated from the metric catalogue and the stack settings.

Pure: no Pulumi imports. ``build_dashboards`` returns every dashboard (name and body) the stack
needs; the Pulumi layer only turns them into ``aws.cloudwatch.Dashboard`` resources. Modules:
``widgets`` (building blocks and limits), ``model`` (a model's section), ``account`` (the
account-wide sections); pagination and layout are here.

Body syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from llm_monitor.aws import dashboard_url, safe_name
from llm_monitor.config import NAMESPACE, LimitError, Settings
from llm_monitor.config.dashboard import WidgetSettings
from llm_monitor.dashboard.account import guardrails_section, overview_section
from llm_monitor.dashboard.model import model_section
from llm_monitor.dashboard.surfaces import surface_sections
from llm_monitor.dashboard.widgets import (
    COLOURS,
    GRID_COLUMNS,
    MAX_DASHBOARD_NAME,
    MAX_METRICS_PER_DASHBOARD,
    MAX_METRICS_PER_WIDGET,
    MAX_WIDGETS_PER_DASHBOARD,
    Dashboard,
    Extras,
    Section,
    Widget,
    alarm_status,
    expression,
    graph,
    log_table,
    metric_entry,
    search,
    text,
    top_contributors,
)

__all__ = [
    "COLOURS",
    "GRID_COLUMNS",
    "MAX_METRICS_PER_DASHBOARD",
    "MAX_METRICS_PER_WIDGET",
    "MAX_WIDGETS_PER_DASHBOARD",
    "Dashboard",
    "Extras",
    "Section",
    "Widget",
    "build_dashboards",
    "dashboard_names",
    "expression",
    "graph",
    "layout",
    "log_table",
    "metric_entry",
    "paginate",
    "search",
    "text",
    "top_contributors",
]


def dashboard_names(prefix: str, stack: str, region: str, pages: int) -> list[str]:
    """Unique per account (dashboards are global): prefix, stack and Region, then a page number.

    Page 1 keeps the unnumbered name, so adding models never renames an existing dashboard.
    """
    # Dashboard names take only A-Za-z0-9-_; project and stack names may also hold dots.
    base = safe_name(f"{prefix}-{stack}-{region}")
    names = [base] + [f"{base}-{n}" for n in range(2, pages + 1)]
    for name in names:
        if len(name) > MAX_DASHBOARD_NAME:
            raise LimitError(
                f"dashboard name {name!r} has {len(name)} characters; CloudWatch allows {MAX_DASHBOARD_NAME}",
                f"{NAMESPACE}:dashboard.namePrefix",
            )
    return names


def paginate(
    first: Sequence[Section],
    models: Sequence[Section],
    *,
    max_models: int | None,
    reserve: int,
    models_first: bool = False,
) -> list[list[Section]]:
    """Pack sections into pages in order, starting a new page before any limit would be passed.

    ``first``: the stack-wide sections, on page 1 before the models; with ``models_first``, after
    the models instead, on the last page (and further pages if they do not fit).
    ``reserve`` widgets per page are kept free for the page-navigation header.
    """
    pages: list[list[Section]] = []
    # Running totals of the last page: summing its sections for each added one made this quadratic.
    widgets = metrics = models_on_page = 0

    def start(sections: Sequence[Section]) -> None:
        nonlocal widgets, metrics, models_on_page
        pages.append(list(sections))
        widgets = sum(len(s.widgets) for s in sections)
        metrics = sum(s.metric_count for s in sections)
        models_on_page = sum(1 for s in sections if s.key.startswith("model:"))

    def add(section: Section) -> None:
        nonlocal widgets, metrics, models_on_page
        pages[-1].append(section)
        widgets += len(section.widgets)
        metrics += section.metric_count
        models_on_page += section.key.startswith("model:")

    def overflows(section: Section) -> bool:
        return (
            widgets + len(section.widgets) + reserve > MAX_WIDGETS_PER_DASHBOARD
            or metrics + section.metric_count > MAX_METRICS_PER_DASHBOARD
        )

    start([] if models_first else first)
    for section in models:
        if models_on_page and (overflows(section) or (max_models is not None and models_on_page >= max_models)):
            start([])
        add(section)
    for section in first if models_first else ():
        if pages[-1] and overflows(section):
            start([])
        add(section)
    return pages


def layout(sections: Iterable[Section]) -> list[dict[str, Any]]:
    """Place rows top to bottom; each row's widgets left to right (24-column grid)."""
    widgets: list[dict[str, Any]] = []
    y = 0
    for section in sections:
        for row in section.rows:
            x = 0
            for widget in row:
                if x + widget.width > GRID_COLUMNS:
                    raise ValueError(f"row in section {section.key!r} is wider than {GRID_COLUMNS} columns")
                widgets.append(
                    {
                        "type": widget.type,
                        "x": x,
                        "y": y,
                        "width": widget.width,
                        "height": widget.height,
                        "properties": widget.properties,
                    }
                )
                x += widget.width
            y += max(w.height for w in row)
    return widgets


def build_dashboards(settings: Settings, *, project: str, stack: str, extras: Extras | None = None) -> list[Dashboard]:
    """Every dashboard the stack needs, deterministically; each model appears exactly once."""
    extras = extras or Extras()
    first: list[Section] = []
    if extras.alarm_arns:
        widgets = alarm_status("Bedrock alarms", extras.alarm_arns)
        first.append(Section("alarms", [[w] for w in widgets]))
    if settings.dashboard.widgets:
        first.append(Section("widgets", _rows([_own(w, settings.region) for w in settings.dashboard.widgets])))
    if settings.dashboard.account_overview:
        first.append(overview_section(settings))
    if extras.overview_rows:
        # Stack-wide rows (log metrics and queries) stay even without the account overview.
        first.append(Section("stack", extras.overview_rows))
    if settings.dashboard.guardrails:
        first.append(guardrails_section(settings))
    # Bedrock's other surfaces (llm-monitor:surfaces), each only when turned on.
    first += surface_sections(settings, extras)
    sections = [model_section(m, settings, extras) for m in settings.models]
    pages = paginate(
        first,
        sections,
        max_models=settings.dashboard.max_models_per_dashboard,
        reserve=1,
        models_first=settings.dashboard.models_first,
    )
    names = dashboard_names(settings.dashboard.name_prefix or project, stack, settings.region, len(pages))
    dashboards = []
    for page_number, (name, page) in enumerate(zip(names, pages, strict=True), start=1):
        nav = _navigation(names, page_number, settings.region)
        sections_on_page = ([Section("navigation", [[nav]])] if nav else []) + page
        body = {
            "start": settings.dashboard.start,
            "periodOverride": "auto",
            "widgets": layout(sections_on_page),
        }
        models = tuple(s.key.removeprefix("model:") for s in page if s.key.startswith("model:"))
        dashboards.append(Dashboard(name, body, models, dashboard_url(settings.region, name)))
    return dashboards


def _own(widget: WidgetSettings, region: str) -> Widget:
    """A widget of the user's; metric and log widgets read the stack's Region unless they name one."""
    properties = dict(widget.properties)
    if widget.type in ("metric", "log"):
        properties.setdefault("region", region)
    return Widget(widget.type, widget.width, widget.height, properties)


def _rows(widgets: Sequence[Widget]) -> list[list[Widget]]:
    """Left to right, a new row when the next widget would pass the grid's 24 columns."""
    rows: list[list[Widget]] = [[]]
    for widget in widgets:
        if rows[-1] and sum(w.width for w in rows[-1]) + widget.width > GRID_COLUMNS:
            rows.append([])
        rows[-1].append(widget)
    return rows


def _navigation(names: list[str], current: int, region: str) -> Widget | None:
    if len(names) == 1:
        return None
    links = " | ".join(
        f"**{n}**" if i == current else f"[{n}]({dashboard_url(region, n)})" for i, n in enumerate(names, start=1)
    )
    return text(f"Dashboards of this stack: {links}", height=1)
