"""Quota alarms (notify): the per-minute token quota, and the daily one.

Bedrock throttles on token quotas only (no requests-per-minute quota since May 2026; see
``llm_monitor.quotas``). ``EstimatedTPMQuotaUsage`` is AWS's estimate of what calls take from the
quota (cache writes and output burndown included); the daily quota is counted the same way here.
A quota read at deploy time from its Service Quotas code appears as a placeholder
(``llm_monitor.deployvalues``) until then.
"""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext
from llm_monitor.alarms.specs import ABOVE, MetricAlarmSpec, Query
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard import model as board
from llm_monitor.deployvalues import daily_operand, line_value, minute_operand
from llm_monitor.quotas import daily_label, minute_label, quota_names, scope_name

CHECK_QUOTA = (
    "Which callers drive the token volume (invocation logs) and their max_tokens settings (Bedrock "
    "reserves input plus max_tokens up front); then request a quota increase in Service Quotas or "
    "spread load with a cross-Region inference profile."
)


def _which(model: ModelSettings, typed: int | None, code: str | None, daily: bool = False) -> str:
    """``the cross-Region tokens-per-minute quota ("…") of 400,000``, or where its value comes from."""
    scope = scope_name(model.scope)
    names = quota_names(model.scope, daily)
    kind = "daily token quota" if daily else "tokens-per-minute quota"
    text = f"the {scope + ' ' if scope else ''}{kind}{f' ({names})' if names else ''}"
    if code is not None:
        fallback = f"; typed fallback {typed:,}" if typed is not None else ""
        return f"{text}, Service Quotas {code} read at deploy time{fallback}"
    return f"{text} of {typed:,}" if typed is not None else text


def quota(ctx: ModelContext) -> MetricAlarmSpec | None:
    rule, model = ctx.rules.quota, ctx.model
    divisor = minute_operand(model)
    if not rule.enabled or divisor is None:
        return None
    metric = cat.ESTIMATED_TPM_QUOTA_USAGE
    label = minute_label(model.scope)
    if model.tokens_per_minute_quota_code is None and model.tokens_per_minute_quota is not None:
        line: float | str = model.tokens_per_minute_quota * rule.threshold / 100
    else:
        line = line_value(minute_operand(model, rule.threshold / 100))
    ctx.line(board.QUOTA, f"Quota alarm: {rule.threshold:g}% of {label}", line)
    queries = (
        ctx.metric("q", metric, rule.period_seconds, "Estimated quota usage"),
        # Tokens per minute whatever the period, as a share of the per-minute quota.
        Query("pct", f"{label} used (%)", expression=f"100*(q/(PERIOD(q)/60))/{divisor}", return_data=True),
    )
    which = _which(model, model.tokens_per_minute_quota, model.tokens_per_minute_quota_code)
    return ctx.spec(
        "quota",
        rule,
        (
            f"{metric.name} above {rule.threshold:g}% of {which}",
            "Throttling is near (the metric is an estimate that leaves out the up-front reservation of max_tokens)",
            CHECK_QUOTA,
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
    )


def daily_quota(ctx: ModelContext) -> MetricAlarmSpec | None:
    """The day's estimated quota tokens above a share of the daily quota (see ``DailyQuotaAlarm``)."""
    rule, model = ctx.rules.daily_quota, ctx.model
    divisor = daily_operand(model)
    if not rule.enabled or divisor is None:
        return None
    metric = cat.ESTIMATED_TPM_QUOTA_USAGE
    label = daily_label(model.scope)
    ctx.line(
        board.DAILY_QUOTA,
        f"Daily quota alarm: {rule.threshold:g}% of the {label.lower()}",
        line_value(daily_operand(model, rule.threshold / 100)),
    )
    calendar = rule.window == "calendarDay"
    day = "a UTC day (CloudWatch reports it once the day has ended)" if calendar else "the last 24 hours"
    queries = (
        ctx.metric("d", metric, rule.period_seconds, "Estimated quota tokens of the day"),
        Query("pct", f"{label} used (%)", expression=f"100*d/{divisor}", return_data=True),
    )
    code = model.tokens_per_day_quota_code
    if code is None and model.tokens_per_day_quota is None and model.tokens_per_minute_quota_code is not None:
        code = f"{model.tokens_per_minute_quota_code} × 1440 (AWS's default)"
    which = _which(model, model.daily_quota, code, daily=True)
    return ctx.spec(
        "daily-quota",
        rule,
        (
            f"{metric.name} of {day} above {rule.threshold:g}% of {which}",
            "Once the daily quota is used up, every call is throttled (Too many tokens per day) until it frees up"
            if not calendar
            else "The day came close to the daily quota; the next busy day may be throttled",
            CHECK_QUOTA,
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
        evaluation_window="wallClock" if calendar else None,
    )
