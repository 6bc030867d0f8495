"""Bedrock's other surfaces (``llm-monitor:surfaces``), pure: config, each section's dashboard against the
catalogue, the surface alarms, and nothing at all for a stack that turns none on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from llm_monitor import catalogue as cat
from llm_monitor import catalogue_surfaces as sc
from llm_monitor.alarms import build_alarms
from llm_monitor.config import Settings, parse_settings
from llm_monitor.dashboard import build_dashboards
from llm_monitor.plan import build_plan
from llm_monitor.resource_types import DASHBOARD
from llm_monitor.simulate import alarm as cw
from llm_monitor.simulate.metrics import Datapoint, MetricStore, metric_key
from tests.bodies import expressions, metric_widgets, plain_metrics
from tests.program import PRICED, config_problems
from tests.test_dashboard_schema import ANY_DIMENSIONS, catalogue_problems, expression_references

ALIAS_ARN = "arn:aws:bedrock:eu-west-1:123456789012:agent-alias/AGENT12345/ALIAS12345"
ALIAS = {"name": "support", "aliasArn": ALIAS_ARN, "modelId": "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"}
EVERYTHING: dict[str, Any] = {
    "agents": {"enabled": True, "aliases": [ALIAS]},
    "agentCore": {"enabled": True},
    "knowledgeBases": {"enabled": True},
    "batch": {"enabled": True, "modelIds": ["anthropic.claude-3-haiku-20240307-v1:0"]},
    "mantle": {"enabled": True},
    "guardrails": {"enabled": True},
}


def raw(surfaces: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"aws:region": "eu-west-1", "llm-monitor:models": [PRICED]}
    if surfaces is not None:
        config["llm-monitor:surfaces"] = surfaces
    return config


def settings(surfaces: dict[str, Any] | None = None) -> Settings:
    return parse_settings(raw(surfaces))


def body(surfaces: dict[str, Any]) -> dict[str, Any]:
    (dashboard,) = build_plan(settings(surfaces), project="llm-monitor", stack="test").dashboards
    return dashboard.body


def section(surfaces: dict[str, Any], first_title: str, last_title: str) -> list[dict[str, Any]]:
    """The metric widgets from ``first_title`` to ``last_title`` inclusive, in layout order."""
    widgets = metric_widgets(body(surfaces))
    titles = [w["properties"].get("title") for w in widgets]
    return widgets[titles.index(first_title) : titles.index(last_title) + 1]


def series(widgets: list[dict[str, Any]]) -> set[tuple[str, str, tuple[str, ...], str]]:
    """(namespace, metric, dimension names, statistic) of every plain metric and SEARCH of the widgets."""
    found = set()
    for w in widgets:
        default = w["properties"]["stat"]
        for namespace, name, dims, options in plain_metrics(w):
            found.add((namespace, name, tuple(sorted(dims)), options.get("stat", default)))
        for e in expressions(w):
            for ref in expression_references(e["expression"], "test"):
                found.add((ref.namespace, ref.name, ref.dimensions, ref.statistic or ""))
    return found


def as_resources(surfaces: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard as a resource, without the log rows (their metrics need the stack's filters)."""
    (dashboard,) = build_dashboards(settings(surfaces), project="p", stack="s")
    text = json.dumps(dashboard.body)
    return [{"type": DASHBOARD, "name": "d", "inputs": {"dashboardName": "d", "dashboardBody": text}}]


# --- config --------------------------------------------------------------------------------------


def test_every_surface_is_off_by_default() -> None:
    surfaces = settings().surfaces
    assert not surfaces.any
    assert settings({}).surfaces == surfaces


def test_a_stack_that_turns_no_surface_on_builds_exactly_what_it_built_before() -> None:
    off = {name: {"enabled": False} for name in EVERYTHING}
    for config in ({}, off):
        before = build_plan(settings(), project="p", stack="s")
        after = build_plan(settings(config), project="p", stack="s")
        assert [d.body_json() for d in after.dashboards] == [d.body_json() for d in before.dashboards]
        assert after.alarms
        assert before.alarms
        assert [a.inputs() for a in after.alarms.alarms] == [a.inputs() for a in before.alarms.alarms]


