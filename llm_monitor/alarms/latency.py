"""Latency alarms: absolute percentiles (page), a band around the model's normal (notify), and AWS's OTPS."""

from __future__ import annotations

from dataclasses import replace

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext
from llm_monitor.alarms.specs import ABOVE, BAND_COMPARISONS, BELOW, MetricAlarmSpec, Query
from llm_monitor.alarms.tiers import without_flex
from llm_monitor.catalogue import Metric
from llm_monitor.config.alarm_kinds import LatencyAnomalyAlarm, OutputTokensPerSecondAlarm, PercentileRule
from llm_monitor.dashboard import model as board
from llm_monitor.mathexpr import OTPS, number


def percentile(
    ctx: ModelContext, kind: str, rule: PercentileRule, metric: Metric, graph: str, text: tuple[str, str]
) -> MetricAlarmSpec | None:
    """A latency percentile above a fixed number of milliseconds (Flex left out where the model declares it)."""
    if not rule.enabled:
        return None
    ctx.line(graph, f"{rule.statistic} alarm: {rule.threshold:g} ms", rule.threshold)
    if "flex" in ctx.model.tiers:
        return without_flex(ctx, kind, rule, metric, text)
    return ctx.spec(
        kind,
        rule,
        (f"{rule.statistic} {metric.name} above {rule.threshold:g} ms", *text),
        comparison=ABOVE,
        threshold=rule.threshold,
        metric=metric,
        dimensions=ctx.dims,
        period=rule.period_seconds,
        statistic=rule.statistic,
    )


def latency(ctx: ModelContext) -> MetricAlarmSpec | None:
    return percentile(
        ctx,
        "latency",
        ctx.rules.latency,
        cat.INVOCATION_LATENCY,
        board.LATENCY,
        (
            "Callers wait too long for complete answers",
            "Output tokens per second in the model's section (falling: the model itself slowed; steady: "
            "answers got longer, see output tokens per call), then throttles (SDK retries add latency) and the "
            f"AWS Health Dashboard for Bedrock in {ctx.region}.",
        ),
    )


def time_to_first_token(ctx: ModelContext) -> MetricAlarmSpec | None:
    return percentile(
        ctx,
        "time-to-first-token",
        ctx.rules.time_to_first_token,
        cat.TIME_TO_FIRST_TOKEN,
        board.TIME_TO_FIRST_TOKEN,
        (
            "Streaming callers wait too long for the first token (successful streaming calls only)",
            "Input tokens per call (long prompts delay the first token) and throttles, then the AWS Health "
            f"Dashboard for Bedrock in {ctx.region}.",
        ),
    )


def latency_anomaly(ctx: ModelContext) -> MetricAlarmSpec | None:
    """The latency percentile above CloudWatch's anomaly band: slow for *this* model.

    A fast model whose p90 grows fivefold is in trouble long before an absolute threshold set for
    every model; the band learns each model's own normal (by hour of day and day of week).
    """
    rule: LatencyAnomalyAlarm = ctx.rules.latency_anomaly
    if not rule.enabled:
        return None
    watched = ctx.metric(
        "lat", cat.INVOCATION_LATENCY, rule.period_seconds, f"{rule.statistic} latency", rule.statistic
    )
    band = Query(
        "band",
        "Expected latency",
        expression=f"ANOMALY_DETECTION_BAND(lat, {number(rule.band_width)})",
        return_data=True,
    )
    return ctx.spec(
        "latency-anomaly",
        rule,
        (
            f"{rule.statistic} InvocationLatency above its expected band ({rule.band_width:g} standard deviations)",
            "Calls are much slower than this model's normal for the time of day and week, even if still under "
            "the absolute latency threshold",
            "The latency and output-tokens-per-second graphs (generation slowed, or prompts and answers grew: "
            "input and output tokens per call); recent prompt or max_tokens changes; the AWS Health Dashboard "
            f"for Bedrock in {ctx.region}.",
        ),
        comparison=BAND_COMPARISONS["above"],
        queries=(replace(watched, return_data=True), band),
        threshold_metric_id=band.id,
    )


def output_tokens_per_second(ctx: ModelContext) -> MetricAlarmSpec | None:
    """AWS's OTPS below a fraction of the model's baseline (generation slowed, whatever the prompt length)."""
    rule: OutputTokensPerSecondAlarm = ctx.rules.output_tokens_per_second
    if not rule.enabled or rule.baseline is None:
        return None
    p = rule.period_seconds
    floor = rule.baseline * rule.fraction
    ctx.line(board.SPEED, f"OTPS alarm: {floor:g} tokens/s", floor)
    queries = (
        ctx.metric("out", cat.OUTPUT_TOKEN_COUNT, p, "p50 output tokens", "p50"),
        ctx.metric("lat", cat.INVOCATION_LATENCY, p, "p50 latency", "p50"),
        ctx.metric("ttft", cat.TIME_TO_FIRST_TOKEN, p, "p50 time to first token", "p50"),
        Query("otps", "Output tokens per second", expression=OTPS, return_data=True),
    )
    return ctx.spec(
        "output-tokens-per-second",
        rule,
        (
            f"output tokens per second (p50, streaming calls) below {floor:g} ({rule.fraction:g} × the "
            f"baseline of {rule.baseline:g})",
            "The model generates more slowly than normal; prompt length does not move this figure, so it is "
            "the model or its capacity",
            f"The AWS Health Dashboard for Bedrock in {ctx.region}, throttles and quota usage, and whether "
            "traffic moved to another Region or service tier.",
        ),
        comparison=BELOW,
        threshold=floor,
        queries=queries,
    )
