"""The spend alarm (notify): estimated USD per hour, each service tier's tokens at its own prices."""

from __future__ import annotations

from llm_monitor.alarms.context import ModelContext
from llm_monitor.alarms.specs import ABOVE, MetricAlarmSpec, Query
from llm_monitor.dashboard import model as board
from llm_monitor.mathexpr import TOKEN_KINDS, number
from llm_monitor.pricing import signed_sum, tier_adjustments


def cost(ctx: ModelContext) -> MetricAlarmSpec | None:
    rule = ctx.rules.cost
    if not rule.enabled or not ctx.model.priced:
        return None
    p = rule.period_seconds
    queries: list[Query] = []
    terms: list[str] = []
    for kind in TOKEN_KINDS:
        price = ctx.model.prices[kind.price]
        if price is None:
            continue
        queries += [ctx.metric(i, m, p, m.name) for i, m in zip(kind.ids, kind.metrics, strict=True)]
        terms.append(f"({kind.total})*{number(price)}")
    # Each declared service tier adds what its own prices change, on the tokens it served
    # (llm_monitor.pricing; config validation keeps the metrics within CloudWatch's 10).
    adjustments = tier_adjustments(ctx.model)
    for adjustment in adjustments:
        queries += [
            Query(
                s.id,
                f"{s.metric.name}, {adjustment.tier}",
                metric=s.metric,
                dimensions=s.dimensions,
                stat="Sum",
                period=p,
            )
            for s in adjustment.series
        ]
    # Prices are per 1,000 tokens; the period's spend is scaled to one hour.
    spend = signed_sum(terms, adjustments)
    queries.append(Query("usd", "Estimated USD per hour", expression=f"({spend})/1000*3600/{p}", return_data=True))
    # The cost graph is in USD per hour too, whatever period the console picks.
    ctx.line(board.COST, f"Cost alarm: ${rule.threshold:g}/hour", rule.threshold)
    return ctx.spec(
        "cost",
        rule,
        (
            f"estimated spend above ${rule.threshold:g} per hour",
            "Token use costs more than budgeted (token metrics × the prices in the stack config"
            + (", each service tier's tokens at its own prices" if adjustments else "")
            + "; an estimate, not the bill)",
            "The model's token graphs (which kind of token grew) and the invocation logs for the callers "
            "behind it; check that the configured prices are current.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=tuple(queries),
        evaluation_window="wallClock",
    )
