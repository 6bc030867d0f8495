"""Guardrails in depth (pure): by policy type, by content source (input or output), automated
reasoning, and the guardrail alarms' graphs with their thresholds.

Complements ``account.guardrails_section`` (per guardrail ARN and version); generated from
``catalogue.py`` (guardrail metrics) and ``catalogue_surfaces.py`` (automated reasoning).
"""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor import catalogue_surfaces as sc
from llm_monitor.config import Settings
from llm_monitor.dashboard.widgets import COLOURS, Extras, Section, expression, graph, metric_entry, search, text
from llm_monitor.mathexpr import per_minute
from llm_monitor.metric import Metric

#: Key of the guardrail graphs in ``Extras.annotations`` (model names cannot contain ``:``).
GUARDRAILS = "surface:guardrails"
ERRORS = "errors"
"""Error rate, percent."""
INTERVENTIONS = "interventions"
"""Intervention rate, percent."""
LATENCY = "latency"
"""InvocationLatency, milliseconds."""
#: Every guardrail evaluation in the Region: the series the guardrail alarms read.
APPLY_GUARDRAIL: tuple[tuple[str, str], ...] = ((sc.OPERATION, "ApplyGuardrail"),)


def _each(metric: Metric, dims: tuple[str, ...], stat: str, period: int, id: str) -> list[Any]:
    return expression(search(metric, dims, stat, period), id, "")


def _op(metric: Metric, **options: Any) -> list[Any]:
    return metric_entry(metric, APPLY_GUARDRAIL, **options)


def guardrail_depth_section(settings: Settings, extras: Extras) -> Section:
    region, period = settings.region, settings.dashboard.period_seconds
    by_type = ("Operation", "GuardrailPolicyType")
    by_source = ("Operation", "GuardrailContentSource")

    def notes(key: str) -> list[dict[str, Any]]:
        return extras.annotations.get((GUARDRAILS, key), [])

    rows = [
        [
            text(
                "# Guardrails in depth\n`AWS/Bedrock/Guardrails` by policy type (`GuardrailPolicyType`), by content "
                "source (`GuardrailContentSource`: `Input` or `Output`) and for automated-reasoning checks; rates and "
                "latency over every `ApplyGuardrail` evaluation, with the alarms' thresholds.",
                height=1,
            )
        ],
        [
            graph(
                "Guardrail error and intervention rates (%)",
                [
                    _op(cat.GUARDRAIL_INVOCATIONS, id="inv", visible=False),
                    _op(cat.GUARDRAIL_CLIENT_ERRORS, id="ce", visible=False),
                    _op(cat.GUARDRAIL_SERVER_ERRORS, id="se", visible=False),
                    _op(cat.GUARDRAIL_INVOCATIONS_INTERVENED, id="gx", visible=False),
                    expression("FILL(ce,0)+FILL(se,0)", "err", "Errors", visible=False),
                    expression("MAX([FILL(inv,0), err])", "req", "Evaluations", visible=False),
                    expression("100*err/req", "er", "Error %", color=COLOURS["server"]),
                    expression("100*FILL(gx,0)/req", "xr", "Intervention %", color=COLOURS["total"]),
                ],
                region,
                period,
                y_label="Percent",
                annotations=notes(ERRORS) + notes(INTERVENTIONS),
            ),
            graph(
                "Guardrail evaluations, errors and throttles (per minute)",
                [
                    _op(cat.GUARDRAIL_INVOCATIONS, id="ev", stat="Sum", visible=False),
                    expression(per_minute("ev"), "evm", "Evaluations", color=COLOURS["invocations"]),
                    _op(cat.GUARDRAIL_CLIENT_ERRORS, id="gce", stat="Sum", visible=False),
                    expression(per_minute("gce"), "gcem", "Client errors", color=COLOURS["client"]),
                    _op(cat.GUARDRAIL_SERVER_ERRORS, id="gse", stat="Sum", visible=False),
                    expression(per_minute("gse"), "gsem", "Server errors", color=COLOURS["server"]),
                    _op(cat.GUARDRAIL_THROTTLES, id="gth", stat="Sum", visible=False),
                    expression(per_minute("gth"), "gthm", "Throttles", color=COLOURS["throttles"]),
                ],
                region,
                period,
                y_label="Per minute",
            ),
            graph(
                "Guardrail latency (ms)",
                [_op(cat.GUARDRAIL_INVOCATION_LATENCY, stat=s, label=s) for s in ("p50", "p90", "p99")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
                annotations=notes(LATENCY),
            ),
        ],
        [
            graph(
                "Interventions by policy type",
                [_each(cat.GUARDRAIL_INVOCATIONS_INTERVENED, by_type, "Sum", period, "xt")],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Text units by policy type",
                [_each(cat.GUARDRAIL_TEXT_UNIT_COUNT, by_type, "Sum", period, "ut")],
                region,
                period,
                y_label="Text units",
            ),
            graph(
                "Evaluations and interventions by content source (input, output)",
                [
                    _each(cat.GUARDRAIL_INVOCATIONS, by_source, "Sum", period, "es"),
                    _each(cat.GUARDRAIL_INVOCATIONS_INTERVENED, by_source, "Sum", period, "xs"),
                ],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Guardrail latency p90 by content source (ms)",
                [_each(cat.GUARDRAIL_INVOCATION_LATENCY, by_source, "p90", period, "ls")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
        ],
        [
            graph(
                "Automated-reasoning checks by policy",
                [_each(cat.GUARDRAIL_INVOCATIONS, sc.BY_POLICY, "Sum", period, "ar")],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Automated-reasoning findings by type",
                [_each(sc.AR_FINDING_COUNTS, sc.BY_FINDING, "Sum", period, "af")],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Automated-reasoning findings per policy",
                [_each(sc.AR_TOTAL_FINDINGS, sc.BY_POLICY, "Sum", period, "at")],
                region,
                period,
                y_label="Count",
            ),
            graph(
                "Automated-reasoning latency p90 (ms)",
                [_each(sc.AR_LATENCY, sc.BY_POLICY, "p90", period, "al")],
                region,
                period,
                stat="p90",
                y_label="Milliseconds",
            ),
        ],
    ]
    for row in rows[2:]:
        for widget in row:
            widget.width = 6
    return Section("guardrail-depth", rows)
