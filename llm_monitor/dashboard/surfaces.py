"""Dashboard sections for knowledge bases, batch inference and the bedrock-mantle endpoint (pure).

Generated from ``llm_monitor/catalogue_surfaces.py``; each shown only when ``llm-monitor:surfaces``
turns it on.
"""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue_surfaces as sc
from llm_monitor.config import Settings
from llm_monitor.dashboard.widgets import COLOURS, Extras, Section, expression, graph, metric_entry, search, text, total
from llm_monitor.metric import Metric

#: What AWS does not publish for bedrock-mantle, said on the dashboard and in the README.
MANTLE_GAPS = (
    "AWS publishes **no server-error, throttle, latency or time-to-first-token metric** for "
    "`bedrock-mantle` (client errors include 429s), so no alarm here can page on a mantle outage or slowdown: "
    "watch it from your callers (the application logs' `llm-monitor:logs` metrics and alarms). "
    "Model invocation logging and `requestMetadata` do not cover mantle either; attribute usage by `Project`."
)


def _each(metric: Metric, dims: tuple[str, ...], stat: str, period: int, id: str) -> list[Any]:
    return expression(search(metric, dims, stat, period), id, "")


def knowledge_bases_section(settings: Settings) -> Section:
    region, period = settings.region, settings.dashboard.period_seconds
    dims = sc.BY_KNOWLEDGE_BASE
    return Section(
        "knowledge-bases",
        [
            [
                text(
                    f"# Knowledge bases\n`{sc.KNOWLEDGE_BASES_NAMESPACE}` (managed knowledge bases), by knowledge base "
                    "and operation. Errors and throttles are published only when they happen; throttles are not "
                    "errors.",
                    height=1,
                )
            ],
            [
                graph(
                    "Knowledge-base requests by knowledge base and operation",
                    [_each(sc.KB_INVOCATIONS, dims, "Sum", period, "kbi")],
                    region,
                    period,
                    width=12,
                    y_label="Count",
                ),
                graph(
                    "Knowledge-base errors and throttles",
                    [
                        total(sc.KB_CLIENT_ERRORS, dims, period, "ce", "Client errors", color=COLOURS["client"]),
                        total(sc.KB_SERVER_ERRORS, dims, period, "se", "Server errors", color=COLOURS["server"]),
                        total(sc.KB_THROTTLES, dims, period, "th", "Throttles", color=COLOURS["throttles"]),
                    ],
                    region,
                    period,
                    width=12,
                    y_label="Count",
                ),
            ],
        ],
    )


def batch_section(settings: Settings) -> Section:
    region, period = settings.region, settings.dashboard.period_seconds
    by_model = ("ModelId",)
    watched = ", ".join(f"`{m}`" for m in settings.surfaces.batch.model_ids) or "none"
    return Section(
        "batch",
        [
            [
                text(
                    f"# Batch inference\n`{sc.BATCH_NAMESPACE}`, per `ModelId`: work queued by submitted jobs and how "
                    f"fast it is processed. Stalled-queue alarm (e-mail) for: {watched}.",
                    height=1,
                )
            ],
            [
                graph(
                    "Batch records pending by model",
                    [_each(sc.BATCH_RECORDS_PENDING, by_model, "Maximum", period, "rp")],
                    region,
                    period,
                    stat="Maximum",
                    y_label="Records",
                ),
                graph(
                    "Batch tokens pending by model (Anthropic models)",
                    [_each(sc.BATCH_TOKENS_PENDING, by_model, "Maximum", period, "tp")],
                    region,
                    period,
                    stat="Maximum",
                    y_label="Tokens",
                ),
                graph(
                    "Batch tokens processed per minute by model",
                    [
                        _each(sc.BATCH_INPUT_TOKENS_PER_MINUTE, by_model, "Average", period, "pin"),
                        _each(sc.BATCH_OUTPUT_TOKENS_PER_MINUTE, by_model, "Average", period, "pout"),
                    ],
                    region,
                    period,
                    stat="Average",
                    y_label="Tokens/min",
                ),
            ],
        ],
    )


def mantle_section(settings: Settings) -> Section:
    """``AWS/BedrockMantle``: the OpenAI/Anthropic-compatible endpoint, which never reaches AWS/Bedrock."""
    region, period = settings.region, settings.dashboard.period_seconds
    model, both = (sc.MODEL,), (sc.MODEL, sc.PROJECT)
    account = [
        metric_entry(sc.MANTLE_INFERENCES, [], id="inf", visible=False),
        metric_entry(sc.MANTLE_CLIENT_ERRORS, [], id="ce", visible=False),
        # Inferences counts completed requests, so the failed ones are added to the denominator.
        expression("100*FILL(ce,0)/(FILL(inf,0)+FILL(ce,0))", "cer", "Client error % (429 included)"),
    ]
    return Section(
        "mantle",
        [
            [
                text(
                    f"# bedrock-mantle (OpenAI/Anthropic-compatible endpoint)\n`{sc.MANTLE_NAMESPACE}`, by `Model` "
                    f"and `Project`. This traffic never appears in `AWS/Bedrock` or in the model sections. "
                    f"{MANTLE_GAPS}",
                    height=3,
                )
            ],
            [
                graph(
                    "Mantle inferences by model",
                    [_each(sc.MANTLE_INFERENCES, model, "Sum", period, "mi")],
                    region,
                    period,
                    y_label="Count",
                ),
                graph(
                    "Mantle client errors by model",
                    [_each(sc.MANTLE_CLIENT_ERRORS, model, "Sum", period, "mce")],
                    region,
                    period,
                    y_label="Count",
                ),
                graph("Mantle client-error rate, account (%)", account, region, period, y_label="Percent"),
            ],
            [
                graph(
                    "Mantle inferences by project and model",
                    [_each(sc.MANTLE_INFERENCES, both, "Sum", period, "pi")],
                    region,
                    period,
                    y_label="Count",
                ),
                graph(
                    "Mantle tokens by model",
                    [
                        _each(sc.MANTLE_INPUT_TOKENS, model, "Sum", period, "tin"),
                        _each(sc.MANTLE_OUTPUT_TOKENS, model, "Sum", period, "tout"),
                    ],
                    region,
                    period,
                    y_label="Tokens",
                ),
                graph(
                    "Mantle tokens by project and model",
                    [
                        _each(sc.MANTLE_INPUT_TOKENS, both, "Sum", period, "pin"),
                        _each(sc.MANTLE_OUTPUT_TOKENS, both, "Sum", period, "pout"),
                    ],
                    region,
                    period,
                    y_label="Tokens",
                ),
            ],
        ],
    )


def surface_sections(settings: Settings, extras: Extras) -> list[Section]:
    """The sections ``llm-monitor:surfaces`` turns on, in a fixed order (none by default)."""
    from llm_monitor.dashboard.agents import agentcore_section, agents_section
    from llm_monitor.dashboard.guardrail_depth import guardrail_depth_section

    surfaces = settings.surfaces
    sections = []
    if surfaces.guardrails.enabled:
        sections.append(guardrail_depth_section(settings, extras))
    if surfaces.agents.enabled:
        sections.append(agents_section(settings))
    if surfaces.agent_core.enabled:
        sections.append(agentcore_section(settings))
    if surfaces.knowledge_bases.enabled:
        sections.append(knowledge_bases_section(settings))
    if surfaces.batch.enabled:
        sections.append(batch_section(settings))
    if surfaces.mantle.enabled:
        sections.append(mantle_section(settings))
    return sections
