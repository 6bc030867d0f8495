"""Alarms on Bedrock's surfaces beyond the models (``llm-monitor:surfaces``): guardrails and batch.

Same rules as the models' alarms (``plan.py``): each kind has an urgency (``config/surface_alarms.py``
says which and why); the paging ones of a surface are the children of that surface's health roll-up,
which alone pages; the notify ones e-mail the alarm topic. Only enabled surfaces get alarms.
"""

from __future__ import annotations

import re

from llm_monitor import catalogue as cat
from llm_monitor import catalogue_surfaces as sc
from llm_monitor.alarms.context import THRESHOLD_COLOUR, Annotations
from llm_monitor.alarms.rollup import roll_up
from llm_monitor.alarms.specs import ABOVE, AT_OR_ABOVE, CompositeAlarmSpec, MetricAlarmSpec, Query
from llm_monitor.alarms.stack import stack_spec
from llm_monitor.config import Settings
from llm_monitor.dashboard import guardrail_depth as board
from llm_monitor.mathexpr import ERRORS, REQUESTS, gated_rate


def surface_alarms(
    settings: Settings, prefix: str
) -> tuple[list[MetricAlarmSpec], list[CompositeAlarmSpec], Annotations]:
    """The surfaces' metric alarms, their roll-ups, and the threshold lines they draw."""
    specs: list[MetricAlarmSpec] = []
    composites: list[CompositeAlarmSpec] = []
    annotations: Annotations = {}
    surfaces, health = settings.surfaces, settings.alarms.health.enabled
    if surfaces.guardrails.enabled:
        guardrail, rollup = roll_up(
            prefix, "guardrails", "Guardrails", _guardrail_alarms(settings, prefix, annotations), enabled=health
        )
        specs += guardrail
        composites += [rollup] if rollup else []
    if surfaces.batch.enabled and surfaces.batch.stalled.enabled:
        batch, rollup = roll_up(
            prefix,
            "batch",
            "Batch inference",
            [_batch_stalled(settings, prefix, model_id) for model_id in surfaces.batch.model_ids],
            enabled=health,
        )
        specs += batch
        composites += [rollup] if rollup else []
    return specs, composites, annotations


