"""The per-model section of the dashboards, generated from the metric catalogue (pure).

Graphs of counts show rates per minute and the cost graph USD per hour, whatever period the
console picks for a long time range (``PERIOD()``), so the alarm thresholds drawn on them are
right at every zoom level.
"""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config import Settings
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard.tiers import cost_adjustment_entries, tier_row
from llm_monitor.dashboard.usage import cache_hit_graph, daily_quota_graph, quota_graph, quota_header
from llm_monitor.dashboard.widgets import (
    COLOURS,
    GRID_COLUMNS,
    Extras,
    Section,
    expression,
    graph,
    model_metric,
    search,
    text,
    totals,
)
from llm_monitor.mathexpr import (
    ATTEMPTS,
    CACHE_READ_TOKENS,
    CACHE_WRITE_TOKENS,
    ERRORS,
    INPUT_TOKENS,
    OTPS,
    OUTPUT_TOKENS,
    REQUESTS,
    TOKEN_KINDS,
    TokenKind,
    number,
    per_minute,
)


def _sources(kind: TokenKind, model: ModelSettings) -> list[list[Any]]:
    """Hidden Sum series of one kind of token: ids ``kind.ids``, or the bare prefix for a single
    metric (``tin`` and ``tout``, the ids the totals tiles give their token tiles)."""
    ids = [kind.id_prefix] if len(kind.metrics) == 1 else kind.ids
    return [model_metric(m, model, id=i, stat="Sum", visible=False) for i, m in zip(ids, kind.metrics, strict=True)]


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


# Keys of the graphs alarms draw their thresholds on (``Extras.annotations[(model, graph)]``),
# each in the graph's own unit.
ACTIVITY = "activity"
"""Invocations, errors and throttles, per minute."""
RATES = "rates"
"""Error, throttle and application-error rates, percent."""
LATENCY = "latency"
"""InvocationLatency, milliseconds."""
TIME_TO_FIRST_TOKEN = "time-to-first-token"
SPEED = "speed"
"""Output tokens per second."""
QUOTA = "quota"
"""Estimated tokens per minute."""
DAILY_QUOTA = "daily-quota"
"""Tokens since midnight UTC."""
COST = "cost"
"""USD per hour."""


def _per_minute(metric: Metric, model: ModelSettings, id: str, label: str, colour: str) -> list[list[Any]]:
    """A count as a per-minute rate: the hidden Sum, and the rate over whatever period the graph has."""
    return [
        model_metric(metric, model, id=id, stat="Sum", visible=False),
        expression(per_minute(id), f"{id}m", label, color=colour),
    ]


