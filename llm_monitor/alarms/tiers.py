"""Service-tier alarms: latency without Flex (page), Flex latency and Reserved overflow (notify).

A model whose ``serviceTiers`` declare Flex has its ``latency`` and ``timeToFirstToken`` alarms
watch the tiers that are meant to be fast: the highest percentile among the series of the
Standard, Priority and Reserved tiers (the ``ModelId`` + ``ServiceTier`` + ``ResolvedServiceTier``
series; a percentile of the ModelId series would mix Flex in, and percentiles of several series
cannot be merged, so the alarm fires when any of them is slow). Flex gets its own alarm and
threshold (``flexLatency``).
"""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext
from llm_monitor.alarms.specs import ABOVE, MetricAlarmSpec, Query
from llm_monitor.catalogue import Metric
from llm_monitor.config.alarm_kinds import PercentileRule
from llm_monitor.dashboard import tiers as tier_board
from llm_monitor.pricing import served_pairs, tier_dimensions, tier_label


def _pair_text(pairs: list[tuple[str, str]]) -> str:
    served = sorted({tier_label(served) for _, served in pairs})
    return ", ".join(served)


def without_flex(
    ctx: ModelContext, kind: str, rule: PercentileRule, metric: Metric, text: tuple[str, str]
) -> MetricAlarmSpec:
    """A latency percentile of every served tier but Flex, above the rule's threshold."""
    pairs = served_pairs(ctx.model, flex=False)
    p = rule.period_seconds
    queries = [
        Query(
            f"l{i}",
            f"{rule.statistic} {metric.name}, {requested} served by {served}",
            metric=metric,
            dimensions=tier_dimensions(ctx.model, requested, served),
            stat=rule.statistic,
            period=p,
        )
        for i, (requested, served) in enumerate(pairs)
    ]
    watched = "MAX([" + ",".join(q.id for q in queries) + "])" if len(queries) > 1 else queries[0].id
    queries.append(Query("slowest", f"Slowest tier's {rule.statistic}", expression=watched, return_data=True))
    if metric is cat.INVOCATION_LATENCY:
        ctx.line(tier_board.TIER_LATENCY, f"{rule.statistic} alarm: {rule.threshold:g} ms", rule.threshold)
    return ctx.spec(
        kind,
        rule,
        (
            f"{rule.statistic} {metric.name} of the calls served by {_pair_text(pairs)} (Flex excluded: its "
            f"latency is variable by design) above {rule.threshold:g} ms",
            *text,
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=tuple(queries),
    )


def flex_latency(ctx: ModelContext) -> MetricAlarmSpec | None:
    rule = ctx.rules.flex_latency
    if not rule.enabled or "flex" not in ctx.model.tiers:
        return None
    metric = cat.INVOCATION_LATENCY
    ctx.line(tier_board.TIER_LATENCY, f"Flex {rule.statistic} alarm: {rule.threshold:g} ms", rule.threshold)
    return ctx.spec(
        "flex-latency",
        rule,
        (
            f"{rule.statistic} {metric.name} of the calls served by the Flex tier above {rule.threshold:g} ms",
            "Flex calls wait longer than even Flex's longer processing times allow for",
            "Whether Standard and Priority are slow too (the latency by tier graph: a model-wide slowdown) or Flex "
            "alone (capacity for Flex is short); move urgent work off Flex.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        metric=metric,
        dimensions=tier_dimensions(ctx.model, "flex", "flex"),
        period=rule.period_seconds,
        statistic=rule.statistic,
    )


def reserved_overflow(ctx: ModelContext) -> MetricAlarmSpec | None:
    """The share of Reserved-tier requests that Standard served: the reservation is used up."""
    rule = ctx.rules.reserved_overflow
    if not rule.enabled or "reserved" not in ctx.model.tiers:
        return None
    p = rule.period_seconds
    ctx.line(tier_board.TIER_OVERFLOW, f"Overflow alarm: {rule.threshold:g}%", rule.threshold)
    queries = (
        Query(
            "kept",
            "Reserved requests served by Reserved",
            metric=cat.INVOCATIONS,
            dimensions=tier_dimensions(ctx.model, "reserved", "reserved"),
            stat="Sum",
            period=p,
        ),
        Query(
            "over",
            "Reserved requests served by Standard",
            metric=cat.INVOCATIONS,
            dimensions=tier_dimensions(ctx.model, "reserved", "default"),
            stat="Sum",
            period=p,
        ),
        Query(
            "share",
            "Reserved requests that overflowed (%)",
            expression="100*FILL(over,0)/(FILL(kept,0)+FILL(over,0))",
            return_data=True,
        ),
    )
    return ctx.spec(
        "reserved-overflow",
        rule,
        (
            f"more than {rule.threshold:g}% of the requests for the Reserved tier served by Standard",
            "The reservation is used up: the overflow is billed at on-demand prices and draws on the on-demand "
            "quota (nothing fails yet)",
            "The tokens-per-minute capacity reserved against the tokens by tier graph; reserve more, or move "
            "traffic that can wait to Flex.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
    )
