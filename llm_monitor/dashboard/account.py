"""Account-wide dashboard sections: every Bedrock model in the Region, and guardrails (pure)."""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config import Settings
from llm_monitor.dashboard.widgets import COLOURS, GRID_COLUMNS, Section, Widget, expression, graph, search, text, total


def overview_section(settings: Settings) -> Section:
    """All Bedrock models in the account and Region together, configured or not."""
    region, period = settings.region, settings.dashboard.period_seconds
    dims = cat.BY_MODEL

    def by_model(metric: Metric, stat: str, id: str, label: str, filters: str = "") -> list[Any]:
        return expression(search(metric, dims, stat, period, filters), id, label)

    shown = (f"{m.label} (`{m.name}`)" if m.label else f"`{m.name}`" for m in settings.models)
    configured = ", ".join(shown) or "none (account-wide only)"
    rows: list[list[Widget]] = [
        [text(f"# Amazon Bedrock: all models in {region}\nConfigured in this stack: {configured}.")]
    ]
    everything = graph(
        "Invocations by model (every model in the account)",
        [by_model(cat.INVOCATIONS, "Sum", "all", "")],
        region,
        period,
        width=12 if settings.models else GRID_COLUMNS,
        y_label="Count",
    )
    # With no model configured, every model is unlisted: the second graph would repeat the first.
    rows.append([everything, _unlisted_models(settings, period)] if settings.models else [everything])
    rows.append(
        [
            graph(
                "Errors and throttles, all models",
                [
                    total(cat.INVOCATION_CLIENT_ERRORS, dims, period, "ce", "Client errors", color=COLOURS["client"]),
                    total(cat.INVOCATION_SERVER_ERRORS, dims, period, "se", "Server errors", color=COLOURS["server"]),
                    total(cat.INVOCATION_THROTTLES, dims, period, "th", "Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Tokens, all models",
                [
                    total(cat.INPUT_TOKEN_COUNT, dims, period, "tin", "Input", color=COLOURS["input"]),
                    total(cat.OUTPUT_TOKEN_COUNT, dims, period, "tout", "Output", color=COLOURS["output"]),
                ],
                region,
                period,
                y_label="Tokens",
            ),
            graph(
                "Latency p90 by model (ms)",
                [by_model(cat.INVOCATION_LATENCY, "p90", "lat", "")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
        ]
    )
    return Section("overview", rows)


def _unlisted_models(settings: Settings, period: int) -> Widget:
    """Invocations of models the config does not list: spot shadow usage at a glance."""
    # One `NOT Property="value"` term per model: the form the metrics search syntax documents.
    excluded = " ".join(f'NOT {cat.MODEL_ID}="{m.id}"' for m in settings.models)
    title = "Invocations of models not in this stack's config"
    try:
        query = search(cat.INVOCATIONS, cat.BY_MODEL, "Sum", period, excluded)
    except ValueError:
        # Too many configured models to spell out in one SEARCH (1,024 characters).
        return text(
            f"### {title}\nThe configured model list is too long for one SEARCH query; "
            "compare the graph on the left with the model sections instead.",
            width=12,
            height=6,
        )
    return graph(title, [expression(query, "unlisted", "")], settings.region, period, width=12, y_label="Count")


def guardrails_section(settings: Settings) -> Section:
    """AWS/Bedrock/Guardrails, per guardrail and version."""
    region, period = settings.region, settings.dashboard.period_seconds
    dims = cat.GUARDRAIL_ARN_VERSION

    def each(metric: Metric, stat: str, id: str) -> list[Any]:
        return expression(search(metric, dims, stat, period), id, "")

    return Section(
        "guardrails",
        [
            [text("# Guardrails\n`AWS/Bedrock/Guardrails`, per guardrail ARN and version.", height=1)],
            [
                graph(
                    "Guardrail evaluations and interventions",
                    [
                        total(cat.GUARDRAIL_INVOCATIONS, dims, period, "gi", "Evaluations"),
                        total(cat.GUARDRAIL_INVOCATIONS_INTERVENED, dims, period, "gx", "Intervened"),
                        expression("100*gx/gi", "gr", "Intervention %", yAxis="right"),
                    ],
                    region,
                    period,
                    width=6,
                ),
                graph(
                    "Guardrail errors and throttles",
                    [
                        total(
                            cat.GUARDRAIL_CLIENT_ERRORS, dims, period, "ce", "Client errors", color=COLOURS["client"]
                        ),
                        total(
                            cat.GUARDRAIL_SERVER_ERRORS, dims, period, "se", "Server errors", color=COLOURS["server"]
                        ),
                        total(cat.GUARDRAIL_THROTTLES, dims, period, "th", "Throttles", color=COLOURS["throttles"]),
                    ],
                    region,
                    period,
                    width=6,
                ),
                graph(
                    "Guardrail latency p90 (ms)",
                    [each(cat.GUARDRAIL_INVOCATION_LATENCY, "p90", "gl")],
                    region,
                    period,
                    stat="p90",
                    width=6,
                ),
                graph(
                    "Text units by guardrail",
                    [each(cat.GUARDRAIL_TEXT_UNIT_COUNT, "Sum", "gt")],
                    region,
                    period,
                    width=6,
                ),
            ],
        ],
    )
