"""Dashboard building blocks: limits, widgets, metric entries (pure; no Pulumi imports).

Body syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config.models import ModelSettings
from llm_monitor.iam import to_json

# CloudWatch limits (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
# and the dashboard body reference).
MAX_WIDGETS_PER_DASHBOARD = 500
MAX_METRICS_PER_DASHBOARD = 2500
TOP_CONTRIBUTORS = 10
"""Contributors a Contributor Insights widget shows."""
MAX_METRICS_PER_WIDGET = 500
MAX_ALARMS_PER_ALARM_WIDGET = 100
MAX_DASHBOARD_NAME = 255
MAX_SEARCH_QUERY = 1024
GRID_COLUMNS = 24

#: Colours for related series, so the same thing looks the same in every section.
COLOURS = {
    "invocations": "#1f77b4",
    "client": "#ff7f0e",
    "server": "#d62728",
    "throttles": "#9467bd",
    "input": "#2ca02c",
    "output": "#17becf",
    "cacheRead": "#bcbd22",
    "cacheWrite": "#8c564b",
    "total": "#000000",
    "quota": "#d62728",
    "app": "#e377c2",
}


@dataclass
class Widget:
    """One widget before layout: type, size and properties (positions are assigned later)."""

    type: str
    width: int
    height: int
    properties: dict[str, Any]

    @property
    def metric_count(self) -> int:
        """Entries in ``metrics`` (metrics and expressions alike; both count toward the limits)."""
        return len(self.properties.get("metrics", []))


@dataclass
class Section:
    """A titled block of rows; each row's widths add up to at most 24 columns."""

    key: str
    rows: list[list[Widget]]

    @property
    def widgets(self) -> list[Widget]:
        return [w for row in self.rows for w in row]

    @property
    def metric_count(self) -> int:
        return sum(w.metric_count for w in self.widgets)


@dataclass(frozen=True)
class Dashboard:
    """A dashboard ready for ``PutDashboard``."""

    name: str
    body: dict[str, Any]
    model_names: tuple[str, ...]
    url: str
    """CloudWatch console link."""

    def body_json(self) -> str:
        return to_json(self.body)


@dataclass
class Extras:
    """What other parts of the stack contribute to the dashboards (alarms, log metrics)."""

    annotations: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    """Horizontal annotations keyed by (model name, catalogue metric name)."""
    model_rows: dict[str, list[list[Widget]]] = field(default_factory=dict)
    """Extra rows appended to a model's section, keyed by model name."""
    overview_rows: list[list[Widget]] = field(default_factory=list)
    """Stack-wide rows placed after the account-wide section on the first dashboard."""
    alarm_arns: list[str] = field(default_factory=list)
    """Alarms shown in the alarm-status widget at the top of the first dashboard."""


# --- metric entries -------------------------------------------------------------------------


def metric_entry(metric: Metric, dimensions: Sequence[tuple[str, str]], **options: Any) -> list[Any]:
    """``[Namespace, MetricName, Dim, Value, ..., {options}]`` for a catalogued metric."""
    names = tuple(name for name, _ in dimensions)
    if not metric.has_dimensions(names):
        raise ValueError(f"{metric.namespace}/{metric.name} is not published with dimensions {names}")
    entry: list[Any] = [metric.namespace, metric.name]
    for name, value in dimensions:
        entry += [name, value]
    if options:
        entry.append(options)
    return entry


def model_metric(metric: Metric, model: ModelSettings, **options: Any) -> list[Any]:
    return metric_entry(metric, [(cat.MODEL_ID, model.id)], **options)


def expression(expr: str, id: str, label: str, **options: Any) -> list[Any]:
    return [{"expression": expr, "id": id, "label": label, **options}]


def search(metric: Metric, dimension_names: Sequence[str], stat: str, period: int, filters: str = "") -> str:
    """A SEARCH() expression over every series of ``metric`` with exactly these dimensions."""
    if not metric.has_dimensions(tuple(dimension_names)):
        raise ValueError(f"{metric.namespace}/{metric.name} is not published with dimensions {dimension_names}")
    schema = ",".join([metric.namespace, *sorted(dimension_names)])
    query = f'{{{schema}}} MetricName="{metric.name}"{" " + filters if filters else ""}'
    if len(query) > MAX_SEARCH_QUERY:
        raise ValueError(f"SEARCH query is {len(query)} characters; CloudWatch allows {MAX_SEARCH_QUERY}")
    return f"SEARCH('{query}', '{stat}', {period})"


