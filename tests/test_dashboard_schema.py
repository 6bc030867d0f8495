"""Dashboard bodies against AWS's body syntax, and every referenced metric against the catalogue.

``dashboard-body.schema.json`` is written from AWS's "Dashboard Body Structure and Syntax"; what a
JSON Schema cannot say (overlaps, grid overflow, the options object last in a metric entry, 2,500
metrics per dashboard) is checked here. Every metric a widget, alarm or SEARCH expression reads
must be in ``llm_monitor.catalogue`` with that namespace and dimension set; custom metrics must
also be published by one of the stack's metric filters with those dimensions.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from llm_monitor import catalogue as cat
from llm_monitor import catalogue_surfaces as sc
from llm_monitor.catalogue import Metric
from tests import aws_constraints as ac
from tests.aws_constraints import layout_errors, schema_errors
from tests.bodies import expressions, plain_metrics
from tests.program import DASHBOARD, Preview

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
RULE = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule"
SCHEMA = ac.DASHBOARD_SCHEMA


# --- what the stack reads and publishes -------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One metric series something in the stack reads."""

    where: str
    namespace: str
    name: str
    dimensions: tuple[str, ...]
    statistic: str | None
    alarm: bool = False


_SEARCH = re.compile(r"SEARCH\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'([^']+)'")
#: The dimensions of a SEARCH by ``Namespace="..."`` rather than by an exact {schema}: any set.
ANY_DIMENSIONS = ("*",)


def widget_references(body: dict[str, Any], dashboard: str) -> Iterator[Reference]:
    for w in body["widgets"]:
        if w["type"] != "metric":
            continue
        where = f"{dashboard}: {w['properties'].get('title')!r}"
        default_stat = w["properties"].get("stat", "Average")
        for namespace, name, dims, options in plain_metrics(w):
            yield Reference(where, namespace, name, tuple(sorted(dims)), options.get("stat", default_stat))
        for expr in expressions(w):
            yield from expression_references(expr["expression"], where)


def expression_references(expression: str, where: str) -> Iterator[Reference]:
    """The series a SEARCH reads; a query form this test cannot read is itself a finding."""
    if re.search(r"\bSELECT\b", expression):
        yield Reference(where, "?", f"unparsed Metrics Insights query: {expression}", (), None)
    for match in _SEARCH.finditer(expression):
        query, stat = match.groups()
        schema = re.match(r"\{([^}]*)\}", query)
        metric = re.search(r'MetricName\s*=\s*"([^"]+)"', query)
        namespace_only = re.match(r'Namespace\s*=\s*"([^"]+)"', query)
        if namespace_only and metric:
            yield Reference(where, namespace_only.group(1), metric.group(1), ANY_DIMENSIONS, stat)
            continue
        if not schema or not metric:
            yield Reference(where, "?", f"SEARCH without a {{schema}} and MetricName: {query}", (), stat)
            continue
        namespace, *dims = [part.strip() for part in schema.group(1).split(",")]
        yield Reference(where, namespace, metric.group(1), tuple(sorted(dims)), stat)


def alarm_references(alarm: dict[str, Any]) -> Iterator[Reference]:
    inputs = alarm["inputs"]
    where = f"alarm {inputs.get('name', alarm['name'])}"
    if "metricName" in inputs:
        stat = inputs.get("statistic") or inputs.get("extendedStatistic")
        dims = tuple(sorted(inputs.get("dimensions") or {}))
        yield Reference(where, inputs.get("namespace", ""), inputs["metricName"], dims, stat, alarm=True)
    for query in inputs.get("metricQueries") or []:
        metric = query.get("metric")
        if metric:
            dims = tuple(sorted(metric.get("dimensions") or {}))
            yield Reference(where, metric["namespace"], metric["metricName"], dims, metric.get("stat"), alarm=True)
        if query.get("expression"):
            yield from expression_references(query["expression"], where)


