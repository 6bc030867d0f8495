"""Metric filters on the two log groups, as specs (pure): what each counts, from which records,
with which dimensions, checked against CloudWatch Logs' rules (botocore ``logs`` PutMetricFilter)
and this project's (no per-call field as a dimension).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config.logs import APPLICATION, INVOCATIONS, LogSettings

MAX_FILTER_NAME = 512
MAX_FILTER_PATTERN = 1024
MAX_METRIC_VALUE = 100
MAX_METRIC_NAME = 255
MAX_DIMENSIONS = 3
MAX_FILTERS_PER_GROUP = 100

#: Only these select a record's fields in a JSON filter pattern, value or dimension here.
_SELECTOR = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
#: Never dimensions: one value per call (IDs, callers' session ARNs) or message text. Each
#: distinct value is a billed custom metric, and 1,000 of them within an hour disable the filter.
HIGH_CARDINALITY_FIELDS = frozenset(
    {"requestId", "traceId", "identity", "arn", "inputBodyJson", "outputBodyJson", "prompt", "completion", "message"}
)

# Conditions every record of each log group meets. Bedrock writes `schemaType` into every
# invocation record; the application schema (README) versions its lines with `schemaVersion`.
INVOCATION_RECORD = ("$.schemaType", '= "ModelInvocationLog"')
APPLICATION_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class MetricFilterSpec:
    """One metric filter; the metric it publishes is a catalogue entry. Invalid specs raise."""

    key: str
    group: str
    name: str
    pattern: str
    metric: Metric
    value: str
    dimensions: tuple[tuple[str, str], ...] = ()
    """(dimension name, JSON selector) pairs."""
    default_value: float | None = None

    def __post_init__(self) -> None:
        problems = metric_filter_problems(self)
        if problems:
            raise ValueError(f"metric filter {self.key!r}: " + "; ".join(problems))

    def inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.LogMetricFilter`` other than the log group."""
        transformation: dict[str, Any] = {
            "name": self.metric.name,
            "namespace": self.metric.namespace,
            "value": self.value,
            "unit": self.metric.unit,
        }
        if self.dimensions:
            transformation["dimensions"] = dict(self.dimensions)
        if self.default_value is not None:
            transformation["default_value"] = f"{self.default_value:g}"
        return {"name": self.name, "pattern": self.pattern, "metric_transformation": transformation}


def json_pattern(*conditions: tuple[str, str]) -> str:
    """``{ ($.a = x) && ($.b >= 0) }`` from (selector, "operator value") pairs."""
    return "{ " + " && ".join(f"({selector} {test})" for selector, test in conditions) + " }"


def metric_filter_problems(spec: MetricFilterSpec) -> list[str]:
    """What is wrong with a filter by CloudWatch Logs' rules and this project's (empty: nothing)."""
    problems = []
    selectors = set(_SELECTOR.findall(spec.pattern))
    if not (spec.pattern.startswith("{") and spec.pattern.endswith("}")):
        problems.append("pattern is not a JSON pattern ({ ... }); dimensions need one")
    if len(spec.pattern) > MAX_FILTER_PATTERN:
        problems.append(f"pattern is {len(spec.pattern)} characters (max {MAX_FILTER_PATTERN})")
    if not 1 <= len(spec.name) <= MAX_FILTER_NAME or re.search(r"[:*]", spec.name):
        problems.append(f"filter name must be 1-{MAX_FILTER_NAME} characters without ':' or '*'")
    for label, text_ in (("metric name", spec.metric.name), ("namespace", spec.metric.namespace)):
        if not 1 <= len(text_) <= MAX_METRIC_NAME or re.search(r"[:*$]", text_):
            problems.append(f"{label} must be 1-{MAX_METRIC_NAME} characters without ':', '*' or '$'")
    if len(spec.value) > MAX_METRIC_VALUE:
        problems.append(f"value is {len(spec.value)} characters (max {MAX_METRIC_VALUE})")
    if spec.value.startswith("$") and spec.value not in selectors:
        problems.append(f"value {spec.value} does not appear in the pattern")
    if not spec.value.startswith("$") and spec.value != "1":
        problems.append("value must be a JSON selector or 1")
    if len(spec.dimensions) > MAX_DIMENSIONS:
        problems.append(f"{len(spec.dimensions)} dimensions (max {MAX_DIMENSIONS})")
    if spec.dimensions and spec.default_value is not None:
        problems.append("a default value cannot be combined with dimensions")
    if not spec.metric.has_dimensions([name for name, _ in spec.dimensions]):
        problems.append(f"{spec.metric.namespace}/{spec.metric.name} is not catalogued with these dimensions")
    for name, selector in spec.dimensions:
        if selector not in selectors:
            problems.append(f"dimension {name} ({selector}) does not appear in the pattern")
        if set(selector.lstrip("$").split(".")) & HIGH_CARDINALITY_FIELDS:
            problems.append(f"dimension {name} ({selector}) is a per-call or free-text field")
    return problems