def total(
    metric: Metric, dimension_names: Sequence[str], period: int, id: str, label: str, **options: Any
) -> list[Any]:
    """One line: the Sum of every series of ``metric`` with these dimensions, added up."""
    return expression(f"SUM({search(metric, dimension_names, 'Sum', period)})", id, label, **options)


# --- widgets --------------------------------------------------------------------------------


def graph(
    title: str,
    metrics: list[list[Any]],
    region: str,
    period: int,
    *,
    width: int = 8,
    height: int = 6,
    view: str = "timeSeries",
    stat: str = "Sum",
    y_label: str | None = None,
    annotations: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Widget:
    props: dict[str, Any] = {
        "title": title,
        "region": region,
        "view": view,
        "stat": stat,
        "period": period,
        "metrics": metrics,
        **extra,
    }
    if view == "timeSeries":
        props["yAxis"] = {"left": {"min": 0, **({"label": y_label, "showUnits": False} if y_label else {})}}
    if annotations:
        props["annotations"] = {"horizontal": annotations}
    if len(metrics) > MAX_METRICS_PER_WIDGET:
        raise ValueError(f"widget {title!r} has {len(metrics)} metrics; CloudWatch allows {MAX_METRICS_PER_WIDGET}")
    return Widget("metric", width, height, props)


def totals(title: str, metrics: list[list[Any]], region: str, period: int, *, width: int = 24) -> Widget:
    """Single-value tiles showing totals over the whole dashboard time range.

    ``setPeriodToTimeRange`` makes each number the Sum over the selected range instead of the
    last period's value; the console writes it for single-value widgets, although the body
    reference does not list it.
    """
    return graph(title, metrics, region, period, width=width, height=3, view="singleValue", setPeriodToTimeRange=True)


def text(markdown: str, *, width: int = GRID_COLUMNS, height: int = 2) -> Widget:
    return Widget("text", width, height, {"markdown": markdown})


def log_table(title: str, query: str, region: str, *, width: int = 12, height: int = 6, view: str = "table") -> Widget:
    return Widget("log", width, height, {"title": title, "region": region, "query": query, "view": view})


def top_contributors(
    title: str, rule_name: str, aggregate: str, region: str, period: int, *, width: int = 12, height: int = 6
) -> Widget:
    """The top contributors of a Contributor Insights rule over time: a metric widget with
    ``insightRule`` instead of ``metrics`` (the syntax the console writes when a rule's graph is
    added to a dashboard; ``orderBy`` the rule's aggregate: Sum or Count)."""
    rule = {"ruleName": rule_name, "maxContributorCount": TOP_CONTRIBUTORS, "orderBy": aggregate}
    properties = {"title": title, "region": region, "period": period, "view": "timeSeries", "insightRule": rule}
    return Widget("metric", width, height, {**properties, "legend": {"position": "bottom"}})


def alarm_status(title: str, alarm_arns: Sequence[str], *, width: int = GRID_COLUMNS) -> list[Widget]:
    """Alarm-status widgets, 100 alarms each (the widget's limit).

    No ``region`` property: the body reference lists none for alarm widgets; each ARN names its Region.
    """
    chunks = [
        alarm_arns[i : i + MAX_ALARMS_PER_ALARM_WIDGET] for i in range(0, len(alarm_arns), MAX_ALARMS_PER_ALARM_WIDGET)
    ]
    return [
        Widget(
            "alarm",
            width,
            max(2, min(12, 1 + (len(chunk) + 3) // 4)),
            {
                "title": title if len(chunks) == 1 else f"{title} ({n + 1}/{len(chunks)})",
                "alarms": list(chunk),
                "sortBy": "stateUpdatedTimestamp",
                "states": ["ALARM", "INSUFFICIENT_DATA", "OK"],
            },
        )
        for n, chunk in enumerate(chunks)
    ]