@pytest.mark.parametrize(
    ("surfaces", "path", "message"),
    [
        ({"agent": {"enabled": True}}, "llm-monitor:surfaces.agent", "did you mean 'agents'"),
        ({"agents": {"enabled": "yes"}}, "llm-monitor:surfaces.agents.enabled", "boolean"),
        (
            {"agents": {"enabled": True, "aliases": [{**ALIAS, "aliasArn": "arn:aws:bedrock:eu-west-1:1:agent/x"}]}},
            "llm-monitor:surfaces.agents.aliases[0].aliasArn",
            "not an agent alias ARN",
        ),
        (
            {
                "agents": {
                    "enabled": True,
                    "aliases": [{**ALIAS, "modelId": "arn:aws:bedrock:eu-west-1::foundation-model/x.y"}],
                }
            },
            "llm-monitor:surfaces.agents.aliases[0].modelId",
            "ModelId",
        ),
        ({"agents": {"enabled": True, "aliases": [ALIAS, ALIAS]}}, "llm-monitor:surfaces.agents.aliases", "repeats"),
        ({"agents": {"aliases": [ALIAS]}}, "llm-monitor:surfaces", "agents.enabled is false"),
        (
            {"agentCore": {"enabled": True, "namespace": "has space"}},
            "llm-monitor:surfaces.agentCore.namespace",
            "pattern",
        ),
        ({"batch": {"enabled": True, "modelIds": ["x", "x"]}}, "llm-monitor:surfaces.batch.modelIds", ""),
        (
            {"guardrails": {"enabled": True, "alarms": {"errors": {"evaluationPeriods": 2, "datapointsToAlarm": 3}}}},
            "llm-monitor:surfaces.guardrails.alarms.errors",
            "M of N",
        ),
        (
            {"guardrails": {"alarms": {"latency": {"statistic": "p101"}}}},
            "llm-monitor:surfaces.guardrails.alarms.latency.statistic",
            "percentile",
        ),
    ],
)
def test_bad_surface_settings_are_reported_with_their_key_path(
    surfaces: dict[str, Any], path: str, message: str
) -> None:
    problems = config_problems(raw(surfaces))
    assert path in problems, problems
    assert message in problems[path]


# --- sections: namespace, metrics, dimensions and statistics, all from the catalogue -----------------


def surface_problems(surfaces: dict[str, Any]) -> list[str]:
    # The model section's application-log series need the stack's metric filters, which only a whole
    # program has (tests/test_surfaces_program.py checks those too).
    return [p for p in catalogue_problems(as_resources(surfaces)) if "LLM/" not in p]


def test_every_section_reads_only_catalogued_series() -> None:
    assert surface_problems(EVERYTHING) == []
    assert surface_problems({"agentCore": {"enabled": True, "namespace": "AWS/Bedrock-AgentCore"}}) == []
    assert surface_problems({"agentCore": {"enabled": True, "namespace": "Team/AgentCore"}}) != []


def test_agents_section_reads_every_agent_metric_by_operation_and_the_listed_alias_by_its_three_dimensions() -> None:
    widgets = section(
        {"agents": EVERYTHING["agents"]},
        "Agent requests by operation",
        "support: tokens (left), model calls, errors and throttles (right)",
    )
    found = series(widgets)
    assert {namespace for namespace, *_ in found} == {"AWS/Bedrock/Agents"}
    by_operation = {name for _, name, dims, _ in found if dims == ("Operation",)}
    assert {m.name for m in sc.AGENT_METRICS} - {"TotalTime", "TTFT", "ModelLatency"} <= by_operation
    alias = {name for _, name, dims, _ in found if dims == ("AgentAliasArn", "ModelId", "Operation")}
    assert alias == {m.name for m in sc.AGENT_METRICS}
    for w in widgets[-3:]:
        for _, _, dims, _ in plain_metrics(w):
            assert dims == {"Operation": "InvokeAgent", "AgentAliasArn": ALIAS_ARN, "ModelId": ALIAS["modelId"]}
    # Both spellings of the output-token metric are read and added.
    assert {"OutputTokenCount", "outputTokenCount"} <= alias
    assert any(e["expression"] == "FILL(ao0,0)+FILL(ao1,0)" for w in widgets for e in expressions(w))
    assert ("AWS/Bedrock/Agents", "TotalTime", ("Operation",), "p90") in found
    assert ("AWS/Bedrock/Agents", "ModelLatency", ("ModelId", "Operation"), "p90") in found


@pytest.mark.parametrize("namespace", [None, *sc.AGENTCORE_NAMESPACES])
def test_agentcore_section_reads_runtime_gateway_and_memory_from_the_configured_namespace(
    namespace: str | None,
) -> None:
    config: dict[str, Any] = {"enabled": True} | ({"namespace": namespace} if namespace else {})
    widgets = section(
        {"agentCore": config}, "AgentCore Runtime: invocations and sessions", "AgentCore Memory: latency p90 (ms)"
    )
    expected = namespace or "Bedrock-AgentCore"
    found = series(widgets)
    assert {n for n, *_ in found} == {expected}
    assert {name for _, name, _, _ in found} == {m.name for m in sc.AGENTCORE_METRICS}
    assert all(dims == ANY_DIMENSIONS for _, _, dims, _ in found)
    searches = [e["expression"] for w in widgets for e in expressions(w)]
    for kind in sc.AGENTCORE_RESOURCE_TYPES:
        assert any(f'MetricName=\\"Invocations\\" {kind}' in json.dumps(s) for s in searches), kind
    assert (expected, "Latency", ANY_DIMENSIONS, "p90") in found