def references(resources: list[dict[str, Any]]) -> list[Reference]:
    refs: list[Reference] = []
    for r in resources:
        if r["type"] == DASHBOARD:
            refs += widget_references(json.loads(r["inputs"]["dashboardBody"]), r["inputs"]["dashboardName"])
        elif r["type"] == ALARM:
            refs += alarm_references(r)
    return refs


def log_metric(namespace: str, name: str, dimensions: tuple[str, ...]) -> Metric | None:
    """The catalogued custom metric a metric filter may publish as namespace/name with these dimensions.

    The application namespace is configurable (``llm-monitor:logs.applicationNamespace``), so
    application metrics match by name under any non-AWS namespace.
    """
    for metric in cat.LOG_METRICS:
        same_namespace = metric.namespace == namespace or (
            metric in cat.APPLICATION_METRICS and namespace != cat.INVOCATION_LOGS_NAMESPACE
        )
        if metric.name == name and same_namespace and metric.has_dimensions(dimensions):
            return metric
    return None


def catalogue_problems(resources: list[dict[str, Any]]) -> list[str]:
    """Metrics read or published that the catalogue does not have with that namespace and dimensions,
    and Contributor Insights widgets whose rule the stack does not create."""
    problems = []
    rules = {r["inputs"]["ruleName"] for r in resources if r["type"] == RULE}
    for r in resources:
        if r["type"] == DASHBOARD:
            for w in json.loads(r["inputs"]["dashboardBody"])["widgets"]:
                shown = w["properties"].get("insightRule", {}).get("ruleName")
                if shown is not None and shown not in rules:
                    problems.append(f"{w['properties'].get('title')!r}: rule {shown!r} is not created by this stack")
    published: dict[tuple[str, str, tuple[str, ...]], Metric] = {}
    for r in resources:
        if r["type"] != FILTER:
            continue
        t = r["inputs"]["metricTransformation"]
        dims = tuple(sorted(t.get("dimensions") or {}))
        metric = log_metric(t["namespace"], t["name"], dims)
        if metric is None:
            problems.append(f"filter {r['name']}: publishes {t['namespace']}/{t['name']} {dims}, not catalogued")
        else:
            published[(t["namespace"], t["name"], dims)] = metric
    for ref in references(resources):
        label = f"{ref.where}: {ref.namespace}/{ref.name} with dimensions {ref.dimensions}"
        # AgentCore's namespace is a setting; every spelling AWS's sources give is catalogued under one.
        namespace = sc.AGENTCORE_NAMESPACE if ref.namespace in sc.AGENTCORE_NAMESPACES else ref.namespace
        known = cat.CATALOGUE.get((namespace, ref.name))
        if known is not None:
            if ref.dimensions != ANY_DIMENSIONS and not known.has_dimensions(ref.dimensions):
                problems.append(f"{label}: AWS publishes it only with {known.dimension_sets}")
                continue
        else:
            known = published.get((ref.namespace, ref.name, ref.dimensions))
            if known is None:
                problems.append(
                    f"{label}: neither a catalogued AWS metric nor published by this stack's metric filters"
                )
                continue
        # Alarms must watch a statistic that means something for the metric (p90 of a count does
        # not). Widgets may use others for arithmetic (Sum of latency for tokens per second).
        if ref.alarm and ref.statistic not in known.statistics:
            problems.append(f"{label}: alarms on {ref.statistic!r}; meaningful: {', '.join(known.statistics)}")
    return problems


