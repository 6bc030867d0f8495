"""The logs part of the dashboard (pure): rows for ``Extras.overview_rows`` built from a ``LogSpec``."""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config import Settings
from llm_monitor.config.logs import APPLICATION, INVOCATIONS
from llm_monitor.dashboard import (
    COLOURS,
    GRID_COLUMNS,
    Widget,
    expression,
    graph,
    log_table,
    metric_entry,
    search,
    text,
    top_contributors,
)
from llm_monitor.log_policies import MAX_INLINE_BODY_KB
from llm_monitor.log_queries import INSIGHTS_APPLICATION, INSIGHTS_INVOCATION
from llm_monitor.logs import InvocationLoggingSpec, LogGroupSpec, LogSpec


def _source(group: LogGroupSpec, query: str) -> str:
    """A dashboard log widget names its log groups in the query itself."""
    return f"SOURCE '{group.name}' | {query}"


def _by(metric: Metric, dims: tuple[str, ...], stat: str, period: int, id: str, label: str) -> list[Any]:
    """Every series of ``metric`` with these dimensions, labelled with their values."""
    dynamic = " ".join(f"${{PROP('Dim.{d}')}}" for d in dims)
    return expression(search(metric, dims, stat, period), id, f"{label} {dynamic}".strip())


def _invocation_rows(settings: Settings, spec: LogSpec, logging: InvocationLoggingSpec) -> list[list[Widget]]:
    logs, region, period = settings.logs, settings.region, settings.dashboard.period_seconds
    group = spec.group(INVOCATIONS)
    delivery = [
        metric_entry(cat.LOGS_CLOUDWATCH_DELIVERY_SUCCESS, [], label="Delivered to CloudWatch Logs"),
        metric_entry(cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE, [], label="Failed", color=COLOURS["server"]),
    ]
    if logging.large_data_bucket:
        delivery += [
            metric_entry(cat.LARGE_DATA_S3_DELIVERY_SUCCESS, [], label="Large data to S3"),
            metric_entry(cat.LARGE_DATA_S3_DELIVERY_FAILURE, [], label="Large data failed", color=COLOURS["client"]),
        ]
    graphs = [
        graph("Invocation-log delivery (records)", delivery, region, period, y_label="Records"),
        graph(
            f"Large prompts (> {logs.large_prompt_tokens:,} input tokens)",
            [metric_entry(cat.LARGE_PROMPTS, [], label="Large prompts", color=COLOURS["throttles"])],
            region,
            period,
            y_label="Count",
        ),
    ]
    tables = [
        log_table(
            "Top callers by input tokens",
            _source(
                group,
                f"{INSIGHTS_INVOCATION} | stats count(*) as calls, sum(input.inputTokenCount) as inputTokens, "
                "sum(output.outputTokenCount) as outputTokens by identity.arn | sort inputTokens desc | limit 10",
            ),
            region,
        ),
        log_table(
            "Recent invocation errors",
            _source(
                group,
                f"{INSIGHTS_INVOCATION} and ispresent(errorCode) | sort @timestamp desc "
                "| display @timestamp, modelId, errorCode, identity.arn | limit 20",
            ),
            region,
        ),
    ]
    # Tenants: the top contributors of the Contributor Insights rules, not a metric per tenant.
    graphs += [top_contributors(rule.title, rule.name, rule.aggregate, region, period) for rule in spec.contributors]
    return [_spread(graphs), _spread(tables)]