def test_knowledge_base_section() -> None:
    widgets = section(
        {"knowledgeBases": {"enabled": True}},
        "Knowledge-base requests by knowledge base and operation",
        "Knowledge-base errors and throttles",
    )
    assert series(widgets) == {
        ("AWS/Bedrock/KnowledgeBases", name, ("KnowledgeBaseId", "Operation"), "Sum")
        for name in ("Invocations", "ClientErrors", "ServerErrors", "Throttles")
    }


def test_batch_section() -> None:
    widgets = section(
        {"batch": {"enabled": True}}, "Batch records pending by model", "Batch tokens processed per minute by model"
    )
    assert series(widgets) == {
        ("AWS/Bedrock/Batch", "NumberOfRecordsPendingProcessing", ("ModelId",), "Maximum"),
        ("AWS/Bedrock/Batch", "NumberOfTokensPendingProcessing", ("ModelId",), "Maximum"),
        ("AWS/Bedrock/Batch", "NumberOfInputTokensProcessedPerMinute", ("ModelId",), "Average"),
        ("AWS/Bedrock/Batch", "NumberOfOutputTokensProcessedPerMinute", ("ModelId",), "Average"),
    }


def test_mantle_section_graphs_models_and_projects_and_says_what_aws_does_not_publish() -> None:
    board = body({"mantle": {"enabled": True}})
    widgets = section({"mantle": {"enabled": True}}, "Mantle inferences by model", "Mantle tokens by project and model")
    found = series(widgets)
    assert {n for n, *_ in found} == {"AWS/BedrockMantle"}
    assert {name for _, name, _, _ in found} == {
        "Inferences",
        "InferenceClientErrors",
        "TotalInputTokens",
        "TotalOutputTokens",
    }
    assert {dims for *_, dims, _ in found} == {(), ("Model",), ("Model", "Project")}
    (header,) = [w for w in board["widgets"] if w["type"] == "text" and "bedrock-mantle" in w["properties"]["markdown"]]
    text = header["properties"]["markdown"]
    assert "no server-error, throttle, latency or time-to-first-token metric" in text
    assert "never appears in `AWS/Bedrock`" in text
    assert "requestMetadata" in text


def test_guardrail_depth_section_splits_by_policy_type_and_content_source_and_shows_automated_reasoning() -> None:
    widgets = section(
        {"guardrails": {"enabled": True}},
        "Guardrail error and intervention rates (%)",
        "Automated-reasoning latency p90 (ms)",
    )
    found = series(widgets)
    ns = "AWS/Bedrock/Guardrails"
    assert (ns, "InvocationsIntervened", ("GuardrailPolicyType", "Operation"), "Sum") in found
    assert (ns, "TextUnitCount", ("GuardrailPolicyType", "Operation"), "Sum") in found
    assert (ns, "InvocationsIntervened", ("GuardrailContentSource", "Operation"), "Sum") in found
    assert (ns, "InvocationLatency", ("GuardrailContentSource", "Operation"), "p90") in found
    assert (ns, "FindingCounts", ("FindingType", "PolicyArn", "PolicyVersion"), "Sum") in found
    assert (ns, "TotalFindings", ("PolicyArn", "PolicyVersion"), "Sum") in found
    assert (ns, "Latency", ("PolicyArn", "PolicyVersion"), "p90") in found
    assert (ns, "Invocations", ("PolicyArn", "PolicyVersion"), "Sum") in found
    # The alarms' thresholds are drawn on the graphs they watch.
    lines = {a["label"] for w in widgets for a in w["properties"].get("annotations", {}).get("horizontal", [])}
    assert lines == {
        "Guardrail error-rate alarm: 5%",
        "Intervention-rate alarm: 30%",
        "Guardrail latency alarm: p90 1000 ms",
    }


# --- alarms ----------------------------------------------------------------------------------------


