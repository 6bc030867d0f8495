"""A model's service-tier graphs, and the tier terms of its cost graphs (pure).

Only for models whose ``serviceTiers`` declare Priority, Flex or Reserved: requests, latency and
tokens per (requested → served) tier, Reserved overflow, and what each tier's own prices add to
the spend (``llm_monitor.pricing``, shared with the cost alarm).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard.widgets import Widget, expression, graph, metric_entry, search
from llm_monitor.mathexpr import per_minute
from llm_monitor.pricing import served_pairs, tier_adjustments, tier_dimensions, tier_label

# Keys of the graphs alarms draw on (``Extras.annotations[(model, key)]``).
TIER_LATENCY = "tier-latency"
"""InvocationLatency p90 by tier, milliseconds."""
TIER_OVERFLOW = "tier-overflow"
"""Reserved requests served by Standard, percent."""


def cost_adjustment_entries(model: ModelSettings, scale: str) -> list[list[Any]]:
    """Hidden token series of each tier whose prices differ, and one hidden USD expression per tier
    (id ``t<tier>``), times ``scale`` (``*3600/PERIOD(tin)`` for USD per hour)."""
    entries: list[list[Any]] = []
    for adjustment in tier_adjustments(model):
        entries += [metric_entry(s.metric, s.dimensions, id=s.id, stat="Sum", visible=False) for s in adjustment.series]
        usd = f"({adjustment.expression.removeprefix('+')})/1000{scale}"
        entries.append(expression(usd, adjustment.id, f"{adjustment.label} (USD)"))
    return entries


def _pair(requested: str, served: str) -> str:
    return tier_label(served) if requested == served else f"{tier_label(requested)} → {tier_label(served)}"


def tier_row(
    model: ModelSettings, region: str, period: int, annotations: Mapping[tuple[str, str], list[dict[str, Any]]]
) -> list[Widget]:
    """Requests, latency and tokens by tier (and Reserved overflow), or nothing for a Standard-only model."""
    if model.service_tiers is None:
        return []
    pairs = served_pairs(model)

    def notes(key: str) -> list[dict[str, Any]]:
        return annotations.get((model.name, key), [])

    def series(metric: cat.Metric, prefix: str, stat: str, **options: Any) -> list[list[Any]]:
        return [
            metric_entry(metric, tier_dimensions(model, req, served), id=f"{prefix}{i}", stat=stat, **options)
            for i, (req, served) in enumerate(pairs)
        ]

    # The launch revision of the service-tiers page put the tier metrics "under model-id+priority and
    # model-id+flex"; if that is a ModelId value with the tier appended, this SEARCH shows it (nothing
    # otherwise). The alarms follow the current revision's dimensions.
    older = " OR ".join(f'ModelId="{model.id}+{t}"' for t in model.tiers if t != "default")
    requests = graph(
        "Requests by service tier (per minute)",
        [
            *series(cat.INVOCATIONS, "ti", "Sum", visible=False),
            *[expression(per_minute(f"ti{i}"), f"tim{i}", _pair(*pair)) for i, pair in enumerate(pairs)],
            expression(search(cat.INVOCATIONS, cat.BY_MODEL, "Sum", period, f"({older})"), "older", ""),
        ],
        region,
        period,
        y_label="Per minute",
    )
    latency = graph(
        "Latency by service tier (p90, ms)",
        [
            metric_entry(
                cat.INVOCATION_LATENCY, tier_dimensions(model, req, served), stat="p90", label=_pair(req, served)
            )
            for req, served in pairs
        ],
        region,
        period,
        stat="p90",
        y_label="Milliseconds",
        annotations=notes(TIER_LATENCY),
    )
    tokens = graph(
        "Tokens by service tier (input + output, per minute)",
        [
            *series(cat.INPUT_TOKEN_COUNT, "tn", "Sum", visible=False),
            *series(cat.OUTPUT_TOKEN_COUNT, "tu", "Sum", visible=False),
            *[
                expression(f"(FILL(tn{i},0)+FILL(tu{i},0))/(PERIOD(tn{i})/60)", f"tt{i}", _pair(*pair))
                for i, pair in enumerate(pairs)
            ],
        ],
        region,
        period,
        y_label="Tokens/min",
    )
    row = [requests, latency, tokens]
    if "reserved" in model.tiers:
        kept, over = (tier_dimensions(model, "reserved", t) for t in ("reserved", "default"))
        row.append(
            graph(
                "Reserved overflow (% of Reserved requests)",
                [
                    metric_entry(cat.INVOCATIONS, kept, id="kept", stat="Sum", visible=False),
                    metric_entry(cat.INVOCATIONS, over, id="over", stat="Sum", visible=False),
                    expression("100*FILL(over,0)/(FILL(kept,0)+FILL(over,0))", "share", "Served by Standard (%)"),
                ],
                region,
                period,
                y_label="Percent",
                annotations=notes(TIER_OVERFLOW),
            )
        )
    for widget in row:
        widget.width = 24 // len(row)
    return row