# --- the program's dashboards and alarms ----------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_dashboard_body_matches_the_schema_and_the_grid(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    bodies = run.dashboard_bodies()
    assert bodies
    problems = [f"{name}{p}" for name, body in bodies.items() for p in schema_errors(body) + layout_errors(body)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_metric_read_or_published_is_catalogued(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    assert references(run.resources)
    problems = catalogue_problems(run.resources)
    assert problems == [], "\n".join(problems)


def test_widget_and_alarm_statistics_agree_with_the_cloudwatch_model() -> None:
    """The schema's statistic pattern accepts exactly what the botocore-based checker accepts."""
    pattern = re.compile(SCHEMA["$defs"]["statistic"]["pattern"])
    samples = ac.statistics() + ac.extended_statistic_examples()
    samples += ["p0.0", "p99.99", "p100", "tm10", "IQM", "PR(:300)", "TM(10%:)"]
    samples += ["Avg", "average", "sum", "P90", "p", "p101", "p-1", "p9O", "TM(10%;90%)", "Median", ""]
    for stat in samples:
        assert bool(pattern.fullmatch(stat)) == (ac.statistic_problem(stat) is None), stat


# --- the checks bite ----------------------------------------------------------------------------------


def first(body: dict[str, Any], type_: str, where: Callable[[dict[str, Any]], bool] = lambda w: True) -> dict[str, Any]:
    return next(w for w in body["widgets"] if w["type"] == type_ and where(w))


def _plain_entry(w: dict[str, Any]) -> bool:
    return any(not isinstance(e[0], dict) for e in w["properties"].get("metrics", []))


def _plain(w: dict[str, Any]) -> list[Any]:
    return next(e for e in w["properties"]["metrics"] if not isinstance(e[0], dict))


def _set_option(w: dict[str, Any], key: str, value: Any) -> None:
    entry = _plain(w)
    if not isinstance(entry[-1], dict):
        entry.append({})
    entry[-1][key] = value


MUTATIONS: dict[str, Callable[[dict[str, Any]], object]] = {
    "widget statistic Avg": lambda b: first(b, "metric")["properties"].update(stat="Avg"),
    "metric statistic average": lambda b: _set_option(first(b, "metric", _plain_entry), "stat", "average"),
    "widget period 45 s": lambda b: first(b, "metric")["properties"].update(period=45),
    "metric period 90 s": lambda b: _set_option(first(b, "metric", _plain_entry), "period", 90),
    "x beyond column 23": lambda b: b["widgets"][0].update(x=24),
    "width 25": lambda b: b["widgets"][0].update(width=25),
    "height 0": lambda b: b["widgets"][0].update(height=0),
    "501 widgets": lambda b: b["widgets"].extend(
        {"type": "text", "x": 0, "y": 1000 + i, "width": 1, "height": 1, "properties": {"markdown": "."}}
        for i in range(501 - len(b["widgets"]))
    ),
    "unknown widget type": lambda b: b["widgets"][0].update(type="graph"),
    "unknown property": lambda b: first(b, "metric")["properties"].update(stats="Sum"),
    "missing region": lambda b: first(b, "metric")["properties"].pop("region"),
    "text without markdown": lambda b: first(b, "text")["properties"].pop("markdown"),
    "bad colour": lambda b: _set_option(first(b, "metric", _plain_entry), "color", "red"),
    "upper-case metric id": lambda b: _set_option(first(b, "metric", _plain_entry), "id", "M1"),
    "expression entry with two items": lambda b: first(b, "metric")["properties"]["metrics"].append(
        [{"expression": "m1*2", "id": "e9"}, {"label": "x"}]
    ),
    "annotation without value": lambda b: first(b, "metric")["properties"].update(
        annotations={"horizontal": [{"label": "SLO"}]}
    ),
    "annotation fill between": lambda b: first(b, "metric")["properties"].update(
        annotations={"horizontal": [{"value": 1, "fill": "between"}]}
    ),
    "alarm annotation and metrics": lambda b: first(b, "metric")["properties"].update(
        annotations={"alarms": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"]}
    ),
    "gauge without yAxis range": lambda b: first(b, "metric")["properties"].update(view="gauge", yAxis={}),
    "101 alarms in an alarm widget": lambda b: b["widgets"].append(
        {
            "type": "alarm",
            "x": 0,
            "y": 2000,
            "width": 24,
            "height": 6,
            "properties": {"alarms": [f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a{i}" for i in range(101)]},
        }
    ),
    "unreplaced account placeholder": lambda b: b["widgets"].append(
        {
            "type": "alarm",
            "x": 0,
            "y": 2000,
            "width": 24,
            "height": 6,
            "properties": {"alarms": ["arn:aws:cloudwatch:us-east-1:${AWS::AccountId}:alarm:a"]},
        }
    ),
    "log query without SOURCE": lambda b: b["widgets"].append(
        {"type": "log", "x": 0, "y": 2000, "width": 6, "height": 6, "properties": {"region": "us-east-1", "query": "x"}}
    ),
    "start without minus": lambda b: b.update(start="PT6H"),
    "periodOverride always": lambda b: b.update(periodOverride="always"),
    "end without start": lambda b: (b.pop("start"), b.update(end="2026-01-01T00:00:00Z")),
    "x without y": lambda b: b["widgets"][0].pop("y"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_schema_rejects_each_broken_body(mutation: str, dev: Preview) -> None:
    (body,) = dev.dashboard_bodies().values()
    assert schema_errors(body) == []
    broken = copy.deepcopy(body)
    MUTATIONS[mutation](broken)
    assert schema_errors(broken), mutation


LAYOUT_BREAKS: dict[str, Callable[[dict[str, Any]], object]] = {
    "overlap": lambda b: b["widgets"][1].update(x=b["widgets"][0]["x"], y=b["widgets"][0]["y"]),
    "past column 24": lambda b: b["widgets"][0].update(x=20, width=8),
    "options object not last": lambda b: _plain(first(b, "metric", _plain_entry)).insert(2, {"label": "x"}),
    "dimension without value": lambda b: _plain(first(b, "metric", _plain_entry)).insert(2, "Operation"),
    "2,501 metrics": lambda b: b["widgets"].extend(
        {
            "type": "metric",
            "x": 0,
            "y": 3000 + 6 * i,
            "width": 24,
            "height": 6,
            "properties": {"region": "us-east-1", "metrics": [["AWS/Bedrock", "Invocations"]] * 500},
        }
        for i in range(5)
    ),
}


@pytest.mark.parametrize("mutation", sorted(LAYOUT_BREAKS))
def test_layout_check_rejects_each_broken_body(mutation: str, dev: Preview) -> None:
    (body,) = dev.dashboard_bodies().values()
    assert layout_errors(body) == []
    broken = copy.deepcopy(body)
    LAYOUT_BREAKS[mutation](broken)
    assert layout_errors(broken), mutation


def _dashboard(*metrics: list[Any]) -> dict[str, Any]:
    body = {"widgets": [{"type": "metric", "properties": {"region": "us-east-1", "metrics": list(metrics)}}]}
    return {"type": DASHBOARD, "name": "d", "inputs": {"dashboardName": "d", "dashboardBody": json.dumps(body)}}


def _alarm(metric: str, stat: str, dims: dict[str, str] | None = None) -> dict[str, Any]:
    inputs = {"name": "a", "namespace": "AWS/Bedrock", "metricName": metric, "statistic": stat}
    return {"type": ALARM, "name": "a", "inputs": inputs | {"dimensions": dims or {"ModelId": "m"}}}


def _filter(namespace: str, name: str, dims: dict[str, str]) -> dict[str, Any]:
    transformation = {"namespace": namespace, "name": name, "value": "1", "dimensions": dims}
    return {"type": FILTER, "name": "f", "inputs": {"metricTransformation": transformation}}


SEARCH = "SEARCH('{{AWS/Bedrock,{dims}}} MetricName=\"{name}\"', 'Sum', 300)"
CATALOGUE_BREAKS: dict[str, tuple[list[dict[str, Any]], str]] = {
    "unknown metric name": (
        [_dashboard(["AWS/Bedrock", "Latency", "ModelId", "m"])],
        "neither a catalogued AWS metric",
    ),
    "wrong namespace": (
        [_dashboard(["AWS/Bedrock/Guardrails", "TimeToFirstToken", "ModelId", "m"])],
        "neither a catalogued AWS metric",
    ),
    "dimension Bedrock never publishes": (
        [_dashboard(["AWS/Bedrock", "Invocations", "ModelId", "m", "Operation", "Converse"])],
        "AWS publishes it only with",
    ),
    "image count without its image dimensions": (
        [_dashboard(["AWS/Bedrock", "OutputImageCount", "ModelId", "m"])],
        "AWS publishes it only with",
    ),
    "SEARCH on an unpublished dimension set": (
        [_dashboard([{"expression": SEARCH.format(dims="ModelId,Operation", name="Invocations"), "id": "s"}])],
        "AWS publishes it only with",
    ),
    "namespace SEARCH of an uncatalogued metric": (
        [_dashboard([{"expression": "SEARCH('Namespace=\"Bedrock-AgentCore\" MetricName=\"Sessionz\"', 'Sum', 60)"}])],
        "neither a catalogued AWS metric",
    ),
    "AgentCore metric under a namespace no AWS source gives": (
        [_dashboard([{"expression": "SEARCH('Namespace=\"AgentCore\" MetricName=\"Sessions\"', 'Sum', 60)"}])],
        "neither a catalogued AWS metric",
    ),
    "agent alias series without its model": (
        [_dashboard(["AWS/Bedrock/Agents", "InvocationCount", "Operation", "InvokeAgent", "AgentAliasArn", "a"])],
        "AWS publishes it only with",
    ),
    "SEARCH without MetricName": (
        [_dashboard([{"expression": "SEARCH('{AWS/Bedrock,ModelId}', 'Sum', 300)", "id": "s"}])],
        "SEARCH without",
    ),
    "alarm on a metric/dimension pair Bedrock never publishes": (
        [_alarm("InvocationLatency", "Average", {"GuardrailArn": "g"})],
        "AWS publishes it only with",
    ),
    "alarm reading a meaningless statistic": ([_alarm("Invocations", "Average")], "alarms on 'Average'"),
    "custom metric no filter publishes": (
        [_dashboard(["LLM/InvocationLogs", "InputTokens", "ModelId", "m"])],
        "neither a catalogued AWS metric nor published",
    ),
    "filter publishing an uncatalogued metric": (
        [_filter("LLM/InvocationLogs", "PromptText", {"ModelId": "$.modelId"})],
        "not catalogued",
    ),
    "filter publishing with an uncatalogued dimension": (
        [_filter("LLM/InvocationLogs", "InputTokens", {"Caller": "$.identity.arn"})],
        "not catalogued",
    ),
}


@pytest.mark.parametrize("case", sorted(CATALOGUE_BREAKS))
def test_catalogue_check_rejects_each_unknown_series(case: str) -> None:
    resources, message = CATALOGUE_BREAKS[case]
    problems = catalogue_problems(resources)
    assert any(message in p for p in problems), problems


def test_catalogue_check_accepts_what_a_filter_publishes() -> None:
    resources = [
        _filter("LLM/InvocationLogs", "LargePrompts", {}),
        _filter("Team/LLM", "InferenceRequests", {"Application": "$.app"}),
        _filter("Team/LLM", "InferenceLatency", {"Application": "$.app", "ModelId": "$.modelId"}),
        _dashboard(
            ["LLM/InvocationLogs", "LargePrompts"],
            [{"expression": "SEARCH('{Team/LLM,Application} MetricName=\"InferenceRequests\"', 'Sum', 60)"}],
        ),
        _alarm("InvocationServerErrors", "Sum"),
    ]
    assert catalogue_problems(resources) == []