def model_section(model: ModelSettings, settings: Settings, extras: Extras) -> Section:
    """Every widget for one model."""
    region, period = model.region or settings.region, settings.dashboard.period_seconds

    def notes(graph_key: str) -> list[dict[str, Any]]:
        return extras.annotations.get((model.name, graph_key), [])

    named = f"Name `{model.name}`, " if model.label else ""
    elsewhere = f" Metrics in {region}; alarmed on by that Region's stack." if region != settings.region else ""
    header = text(
        f"## {model.display}\n{named}`ModelId` = `{model.id}`{quota_header(model)}. {_price_summary(model)}{elsewhere}"
    )

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
        # Tokens a service tier served at its own prices: the difference from Standard (dashboard/tiers.py).
        adjustments = cost_adjustment_entries(model, "")
        tiles += adjustments
        parts = [id for id, _, _ in cost_terms] + [e[0]["id"] for e in adjustments if "expression" in e[0]]
        tiles.append(expression("+".join(parts), "cost", "Cost (USD)"))

    activity = graph(
        "Invocations, errors and throttles (per minute)",
        [
            *_per_minute(cat.INVOCATIONS, model, "inv", "Invocations", COLOURS["invocations"]),
            *_per_minute(cat.INVOCATION_CLIENT_ERRORS, model, "ce", "Client errors", COLOURS["client"]),
            *_per_minute(cat.INVOCATION_SERVER_ERRORS, model, "se", "Server errors", COLOURS["server"]),
            *_per_minute(cat.INVOCATION_THROTTLES, model, "th", "Throttles", COLOURS["throttles"]),
        ],
        region,
        period,
        y_label="Per minute",
        annotations=notes(ACTIVITY),
    )
    # Denominators: see llm_monitor.mathexpr (shared with the rate alarms). The application's own
    # failure rate for this model (its logs) sits beside Bedrock's: the gap is calls that failed
    # before they reached Bedrock.
    app = settings.logs.application_namespace
    # The application-logged series need the stack's metric filters (the logs part).
    logged = (
        [
            model_metric(cat.in_namespace(cat.INFERENCE_REQUESTS, app), model, id="calls", visible=False),
            model_metric(cat.in_namespace(cat.INFERENCE_ERRORS, app), model, id="failed", visible=False),
        ]
        if settings.builds("logs")
        else []
    )
    logged_rate = (
        [expression("100*FILL(failed,0)/calls", "aer", "Application-logged failure %", color=COLOURS["app"])]
        if logged
        else []
    )
    rates = graph(
        "Error and throttle rate (%)",
        [
            model_metric(cat.INVOCATIONS, model, id="inv", visible=False),
            model_metric(cat.INVOCATION_CLIENT_ERRORS, model, id="ce", visible=False),
            model_metric(cat.INVOCATION_SERVER_ERRORS, model, id="se", visible=False),
            model_metric(cat.INVOCATION_THROTTLES, model, id="th", visible=False),
            *logged,
            expression(ERRORS, "err", "Errors", visible=False),
            expression(REQUESTS, "req", "Requests", visible=False),
            expression(ATTEMPTS, "att", "Attempts", visible=False),
            expression("100*err/req", "er", "Error %", color=COLOURS["total"]),
            expression("100*FILL(ce,0)/req", "cer", "Client error %", color=COLOURS["client"]),
            expression("100*FILL(se,0)/req", "ser", "Server error %", color=COLOURS["server"]),
            expression("100*FILL(th,0)/att", "thr", "Throttle %", color=COLOURS["throttles"]),
            *logged_rate,
        ],
        region,
        period,
        y_label="Percent",
        annotations=notes(RATES),
    )
    latency = graph(
        "Invocation latency (ms)",
        [model_metric(cat.INVOCATION_LATENCY, model, stat=s, label=s) for s in ("p50", "p90", "p99", "Average")],
        region,
        period,
        stat="p90",
        y_label="Milliseconds",
        annotations=notes(LATENCY),
    )
    ttft = graph(
        "Time to first token (ms, streaming)",
        [model_metric(cat.TIME_TO_FIRST_TOKEN, model, stat=s, label=s) for s in ("p50", "p90")],
        region,
        period,
        stat="p90",
        y_label="Milliseconds",
        annotations=notes(TIME_TO_FIRST_TOKEN),
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
    # AWS's output tokens per second (llm_monitor.mathexpr.OTPS): generation speed without the
    # time to the first token, so longer prompts do not lower it; streaming calls only.
    speed = graph(
        "Output tokens per second (p50, streaming)",
        [
            model_metric(cat.OUTPUT_TOKEN_COUNT, model, id="out", stat="p50", visible=False),
            model_metric(cat.INVOCATION_LATENCY, model, id="lat", stat="p50", visible=False),
            model_metric(cat.TIME_TO_FIRST_TOKEN, model, id="ttft", stat="p50", visible=False),
            expression(OTPS, "otps", "Output tokens/s"),
            expression("out", "tpc", "Output tokens per call (p50)", yAxis="right"),
        ],
        region,
        period,
        y_label="Tokens/s",
        annotations=notes(SPEED),
    )
    third_row = [quota_graph(model, region, period, notes(QUOTA))]
    daily = daily_quota_graph(model, region, period, notes(DAILY_QUOTA))
    third_row += [daily] if daily else []
    third_row.append(cache_hit_graph(model, region, period))
    if cost_terms:
        # USD per hour whatever period the console picks, like the cost alarm.
        hourly = f"3600/PERIOD({INPUT_TOKENS.id_prefix})"
        cost_metrics = _token_sources(model)
        cost_metrics += [expression(f"{expr}*{hourly}", id, label) for id, label, expr in cost_terms]
        adjustments = cost_adjustment_entries(model, f"*{hourly}")
        cost_metrics += adjustments
        parts = [id for id, _, _ in cost_terms] + [e[0]["id"] for e in adjustments if "expression" in e[0]]
        cost_metrics.append(expression("+".join(parts), "ctotal", "Total USD/hour", color=COLOURS["total"]))
        third_row.append(
            graph("Cost (USD per hour)", cost_metrics, region, period, y_label="USD/hour", annotations=notes(COST))
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
    for index, widget in enumerate(third_row):
        # The row's 24 columns shared out: 8 each for 3 widgets, 6 for 4, 5-5-5-5-4 for 5.
        widget.width = GRID_COLUMNS // len(third_row) + (index < GRID_COLUMNS % len(third_row))
    tiered = tier_row(model, region, period, extras.annotations)

    graphs = [activity, rates, latency, ttft, tokens, speed, *third_row, *tiered]
    for widget in graphs:
        # The model's name in every title: a widget opened full-screen or shared still says which model.
        widget.properties["title"] = f"{model.display}: {widget.properties['title']}"
    rows = [[header], [totals(f"{model.display}: totals for the time range", tiles, region, period)]]
    rows += [graphs[0:3], graphs[3:6], third_row] + ([tiered] if tiered else [])
    rows += extras.model_rows.get(model.name, [])
    return Section(f"model:{model.name}", rows)