def test_guardrail_alarms_page_through_their_own_rollup_and_notify_otherwise() -> None:
    plan = build_alarms(settings({"guardrails": {"enabled": True}}), project="p", stack="s")
    by_kind = {a.kind: a for a in plan.metric_alarms if a.kind.startswith("guardrails-")}
    assert {k: (a.urgency, a.actions) for k, a in by_kind.items()} == {
        "guardrails-errors": ("page", False),
        "guardrails-intervention-rate": ("notify", True),
        "guardrails-latency": ("notify", True),
    }
    (rollup,) = [c for c in plan.composites if c.key == "guardrails-health"]
    assert rollup.children == (by_kind["guardrails-errors"].name,)
    errors = by_kind["guardrails-errors"].inputs()
    for query in errors["metric_queries"]:
        if "metric" in query:
            assert query["metric"]["namespace"] == "AWS/Bedrock/Guardrails"
            assert query["metric"]["dimensions"] == {"Operation": "ApplyGuardrail"}
    latency = by_kind["guardrails-latency"].inputs()
    assert (latency["metric_name"], latency["extended_statistic"]) == ("InvocationLatency", "p90")


def test_a_notify_only_guardrail_setup_has_no_rollup() -> None:
    config = {"guardrails": {"enabled": True, "alarms": {"errors": {"urgency": "notify"}}}}
    plan = build_alarms(settings(config), project="p", stack="s")
    assert [c.key for c in plan.composites if c.model is None] == []


def stalled_state(pending: list[float], processed: list[float]) -> str:
    """The stalled-batch alarm's state after ``len(pending)`` minutes of these per-minute values."""
    plan = build_alarms(settings(EVERYTHING | {"guardrails": {"enabled": False}}), project="p", stack="s")
    (spec,) = [a for a in plan.metric_alarms if a.kind.startswith("batch-")]
    store = MetricStore(0, len(pending) - 1)
    dims = (("ModelId", "anthropic.claude-3-haiku-20240307-v1:0"),)
    for minute, (p, t) in enumerate(zip(pending, processed, strict=True)):
        store.put(metric_key(sc.BATCH_NAMESPACE, sc.BATCH_RECORDS_PENDING.name, dims), minute, Datapoint.counted(p))
        for metric in (sc.BATCH_INPUT_TOKENS_PER_MINUTE, sc.BATCH_OUTPUT_TOKENS_PER_MINUTE):
            store.put(metric_key(sc.BATCH_NAMESPACE, metric.name, dims), minute, Datapoint.counted(t))
    evaluator = cw.MetricAlarmEvaluator(cw.metric_alarm(spec.inputs()), store, datetime(2026, 3, 3, tzinfo=UTC), None)
    state = cw.INSUFFICIENT_DATA
    for end in range(1, len(pending) + 1):
        state = evaluator.evaluate(end, state).state
    return state


def test_the_batch_alarm_fires_when_pending_work_stops_shrinking_and_not_while_it_moves() -> None:
    hours = 180
    assert stalled_state([500.0] * hours, [0.0] * hours) == cw.ALARM
    assert stalled_state([500.0 - i for i in range(hours)], [2000.0] * hours) == cw.OK
    # Work moves once an hour: the queue is not stuck.
    assert stalled_state([500.0] * hours, [2000.0 if i % 60 == 0 else 0.0 for i in range(hours)]) == cw.OK
    # An empty queue is not a stalled one.
    assert stalled_state([0.0] * hours, [0.0] * hours) == cw.OK


def test_batch_alarms_are_one_per_listed_model_and_e_mail() -> None:
    plan = build_alarms(settings({"batch": EVERYTHING["batch"]}), project="p", stack="s")
    (spec,) = [a for a in plan.metric_alarms if a.kind.startswith("batch-")]
    assert spec.name == "p-s-eu-west-1/batch-anthropic-claude-3-haiku-20240307-v1-0-stalled"
    assert (spec.urgency, spec.actions, spec.treat_missing_data) == ("notify", True, "notBreaching")
    metrics = {q.metric.name: q.stat for q in spec.queries if q.metric is not None}
    assert metrics == {
        "NumberOfRecordsPendingProcessing": "Minimum",
        "NumberOfInputTokensProcessedPerMinute": "Maximum",
        "NumberOfOutputTokensProcessedPerMinute": "Maximum",
    }


def test_the_catalogue_keeps_the_runtime_metrics_apart_from_the_surfaces() -> None:
    assert not {m.key for m in cat.RUNTIME_METRICS} & {m.key for m in sc.SURFACE_METRICS}
    assert len({m.key for m in cat.ALL_METRICS}) == len(cat.ALL_METRICS)


def test_dashboards_without_surfaces_have_no_surface_namespace() -> None:
    text = json.dumps([d.body for d in build_dashboards(settings(), project="p", stack="s")])
    for namespace in (
        "AWS/Bedrock/Agents",
        "AWS/Bedrock/KnowledgeBases",
        "AWS/Bedrock/Batch",
        "AWS/BedrockMantle",
        "AgentCore",
    ):
        assert namespace not in text
