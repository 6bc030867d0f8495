"""Dashboard sections for agents: classic Bedrock Agents and Amazon Bedrock AgentCore (pure).

Generated from ``llm_monitor/catalogue_surfaces.py``; shown only when ``llm-monitor:surfaces`` turns
them on.
"""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue_surfaces as sc
from llm_monitor.catalogue import in_namespace
from llm_monitor.config import Settings
from llm_monitor.config.surfaces import AgentAlias
from llm_monitor.dashboard.widgets import COLOURS, Section, Widget, expression, graph, metric_entry, search, text, total
from llm_monitor.mathexpr import fill_sum
from llm_monitor.metric import Metric


def _each(metric: Metric, dims: tuple[str, ...], stat: str, period: int, id: str) -> list[Any]:
    """One line per series of ``metric`` with these dimensions (the console labels them)."""
    return expression(search(metric, dims, stat, period), id, "")


def agents_section(settings: Settings) -> Section:
    """``AWS/Bedrock/Agents``: every agent by Operation, then each listed alias."""
    region, period = settings.region, settings.dashboard.period_seconds
    op, op_model = sc.BY_OPERATION, sc.BY_OPERATION_MODEL
    ops = ", ".join(f"`{o}`" for o in sc.AGENT_OPERATIONS)
    rows: list[list[Widget]] = [
        [text(f"# Bedrock Agents\n`{sc.AGENTS_NAMESPACE}`, every agent in {region} by `Operation` ({ops}).", height=1)]
    ]
    outputs = [total(m, op, period, f"to{i}", "", visible=False) for i, m in enumerate(sc.AGENT_OUTPUT_TOKEN_METRICS)]
    rows.append(
        [
            graph(
                "Agent requests by operation",
                [_each(sc.AGENT_INVOCATION_COUNT, op, "Sum", period, "inv")],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Agent errors and throttles",
                [
                    total(sc.AGENT_CLIENT_ERRORS, op, period, "ce", "Client errors", color=COLOURS["client"]),
                    total(sc.AGENT_SERVER_ERRORS, op, period, "se", "Server errors", color=COLOURS["server"]),
                    total(sc.AGENT_THROTTLES, op, period, "th", "Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Agent total time and time to first token, p90 (ms)",
                [
                    _each(sc.AGENT_TOTAL_TIME, op, "p90", period, "tt"),
                    _each(sc.AGENT_TTFT, op, "p90", period, "ttft"),
                ],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
        ]
    )
    rows.append(
        [
            graph(
                "Model calls made by agents",
                [
                    total(sc.AGENT_MODEL_INVOCATIONS, op, period, "mi", "Model calls", color=COLOURS["invocations"]),
                    total(sc.AGENT_MODEL_CLIENT_ERRORS, op, period, "mce", "Client errors", color=COLOURS["client"]),
                    total(sc.AGENT_MODEL_SERVER_ERRORS, op, period, "mse", "Server errors", color=COLOURS["server"]),
                    total(sc.AGENT_MODEL_THROTTLES, op, period, "mth", "Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Agents' model latency p90 by operation and model (ms)",
                [_each(sc.AGENT_MODEL_LATENCY, op_model, "p90", period, "ml")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
            graph(
                "Agents' model tokens",
                [
                    total(sc.AGENT_INPUT_TOKENS, op, period, "tin", "Input", color=COLOURS["input"]),
                    *outputs,
                    # Both spellings of the output metric (catalogue_surfaces.py), added.
                    expression(fill_sum(["to0", "to1"]), "tout", "Output", color=COLOURS["output"]),
                ],
                region,
                period,
                y_label="Tokens",
            ),
        ]
    )
    for alias in settings.surfaces.agents.aliases:
        rows += _alias_rows(alias, region, period)
    return Section("agents", rows)


def _alias_rows(alias: AgentAlias, region: str, period: int) -> list[list[Widget]]:
    """One alias's series (Operation + AgentAliasArn + ModelId)."""
    dims = [(sc.OPERATION, alias.operation), (sc.AGENT_ALIAS_ARN, alias.alias_arn), ("ModelId", alias.model_id)]

    def m(metric: Metric, **options: Any) -> list[Any]:
        return metric_entry(metric, dims, **options)

    name = alias.name
    return [
        [text(f"## Agent {name}\n`{alias.operation}` of `{alias.alias_arn}` with model `{alias.model_id}`.", height=1)],
        [
            graph(
                f"{name}: requests, errors and throttles",
                [
                    m(sc.AGENT_INVOCATION_COUNT, label="Requests", color=COLOURS["invocations"]),
                    m(sc.AGENT_CLIENT_ERRORS, label="Client errors", color=COLOURS["client"]),
                    m(sc.AGENT_SERVER_ERRORS, label="Server errors", color=COLOURS["server"]),
                    m(sc.AGENT_THROTTLES, label="Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                f"{name}: total time, time to first token and model latency (ms)",
                [
                    m(sc.AGENT_TOTAL_TIME, stat="p50", label="Total time p50"),
                    m(sc.AGENT_TOTAL_TIME, stat="p90", label="Total time p90"),
                    m(sc.AGENT_TTFT, stat="p90", label="TTFT p90"),
                    m(sc.AGENT_MODEL_LATENCY, stat="p90", label="Model latency p90"),
                ],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
            graph(
                f"{name}: tokens (left), model calls, errors and throttles (right)",
                [
                    m(sc.AGENT_MODEL_INVOCATIONS, label="Model calls", yAxis="right"),
                    m(
                        sc.AGENT_MODEL_CLIENT_ERRORS,
                        label="Model client errors",
                        yAxis="right",
                        color=COLOURS["client"],
                    ),
                    m(
                        sc.AGENT_MODEL_SERVER_ERRORS,
                        label="Model server errors",
                        yAxis="right",
                        color=COLOURS["server"],
                    ),
                    m(sc.AGENT_MODEL_THROTTLES, label="Model throttles", yAxis="right", color=COLOURS["throttles"]),
                    m(sc.AGENT_INPUT_TOKENS, label="Input tokens", color=COLOURS["input"]),
                    m(sc.AGENT_OUTPUT_TOKENS, id="ao0", visible=False),
                    m(sc.AGENT_OUTPUT_TOKENS_LOWER, id="ao1", visible=False),
                    expression(fill_sum(["ao0", "ao1"]), "aout", "Output tokens", color=COLOURS["output"]),
                ],
                region,
                period,
                y_label="Tokens",
            ),
        ],
    ]


def namespace_search(metric: Metric, stat: str, period: int, terms: str = "") -> str:
    """A SEARCH over every series of ``metric`` in its namespace, whatever its dimensions, narrowed by
    free-text ``terms`` (tokens of a dimension value, such as ``runtime`` in a runtime's ARN)."""
    query = f'Namespace="{metric.namespace}" MetricName="{metric.name}"{" " + terms if terms else ""}'
    return f"SEARCH('{query}', '{stat}', {period})"


def agentcore_section(settings: Settings) -> Section:
    """AgentCore runtime, gateway and memory, one row each, from the configured namespace."""
    region, period = settings.region, settings.dashboard.period_seconds
    namespace = settings.surfaces.agent_core.namespace

    def here(metric: Metric) -> Metric:
        return in_namespace(metric, namespace)

    rows: list[list[Widget]] = [
        [
            text(
                f"# Amazon Bedrock AgentCore\nNamespace `{namespace}` (AWS's pages also name `bedrock-agentcore` and "
                "`AWS/Bedrock-AgentCore`: `aws cloudwatch list-metrics --metric-name Invocations` shows which one "
                "this account has). One line per resource ARN; traces and sessions are in the CloudWatch "
                "GenAI observability console (needs Transaction Search).",
                height=2,
            )
        ]
    ]
    for kind in sc.AGENTCORE_RESOURCE_TYPES:
        label = kind.capitalize()
        counts: list[list[Any]] = [
            expression(namespace_search(here(sc.AGENTCORE_INVOCATIONS), "Sum", period, kind), f"{kind}i", "")
        ]
        if kind == "runtime":
            counts.append(
                expression(namespace_search(here(sc.AGENTCORE_SESSIONS), "Sum", period, kind), f"{kind}s", "")
            )
        failures = [
            expression(f"SUM({namespace_search(here(m), 'Sum', period, kind)})", f"{kind}{id}", name, color=colour)
            for m, id, name, colour in (
                (sc.AGENTCORE_SYSTEM_ERRORS, "se", "System errors (5xx)", COLOURS["server"]),
                (sc.AGENTCORE_USER_ERRORS, "ue", "User errors (4xx)", COLOURS["client"]),
                (sc.AGENTCORE_THROTTLES, "th", "Throttles (429)", COLOURS["throttles"]),
            )
        ]
        latency = expression(namespace_search(here(sc.AGENTCORE_LATENCY), "p90", period, kind), f"{kind}l", "")
        title = "invocations and sessions" if kind == "runtime" else "invocations"
        rows.append(
            [
                graph(f"AgentCore {label}: {title}", counts, region, period, y_label="Count"),
                graph(f"AgentCore {label}: errors and throttles", failures, region, period, y_label="Count"),
                graph(
                    f"AgentCore {label}: latency p90 (ms)",
                    [latency],
                    region,
                    period,
                    stat="p90",
                    y_label="Milliseconds",
                ),
            ]
        )
    return Section("agentcore", rows)