def _application_rows(settings: Settings, spec: LogSpec) -> list[list[Widget]]:
    logs, region, period = settings.logs, settings.region, settings.dashboard.period_seconds
    group = spec.group(APPLICATION)
    # Per (application, model) pair only when bought back (logs.applicationPairMetrics).
    pairs = logs.application_pair_metrics

    def metric(m: Metric) -> Metric:
        return cat.in_namespace(m, logs.application_namespace)

    latency_by = cat.BY_APPLICATION_AND_MODEL if pairs else cat.BY_MODEL
    graphs = [
        graph(
            "App latency p90 (ms)",
            [_by(metric(cat.INFERENCE_LATENCY), latency_by, "p90", period, "lat", "")],
            region,
            period,
            stat="p90",
            y_label="Milliseconds",
        ),
        graph(
            "App calls and errors",
            [
                _by(metric(cat.INFERENCE_REQUESTS), cat.BY_APPLICATION, "Sum", period, "req", "calls"),
                _by(metric(cat.INFERENCE_ERRORS), cat.BY_APPLICATION, "Sum", period, "err", "errors"),
            ],
            region,
            period,
            y_label="Count",
        ),
    ]
    if pairs:
        graphs.append(
            graph(
                "App tokens",
                [
                    _by(metric(cat.INFERENCE_INPUT_TOKENS), latency_by, "Sum", period, "ain", "in"),
                    _by(metric(cat.INFERENCE_OUTPUT_TOKENS), latency_by, "Sum", period, "aout", "out"),
                ],
                region,
                period,
                y_label="Tokens",
            )
        )
    else:
        # The pair view without a custom metric per pair: Logs Insights over the dashboard's range.
        graphs.append(
            log_table(
                "App calls, tokens and p90 latency by application and model",
                _source(
                    group,
                    f"{INSIGHTS_APPLICATION} | stats count(*) as calls, sum(inputTokens) as inTokens, "
                    "sum(outputTokens) as outTokens, pct(latencyMs, 90) as p90Ms by app, modelId "
                    "| sort inTokens desc | limit 20",
                ),
                region,
            )
        )
    tables = [
        log_table(
            "Recent application errors",
            _source(
                group,
                f'{INSIGHTS_APPLICATION} and status = "error" | sort @timestamp desc '
                "| display @timestamp, app, modelId, errorCode, requestId | limit 20",
            ),
            region,
        ),
        log_table(
            "Slowest application calls",
            _source(
                group,
                f"{INSIGHTS_APPLICATION} and ispresent(latencyMs) | sort latencyMs desc "
                "| display @timestamp, app, modelId, latencyMs, inputTokens, outputTokens | limit 20",
            ),
            region,
        ),
    ]
    return [_spread(graphs), _spread(tables)]


def _spread(row: list[Widget]) -> list[Widget]:
    """Widgets of a row share the 24 columns equally."""
    for widget in row:
        widget.width = GRID_COLUMNS // len(row)
    return row


def _large_bodies(logging: InvocationLoggingSpec) -> str:
    """Where bodies the records cannot hold go: masking and the stack's key do not follow them."""
    if logging.large_data_bucket is None:
        return f"Bodies over {MAX_INLINE_BODY_KB} KB are not delivered (no `largeDataS3` bucket)."
    prefix = f"{logging.large_data_key_prefix}/" if logging.large_data_key_prefix else ""
    return (
        f"Bodies over {MAX_INLINE_BODY_KB} KB and all binary data go to "
        f"`s3://{logging.large_data_bucket}/{prefix}AWSLogs/`: **not masked**, and encrypted as that bucket is, "
        "not with this stack's key."
    )


def dashboard_rows(settings: Settings, spec: LogSpec) -> list[list[Widget]]:
    """Rows for ``Extras.overview_rows``: log metrics and log queries. No widget shows prompt or
    response text (dashboards are readable by anyone with cloudwatch:GetDashboard); the prompt
    search is a saved query instead."""
    logs = settings.logs
    invocations, application = spec.group(INVOCATIONS), spec.group(APPLICATION)
    masked = ", ".join([*logs.data_protection.identifiers, *(c.name for c in logs.data_protection.custom_identifiers)])
    if spec.logging is None:
        ownership = (
            "Bedrock model invocation logging is not managed by this stack "
            "(`llm-monitor:logs.invocationLogging.enabled`)."
        )
    else:
        ownership = f"Bedrock delivers: metadata, {', '.join(spec.logging.data_types) or 'no bodies'}. "
        ownership += _large_bodies(spec.logging)
    header = text(
        f"## Logs\nInvocation logs `{invocations.name}`, application logs `{application.name}`: "
        f"kept {logs.retention_days} days, KMS-encrypted, masked: {masked}. {ownership} "
        f"Saved Logs Insights queries: folder `{spec.query_folder}`.",
        height=2 if spec.logging is None else 3,
    )
    rows = [[header]]
    if spec.logging is not None:
        rows += _invocation_rows(settings, spec, spec.logging)
    rows += _application_rows(settings, spec)
    return rows
