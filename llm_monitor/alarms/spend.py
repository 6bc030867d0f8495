"""Spend alarms (notify): estimated USD per hour, and tokens-per-minute quota usage."""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext
from llm_monitor.alarms.specs import ABOVE, MetricAlarmSpec, Query
from llm_monitor.dashboard import model as board
from llm_monitor.mathexpr import TOKEN_KINDS, number


def quota(ctx: ModelContext) -> MetricAlarmSpec | None:
    rule, tpm = ctx.rules.quota, ctx.model.tokens_per_minute_quota
    if not rule.enabled or not tpm:
        return None
    metric = cat.ESTIMATED_TPM_QUOTA_USAGE
    ctx.line(board.QUOTA, f"Quota alarm: {rule.threshold:g}% of TPM quota", tpm * rule.threshold / 100)
    queries = (
        ctx.metric("q", metric, rule.period_seconds, "Estimated quota usage"),
        # Tokens per minute whatever the period, as a share of the per-minute quota.
        Query("pct", "TPM quota used (%)", expression=f"100*(q/(PERIOD(q)/60))/{tpm}", return_data=True),
    )
    return ctx.spec(
        "quota",
        rule,
        (
            f"{metric.name} above {rule.threshold:g}% of the tokens-per-minute quota of {tpm:,}",
            "Throttling is near (the metric is an estimate that leaves out the up-front reservation of max_tokens)",
            "Which callers drive the token volume (invocation logs) and their max_tokens settings (Bedrock "
            "reserves input plus max_tokens up front); then request a quota increase in Service Quotas or "
            "spread load with a cross-Region inference profile.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
    )


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
    # Prices are per 1,000 tokens; the period's spend is scaled to one hour.
    queries.append(
        Query("usd", "Estimated USD per hour", expression=f"({'+'.join(terms)})/1000*3600/{p}", return_data=True)
    )
    # The cost graph is in USD per hour too, whatever period the console picks.
    ctx.line(board.COST, f"Cost alarm: ${rule.threshold:g}/hour", rule.threshold)
    return ctx.spec(
        "cost",
        rule,
        (
            f"estimated spend above ${rule.threshold:g} per hour",
            "Token use costs more than budgeted (token metrics × the prices in the stack config; an "
            "estimate, not the bill)",
            "The model's token graphs (which kind of token grew) and the invocation logs for the callers "
            "behind it; check that the configured prices are current.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=tuple(queries),
    )