def _guardrail_alarms(settings: Settings, prefix: str, annotations: Annotations) -> list[MetricAlarmSpec]:
    rules = settings.surfaces.guardrails.alarms
    dims = board.APPLY_GUARDRAIL

    def line(graph: str, label: str, value: float) -> None:
        entry = {"label": label, "value": value, "color": THRESHOLD_COLOUR}
        annotations.setdefault((board.GUARDRAILS, graph), []).append(entry)

    def metric(id: str, m: cat.Metric, period: int, label: str) -> Query:
        return Query(id, label, m, dims, "Sum", period)

    specs = []
    rule = rules.errors
    if rule.enabled:
        p = rule.period_seconds
        line(board.ERRORS, f"Guardrail error-rate alarm: {rule.threshold:g}%", rule.threshold)
        specs.append(
            stack_spec(
                "guardrails-errors",
                "guardrails-errors",
                prefix,
                rule,
                (
                    f"client plus server errors above {rule.threshold:g}% of ApplyGuardrail evaluations, "
                    f"with at least {rule.min_errors} errors",
                    "Guarded calls fail: a guardrail that cannot evaluate blocks the request it guards",
                    "Which kind, on the guardrail rate graph. Client errors: a guardrail version deleted or "
                    "changed, IAM permissions (bedrock:ApplyGuardrail), request validation. Server errors: the "
                    f"AWS Health Dashboard for Bedrock in {settings.region}.",
                ),
                "Guardrails",
                comparison=ABOVE,
                threshold=rule.threshold,
                queries=(
                    metric("inv", cat.GUARDRAIL_INVOCATIONS, p, "Evaluations"),
                    metric("ce", cat.GUARDRAIL_CLIENT_ERRORS, p, "Client errors"),
                    metric("se", cat.GUARDRAIL_SERVER_ERRORS, p, "Server errors"),
                    Query("err", "Errors", expression=ERRORS),
                    Query("req", "Requests", expression=REQUESTS),
                    Query(
                        "rate", "Error rate (%)", expression=gated_rate("err", "req", rule.min_errors), return_data=True
                    ),
                ),
            )
        )
    rate = rules.intervention_rate
    if rate.enabled:
        p = rate.period_seconds
        line(board.INTERVENTIONS, f"Intervention-rate alarm: {rate.threshold:g}%", rate.threshold)
        specs.append(
            stack_spec(
                "guardrails-intervention-rate",
                "guardrails-intervention-rate",
                prefix,
                rate,
                (
                    f"guardrails intervened in more than {rate.threshold:g}% of evaluations, in periods with at "
                    f"least {rate.min_interventions} interventions",
                    "Far more prompts or answers are blocked or masked than usual",
                    "Interventions by policy type and by content source: a policy edited too tight (one type "
                    "jumps) or an abusive client (input interventions jump); then the guardrail's trace in "
                    "the invocation logs.",
                ),
                "Guardrails",
                comparison=ABOVE,
                threshold=rate.threshold,
                queries=(
                    metric("inv", cat.GUARDRAIL_INVOCATIONS, p, "Evaluations"),
                    metric("gx", cat.GUARDRAIL_INVOCATIONS_INTERVENED, p, "Interventions"),
                    Query(
                        "rate",
                        "Intervention rate (%)",
                        expression=gated_rate("FILL(gx,0)", "FILL(inv,0)", rate.min_interventions),
                        return_data=True,
                    ),
                ),
            )
        )
    latency = rules.latency
    if latency.enabled:
        line(board.LATENCY, f"Guardrail latency alarm: {latency.statistic} {latency.threshold:g} ms", latency.threshold)
        specs.append(
            stack_spec(
                "guardrails-latency",
                "guardrails-latency",
                prefix,
                latency,
                (
                    f"ApplyGuardrail latency {latency.statistic} above {latency.threshold:g} ms",
                    "Every guarded call waits longer",
                    "Guardrail latency by content source (long outputs take longer), automated-reasoning "
                    "latency, and recent policy changes (more denied topics, more regexes).",
                ),
                "Guardrails",
                comparison=ABOVE,
                threshold=latency.threshold,
                metric=cat.GUARDRAIL_INVOCATION_LATENCY,
                dimensions=dims,
                period=latency.period_seconds,
                statistic=latency.statistic,
            )
        )
    return specs


def _batch_stalled(settings: Settings, prefix: str, model_id: str) -> MetricAlarmSpec:
    rule = settings.surfaces.batch.stalled
    p = rule.period_seconds
    dims = (("ModelId", model_id),)
    key = f"batch-{re.sub(r'[^A-Za-z0-9-]', '-', model_id)}-stalled"
    return stack_spec(
        key,
        key,
        prefix,
        rule,
        (
            "records pending throughout a period and not one token processed in it",
            "The batch queue stopped shrinking; jobs will miss their deadline (or time out)",
            "The jobs' status (aws bedrock list-model-invocation-jobs --status-equals InProgress), the model's "
            "batch quotas in Service Quotas, and whether on-demand traffic on the same model is throttled.",
        ),
        f"Batch inference for {model_id}",
        comparison=AT_OR_ABOVE,
        threshold=1,
        queries=(
            Query("pend", "Records pending (fewest)", sc.BATCH_RECORDS_PENDING, dims, "Minimum", p),
            Query("pin", "Input tokens per minute (most)", sc.BATCH_INPUT_TOKENS_PER_MINUTE, dims, "Maximum", p),
            Query("pout", "Output tokens per minute (most)", sc.BATCH_OUTPUT_TOKENS_PER_MINUTE, dims, "Maximum", p),
            Query(
                "stalled",
                "Stalled (1) or moving (0)",
                expression="IF(FILL(pend,0) > 0 AND FILL(pin,0)+FILL(pout,0) <= 0, 1, 0)",
                return_data=True,
            ),
        ),
    )