def invocation_filters(logs: LogSettings, prefix: str) -> list[MetricFilterSpec]:
    """Large prompts only. Calls and tokens by model are AWS/Bedrock's own metrics (free); by tenant
    or caller, Contributor Insights rules (log_contributors.py): a filter with a tenant dimension
    would publish a billed custom metric per tenant."""
    # No dimension, so a default of 0 is allowed: the metric then exists (at 0) whenever records
    # arrive, and an alarm on it never sits in INSUFFICIENT_DATA.
    return [
        MetricFilterSpec(
            "large-prompts",
            INVOCATIONS,
            f"{prefix}-large-prompts",
            json_pattern(INVOCATION_RECORD, ("$.input.inputTokenCount", f"> {logs.large_prompt_tokens}")),
            cat.LARGE_PROMPTS,
            "1",
            default_value=0.0,
        )
    ]


def application_filters(logs: LogSettings, prefix: str) -> list[MetricFilterSpec]:
    by_pair = ((cat.APPLICATION, "$.app"), (cat.MODEL_ID, "$.modelId"))
    base = (("$.schemaVersion", f"= {APPLICATION_SCHEMA_VERSION}"), ("$.app", "= *"), ("$.modelId", "= *"))

    def spec(
        key: str, metric: Metric, value: str, test: tuple[str, str] | None, dims: tuple[tuple[str, str], ...] = by_pair
    ) -> MetricFilterSpec:
        pattern = json_pattern(*base, *([test] if test else []))
        metric = cat.in_namespace(metric, logs.application_namespace)
        return MetricFilterSpec(key, APPLICATION, f"{prefix}-{key}", pattern, metric, value, dims)

    # Calls and errors: one series per model and one per application (what the alarms read), and
    # latency per model: they add up (models + applications series) instead of multiplying.
    counted = []
    for dimension, selector in by_pair:
        suffix = "by-model" if dimension == cat.MODEL_ID else "by-application"
        dims = ((dimension, selector),)
        counted += [
            spec(f"requests-{suffix}", cat.INFERENCE_REQUESTS, "1", None, dims),
            spec(f"errors-{suffix}", cat.INFERENCE_ERRORS, "1", ("$.status", '= "error"'), dims),
        ]
    latency = ("$.latencyMs", ">= 0")
    counted.append(spec("latency-by-model", cat.INFERENCE_LATENCY, "$.latencyMs", latency, by_pair[1:]))
    if not logs.application_pair_metrics:
        # The pair view comes from a dashboard log widget and a saved query instead.
        return counted
    return [
        *counted,
        spec("latency", cat.INFERENCE_LATENCY, "$.latencyMs", latency),
        spec(
            "time-to-first-token",
            cat.INFERENCE_TIME_TO_FIRST_TOKEN,
            "$.timeToFirstTokenMs",
            ("$.timeToFirstTokenMs", ">= 0"),
        ),
        spec("input-tokens", cat.INFERENCE_INPUT_TOKENS, "$.inputTokens", ("$.inputTokens", ">= 0")),
        spec("output-tokens", cat.INFERENCE_OUTPUT_TOKENS, "$.outputTokens", ("$.outputTokens", ">= 0")),
    ]
