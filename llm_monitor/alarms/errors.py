"""Error and throttle alarms: rates gated on the failures themselves (page), and plain counts (notify)."""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext, per_minute
from llm_monitor.alarms.specs import ABOVE, AT_OR_ABOVE, MetricAlarmSpec, Query, duration
from llm_monitor.catalogue import Metric
from llm_monitor.config.alarm_kinds import ApplicationErrorRateAlarm, ServerErrorsAlarm, ThrottlesAlarm
from llm_monitor.dashboard import model as board
from llm_monitor.mathexpr import ATTEMPTS, ERRORS, REQUESTS, gated_rate

THROTTLE_TEXT = (
    "Bedrock refused requests for quota (ThrottlingException); callers retry, then fail",
    "Estimated TPM quota usage in the model's section and the Bedrock quotas in Service Quotas ({region}); "
    "then spread load with a cross-Region inference profile or request an increase.",
)


def count(
    ctx: ModelContext, kind: str, rule: ServerErrorsAlarm | ThrottlesAlarm, metric: Metric, text: tuple[str, str]
) -> MetricAlarmSpec | None:
    """At least ``threshold`` of a counted metric in one period."""
    if not rule.enabled:
        return None
    ctx.line(
        board.ACTIVITY,
        f"{metric.name} alarm: {rule.threshold} per {duration(rule.period_seconds)}",
        per_minute(rule.threshold, rule.period_seconds),
    )
    return ctx.spec(
        kind,
        rule,
        (f"{rule.threshold} or more {metric.name}", *text),
        comparison=AT_OR_ABOVE,
        threshold=rule.threshold,
        metric=metric,
        dimensions=ctx.dims,
        period=rule.period_seconds,
        statistic="Sum",
    )


def server_errors(ctx: ModelContext) -> MetricAlarmSpec | None:
    return count(
        ctx,
        "server-errors",
        ctx.rules.server_errors,
        cat.INVOCATION_SERVER_ERRORS,
        (
            "Bedrock failed requests on its side (5xx)",
            f"The AWS Health Dashboard for Bedrock in {ctx.region}, and whether other models fail too (the "
            "account-wide section); a cross-Region inference profile spreads the risk.",
        ),
    )


def throttles(ctx: ModelContext) -> MetricAlarmSpec | None:
    consequence, check = THROTTLE_TEXT
    rule = ctx.rules.throttles
    return count(ctx, "throttles", rule, cat.INVOCATION_THROTTLES, (consequence, check.format(region=ctx.region)))


def error_rate(ctx: ModelContext) -> MetricAlarmSpec | None:
    """Client plus server errors as a share of requests (shared expressions: ``llm_monitor.mathexpr``)."""
    rule = ctx.rules.error_rate
    if not rule.enabled:
        return None
    p = rule.period_seconds
    ctx.line(board.RATES, f"Error-rate alarm: {rule.threshold:g}%", rule.threshold)
    queries = (
        ctx.metric("inv", cat.INVOCATIONS, p, "Invocations"),
        ctx.metric("ce", cat.INVOCATION_CLIENT_ERRORS, p, "Client errors"),
        ctx.metric("se", cat.INVOCATION_SERVER_ERRORS, p, "Server errors"),
        Query("err", "Errors", expression=ERRORS),
        Query("req", "Requests", expression=REQUESTS),
        Query("rate", "Error rate (%)", expression=gated_rate("err", "req", rule.min_errors), return_data=True),
    )
    return ctx.spec(
        "error-rate",
        rule,
        (
            f"client plus server errors above {rule.threshold:g}% of requests, with at least {rule.min_errors} errors",
            "Requests are failing",
            "Which kind, on the model's rate graph. Client errors point at callers: a recent deploy, revoked "
            "model access (AccessDeniedException), IAM permissions, request validation (prompt too long, bad "
            f"parameters). Server errors point at Bedrock: the AWS Health Dashboard for Bedrock in {ctx.region}.",
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
    )


def application_error_rate(ctx: ModelContext) -> MetricAlarmSpec | None:
    """Failures the applications logged for this model: the callers' view, Bedrock or not."""
    rule = ctx.rules.application_error_rate
    if not rule.enabled or not ctx.logs:
        return None
    ctx.line(board.RATES, f"Application failure-rate alarm: {rule.threshold:g}%", rule.threshold)
    return ctx.spec(
        "application-error-rate",
        rule,
        application_text(rule, "model"),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=application_queries(rule, ctx.application_namespace, (cat.MODEL_ID, ctx.model.id)),
    )


def application_queries(
    rule: ApplicationErrorRateAlarm, namespace: str, dimension: tuple[str, str]
) -> tuple[Query, ...]:
    """Logged failures as a share of logged calls, for one model or one application (``dimension``)."""
    p = rule.period_seconds

    def metric(id: str, m: Metric, label: str) -> Query:
        return Query(id, label, cat.in_namespace(m, namespace), (dimension,), "Sum", p)

    return (
        metric("calls", cat.INFERENCE_REQUESTS, "Logged calls"),
        metric("failed", cat.INFERENCE_ERRORS, "Logged failures"),
        Query(
            "rate",
            "Logged failure rate (%)",
            expression=gated_rate("FILL(failed,0)", "FILL(calls,0)", rule.min_errors),
            return_data=True,
        ),
    )


def application_text(rule: ApplicationErrorRateAlarm, scope: str) -> tuple[str, str, str]:
    return (
        f"calls logged with status error above {rule.threshold:g}% of the {scope}'s logged calls, with at "
        f"least {rule.min_errors} failures",
        "Callers see failures, including those that never reach Bedrock (IAM AccessDenied, DNS or VPC "
        "endpoint trouble, a broken client)",
        "The 'Recent application errors' table (errorCode): AccessDenied or credential errors mean IAM, "
        "connection errors mean DNS or the VPC endpoint, ThrottlingException means quota; then the model's "
        "error-rate graph (Bedrock's own view).",
    )


def throttle_rate(ctx: ModelContext) -> MetricAlarmSpec | None:
    """Throttles as a share of attempts (throttled requests are not in Invocations)."""
    rule = ctx.rules.throttle_rate
    if not rule.enabled:
        return None
    p = rule.period_seconds
    ctx.line(board.RATES, f"Throttle-rate alarm: {rule.threshold:g}%", rule.threshold)
    queries = (
        ctx.metric("inv", cat.INVOCATIONS, p, "Invocations"),
        ctx.metric("th", cat.INVOCATION_THROTTLES, p, "Throttles"),
        Query("att", "Attempts", expression=ATTEMPTS),
        Query(
            "rate",
            "Throttle rate (%)",
            expression=gated_rate("FILL(th,0)", "att", rule.min_throttles),
            return_data=True,
        ),
    )
    consequence, check = THROTTLE_TEXT
    return ctx.spec(
        "throttle-rate",
        rule,
        (
            f"throttles above {rule.threshold:g}% of attempts, with at least {rule.min_throttles} throttles",
            consequence,
            check.format(region=ctx.region),
        ),
        comparison=ABOVE,
        threshold=rule.threshold,
        queries=queries,
    )
