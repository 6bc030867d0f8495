"""CloudWatch dashboard bodies, generated from the metric catalogue and the stack settings.

Pure: no Pulumi imports. ``build_dashboards`` returns every dashboard (name and body) the stack
needs; the Pulumi layer only turns them into ``aws.cloudwatch.Dashboard`` resources.

Body syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.aws import dashboard_url, safe_name
from llm_monitor.catalogue import Metric
from llm_monitor.config import NAMESPACE, LimitError, Settings
from llm_monitor.config.models import ModelSettings
from llm_monitor.iam import to_json
from llm_monitor.mathexpr import (
    ATTEMPTS,
    CACHE_READ_TOKENS,
    CACHE_WRITE_TOKENS,
    ERRORS,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    REQUESTS,
    TOKEN_KINDS,
    TokenKind,
    number,
)

# CloudWatch limits (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
# and the dashboard body reference).
MAX_WIDGETS_PER_DASHBOARD = 500
MAX_METRICS_PER_DASHBOARD = 2500
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


def _total(
    metric: Metric, dimension_names: Sequence[str], period: int, id: str, label: str, **options: Any
) -> list[Any]:
    """One line: the Sum of every series of ``metric`` with these dimensions, added up."""
    return expression(f"SUM({search(metric, dimension_names, 'Sum', period)})", id, label, **options)


def _sources(kind: TokenKind, model: ModelSettings) -> list[list[Any]]:
    """Hidden Sum series of one kind of token: ids ``kind.ids``, or the bare prefix for a single
    metric (``tin`` and ``tout``, the ids the totals tiles give their token tiles)."""
    ids = [kind.id_prefix] if len(kind.metrics) == 1 else kind.ids
    return [model_metric(m, model, id=i, stat="Sum", visible=False) for i, m in zip(ids, kind.metrics, strict=True)]


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


# --- the per-model section ------------------------------------------------------------------


def _price_summary(model: ModelSettings) -> str:
    parts = [f"{kind} ${number(price)}" for kind, price in model.prices.items() if price is not None]
    return "Prices per 1K tokens: " + ", ".join(parts) if parts else "No prices configured (no cost graphs)."


def _cost_terms(model: ModelSettings) -> list[tuple[str, str, str]]:
    """(id, label, expression in USD) per priced token kind (ids cin, cout, ccr, ccw); tokens are
    counted per 1,000, from the series of ``_token_sources``."""
    terms = []
    for kind in TOKEN_KINDS:
        price = model.prices[kind.price]
        if price is not None:
            tokens = kind.id_prefix if len(kind.metrics) == 1 else f"({kind.total})"
            cost_id = "c" + kind.id_prefix.removeprefix("t")
            terms.append((cost_id, f"{kind.label} USD", f"{tokens}*{number(price)}/1000"))
    return terms


def _token_sources(model: ModelSettings) -> list[list[Any]]:
    """Hidden token series that cost expressions refer to (ids tin, tout, cr0.., cw0..)."""
    return [*_sources(INPUT_TOKENS, model), *_sources(OUTPUT_TOKENS, model), *_cache_sources(model)]


def _cache_sources(model: ModelSettings) -> list[list[Any]]:
    """Hidden cache-token series for the priced cache kinds (ids cr0.., cw0..)."""
    return [
        entry
        for kind in (CACHE_READ_TOKENS, CACHE_WRITE_TOKENS)
        if model.prices[kind.price] is not None
        for entry in _sources(kind, model)
    ]


def model_section(model: ModelSettings, settings: Settings, extras: Extras) -> Section:
    """Every widget for one model."""
    region, period = settings.region, settings.dashboard.period_seconds

    def notes(metric: Metric) -> list[dict[str, Any]]:
        return extras.annotations.get((model.name, metric.name), [])

    quota = f", TPM quota {model.tokens_per_minute_quota:,}" if model.tokens_per_minute_quota else ""
    header = text(f"## {model.name}\n`ModelId` = `{model.id}`{quota}. {_price_summary(model)}")

    tiles = [
        model_metric(cat.INVOCATIONS, model, label="Invocations"),
        model_metric(cat.INVOCATION_CLIENT_ERRORS, model, label="Client errors"),
        model_metric(cat.INVOCATION_SERVER_ERRORS, model, label="Server errors"),
        model_metric(cat.INVOCATION_THROTTLES, model, label="Throttles"),
        # The ids let the cost expressions below reuse these two token tiles.
        model_metric(cat.INPUT_TOKEN_COUNT, model, id="tin", label="Input tokens"),
        model_metric(cat.OUTPUT_TOKEN_COUNT, model, id="tout", label="Output tokens"),
    ]
    cost_terms = _cost_terms(model)
    if cost_terms:
        tiles += _cache_sources(model)
        tiles += [expression(expr, id, label, visible=False) for id, label, expr in cost_terms]
        tiles.append(expression("+".join(id for id, _, _ in cost_terms), "cost", "Cost (USD)"))

    activity = graph(
        "Invocations, errors and throttles",
        [
            model_metric(cat.INVOCATIONS, model, label="Invocations", color=COLOURS["invocations"]),
            model_metric(cat.INVOCATION_CLIENT_ERRORS, model, label="Client errors", color=COLOURS["client"]),
            model_metric(cat.INVOCATION_SERVER_ERRORS, model, label="Server errors", color=COLOURS["server"]),
            model_metric(cat.INVOCATION_THROTTLES, model, label="Throttles", color=COLOURS["throttles"]),
        ],
        region,
        period,
        y_label="Count",
        annotations=notes(cat.INVOCATION_SERVER_ERRORS) + notes(cat.INVOCATION_THROTTLES),
    )
    # Denominators: see llm_monitor.mathexpr (shared with the rate alarms).
    rates = graph(
        "Error and throttle rate (%)",
        [
            model_metric(cat.INVOCATIONS, model, id="inv", visible=False),
            model_metric(cat.INVOCATION_CLIENT_ERRORS, model, id="ce", visible=False),
            model_metric(cat.INVOCATION_SERVER_ERRORS, model, id="se", visible=False),
            model_metric(cat.INVOCATION_THROTTLES, model, id="th", visible=False),
            expression(ERRORS, "err", "Errors", visible=False),
            expression(REQUESTS, "req", "Requests", visible=False),
            expression(ATTEMPTS, "att", "Attempts", visible=False),
            expression("100*err/req", "er", "Error %", color=COLOURS["total"]),
            expression("100*FILL(ce,0)/req", "cer", "Client error %", color=COLOURS["client"]),
            expression("100*FILL(se,0)/req", "ser", "Server error %", color=COLOURS["server"]),
            expression("100*FILL(th,0)/att", "thr", "Throttle %", color=COLOURS["throttles"]),
        ],
        region,
        period,
        y_label="Percent",
        annotations=notes(cat.INVOCATIONS),
    )
    latency = graph(
        "Invocation latency (ms)",
        [model_metric(cat.INVOCATION_LATENCY, model, stat=s, label=s) for s in ("p50", "p90", "p99", "Average")],
        region,
        period,
        stat="p90",
        y_label="Milliseconds",
        annotations=notes(cat.INVOCATION_LATENCY),
    )
    ttft = graph(
        "Time to first token (ms, streaming)",
        [model_metric(cat.TIME_TO_FIRST_TOKEN, model, stat=s, label=s) for s in ("p50", "p90")],
        region,
        period,
        stat="p90",
        y_label="Milliseconds",
        annotations=notes(cat.TIME_TO_FIRST_TOKEN),
    )
    tokens = graph(
        "Tokens",
        [
            model_metric(cat.INPUT_TOKEN_COUNT, model, label="Input", color=COLOURS["input"]),
            model_metric(cat.OUTPUT_TOKEN_COUNT, model, label="Output", color=COLOURS["output"]),
            *_sources(CACHE_READ_TOKENS, model),
            *_sources(CACHE_WRITE_TOKENS, model),
            expression(CACHE_READ_TOKENS.total, "cread", "Cache read", color=COLOURS["cacheRead"]),
            expression(CACHE_WRITE_TOKENS.total, "cwrite", "Cache write", color=COLOURS["cacheWrite"]),
        ],
        region,
        period,
        y_label="Tokens",
    )
    # AWS's way to tell a slow model from a longer answer: normalise latency by output length.
    # Sum(OutputTokenCount) / Sum(InvocationLatency in s) is the generation speed; it falls
    # when the model slows down and stays put when answers merely get longer (which instead
    # raises tokens per invocation, the second line).
    speed = graph(
        "Output tokens per second",
        [
            model_metric(cat.OUTPUT_TOKEN_COUNT, model, id="out", stat="Sum", visible=False),
            model_metric(cat.INVOCATION_LATENCY, model, id="lat", stat="Sum", visible=False),
            model_metric(cat.INVOCATIONS, model, id="inv", stat="Sum", visible=False),
            expression("1000*out/lat", "tps", "Output tokens/s"),
            expression("out/inv", "tpi", "Output tokens per invocation", yAxis="right"),
        ],
        region,
        period,
        y_label="Tokens/s",
    )
    quota_lines = notes(cat.ESTIMATED_TPM_QUOTA_USAGE)
    quota_metrics = [
        model_metric(cat.ESTIMATED_TPM_QUOTA_USAGE, model, id="q", stat="Sum", visible=False),
        # Per-minute rate whatever period the console picks (the quota is per minute).
        expression("q/(PERIOD(q)/60)", "tpm", "Estimated tokens/min"),
        # The per-minute sum at 1-minute resolution shows the peaks the average hides.
        model_metric(cat.ESTIMATED_TPM_QUOTA_USAGE, model, stat="Sum", period=60, label="1-minute usage"),
    ]
    if model.tokens_per_minute_quota:
        quota_lines = [
            {"label": "TPM quota", "value": model.tokens_per_minute_quota, "color": COLOURS["quota"]},
            *quota_lines,
        ]
    quota_widget = graph(
        "Estimated TPM quota usage", quota_metrics, region, period, y_label="Tokens/min", annotations=quota_lines
    )
    third_row = [quota_widget]
    if cost_terms:
        cost_metrics = _token_sources(model)
        cost_metrics += [expression(expr, id, label) for id, label, expr in cost_terms]
        cost_metrics.append(
            expression("+".join(id for id, _, _ in cost_terms), "ctotal", "Total USD", color=COLOURS["total"])
        )
        third_row.append(
            graph(
                f"Cost (USD per {period // 60} min)",
                cost_metrics,
                region,
                period,
                y_label="USD",
                annotations=notes(cat.INPUT_TOKEN_COUNT),
            )
        )
    other = [model_metric(cat.LEGACY_MODEL_INVOCATIONS, model, label="Legacy-model invocations")]
    if model.generates_images:
        query = search(
            cat.OUTPUT_IMAGE_COUNT,
            cat.OUTPUT_IMAGE_COUNT.dimension_sets[0],
            "Sum",
            period,
            f'{cat.MODEL_ID}="{model.id}"',
        )
        other.append(expression(f"SUM({query})", "img", "Output images"))
    third_row.append(
        graph(
            "Legacy invocations and images" if model.generates_images else "Legacy-model invocations",
            other,
            region,
            period,
        )
    )
    for widget in third_row:
        widget.width = GRID_COLUMNS // len(third_row)

    graphs = [activity, rates, latency, ttft, tokens, speed, *third_row]
    for widget in graphs:
        # The model's name in every title: a widget opened full-screen or shared still says which model.
        widget.properties["title"] = f"{model.name}: {widget.properties['title']}"
    rows = [[header], [totals(f"{model.name}: totals for the time range", tiles, region, period)]]
    rows += [graphs[0:3], graphs[3:6], third_row]
    rows += extras.model_rows.get(model.name, [])
    return Section(f"model:{model.name}", rows)


# --- account-wide sections ------------------------------------------------------------------


def overview_section(settings: Settings) -> Section:
    """All Bedrock models in the account and Region together, configured or not."""
    region, period = settings.region, settings.dashboard.period_seconds
    dims = cat.BY_MODEL

    def by_model(metric: Metric, stat: str, id: str, label: str, filters: str = "") -> list[Any]:
        return expression(search(metric, dims, stat, period, filters), id, label)

    configured = ", ".join(f"`{m.name}`" for m in settings.models)
    rows: list[list[Widget]] = [
        [text(f"# Amazon Bedrock: all models in {region}\nConfigured in this stack: {configured}.")]
    ]
    rows.append(
        [
            graph(
                "Invocations by model (every model in the account)",
                [by_model(cat.INVOCATIONS, "Sum", "all", "")],
                region,
                period,
                width=12,
                y_label="Count",
            ),
            _unlisted_models(settings, period),
        ]
    )
    rows.append(
        [
            graph(
                "Errors and throttles, all models",
                [
                    _total(cat.INVOCATION_CLIENT_ERRORS, dims, period, "ce", "Client errors", color=COLOURS["client"]),
                    _total(cat.INVOCATION_SERVER_ERRORS, dims, period, "se", "Server errors", color=COLOURS["server"]),
                    _total(cat.INVOCATION_THROTTLES, dims, period, "th", "Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Tokens, all models",
                [
                    _total(cat.INPUT_TOKEN_COUNT, dims, period, "tin", "Input", color=COLOURS["input"]),
                    _total(cat.OUTPUT_TOKEN_COUNT, dims, period, "tout", "Output", color=COLOURS["output"]),
                ],
                region,
                period,
                y_label="Tokens",
            ),
            graph(
                "Latency p90 by model (ms)",
                [by_model(cat.INVOCATION_LATENCY, "p90", "lat", "")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
        ]
    )
    return Section("overview", rows)


def _unlisted_models(settings: Settings, period: int) -> Widget:
    """Invocations of models the config does not list: spot shadow usage at a glance."""
    # One `NOT Property="value"` term per model: the form the metrics search syntax documents.
    excluded = " ".join(f'NOT {cat.MODEL_ID}="{m.id}"' for m in settings.models)
    title = "Invocations of models not in this stack's config"
    try:
        query = search(cat.INVOCATIONS, cat.BY_MODEL, "Sum", period, excluded)
    except ValueError:
        # Too many configured models to spell out in one SEARCH (1,024 characters).
        return text(
            f"### {title}\nThe configured model list is too long for one SEARCH query; "
            "compare the graph on the left with the model sections instead.",
            width=12,
            height=6,
        )
    return graph(title, [expression(query, "unlisted", "")], settings.region, period, width=12, y_label="Count")


def guardrails_section(settings: Settings) -> Section:
    """AWS/Bedrock/Guardrails, per guardrail and version."""
    region, period = settings.region, settings.dashboard.period_seconds
    dims = cat.GUARDRAIL_ARN_VERSION

    def each(metric: Metric, stat: str, id: str) -> list[Any]:
        return expression(search(metric, dims, stat, period), id, "")

    return Section(
        "guardrails",
        [
            [text("# Guardrails\n`AWS/Bedrock/Guardrails`, per guardrail ARN and version.", height=1)],
            [
                graph(
                    "Guardrail evaluations and interventions",
                    [
                        _total(cat.GUARDRAIL_INVOCATIONS, dims, period, "gi", "Evaluations"),
                        _total(cat.GUARDRAIL_INVOCATIONS_INTERVENED, dims, period, "gx", "Intervened"),
                        expression("100*gx/gi", "gr", "Intervention %", yAxis="right"),
                    ],
                    region,
                    period,
                    width=6,
                ),
                graph(
                    "Guardrail errors and throttles",
                    [
                        _total(
                            cat.GUARDRAIL_CLIENT_ERRORS, dims, period, "ce", "Client errors", color=COLOURS["client"]
                        ),
                        _total(
                            cat.GUARDRAIL_SERVER_ERRORS, dims, period, "se", "Server errors", color=COLOURS["server"]
                        ),
                        _total(cat.GUARDRAIL_THROTTLES, dims, period, "th", "Throttles", color=COLOURS["throttles"]),
                    ],
                    region,
                    period,
                    width=6,
                ),
                graph(
                    "Guardrail latency p90 (ms)",
                    [each(cat.GUARDRAIL_INVOCATION_LATENCY, "p90", "gl")],
                    region,
                    period,
                    stat="p90",
                    width=6,
                ),
                graph(
                    "Text units by guardrail",
                    [each(cat.GUARDRAIL_TEXT_UNIT_COUNT, "Sum", "gt")],
                    region,
                    period,
                    width=6,
                ),
            ],
        ],
    )


# --- pagination and layout ------------------------------------------------------------------


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
    first: Sequence[Section], models: Sequence[Section], *, max_models: int | None, reserve: int
) -> list[list[Section]]:
    """Pack sections into pages in order, starting a new page before any limit would be passed.

    ``reserve`` widgets per page are kept free for the page-navigation header.
    """
    pages: list[list[Section]] = [list(first)]
    for section in models:
        page = pages[-1]
        models_on_page = sum(1 for s in page if s.key.startswith("model:"))
        widgets = sum(len(s.widgets) for s in page) + len(section.widgets) + reserve
        metrics = sum(s.metric_count for s in page) + section.metric_count
        if models_on_page and (
            widgets > MAX_WIDGETS_PER_DASHBOARD
            or metrics > MAX_METRICS_PER_DASHBOARD
            or (max_models is not None and models_on_page >= max_models)
        ):
            pages.append([])
        pages[-1].append(section)
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
    if settings.dashboard.account_overview:
        first.append(overview_section(settings))
    if extras.overview_rows:
        # Stack-wide rows (log metrics and queries) stay even without the account overview.
        first.append(Section("stack", extras.overview_rows))
    if settings.dashboard.guardrails:
        first.append(guardrails_section(settings))
    sections = [model_section(m, settings, extras) for m in settings.models]
    pages = paginate(first, sections, max_models=settings.dashboard.max_models_per_dashboard, reserve=1)
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


def _navigation(names: list[str], current: int, region: str) -> Widget | None:
    if len(names) == 1:
        return None
    links = " | ".join(
        f"**{n}**" if i == current else f"[{n}]({dashboard_url(region, n)})" for i, n in enumerate(names, start=1)
    )
    return text(f"Dashboards of this stack: {links}", height=1)
