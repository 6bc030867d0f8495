"""What the program sends to AWS, checked against the API models that ship with botocore.

Nothing here copies a constraint by hand:

- **shape constraints** (required members, types, enums, string lengths, numeric ranges, regex
  patterns, list and map sizes, unknown members) are read from the request shape of each API
  operation in botocore's service models;
- **documented rules** that the models state only in prose (``TreatMissingData`` values, alarm
  periods of 10, 20, 30 or a multiple of 60, the retention days PutRetentionPolicy accepts, ...)
  are parsed out of the model's documentation strings. If AWS rewrites a sentence, parsing raises
  ``ModelDrift`` instead of silently checking nothing.

A registered resource (engine camelCase inputs, as ``resources.json`` records them) is first
mapped to the API requests the provider sends for it, following pulumi-aws (Terraform provider):
``MetricAlarm`` → PutMetricAlarm, ``LogGroup`` → CreateLogGroup + PutRetentionPolicy, ``Key`` →
CreateKey + EnableKeyRotation + ScheduleKeyDeletion, and so on. An input with no mapping is itself
reported, so a new input cannot slip past unchecked.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.loaders import Loader  # type: ignore[import-untyped]
from botocore.model import (  # type: ignore[import-untyped]
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

SERVICES = ("cloudwatch", "logs", "sns", "kms", "iam", "bedrock")


class ModelDrift(AssertionError):
    """A sentence this module reads a rule from is no longer in botocore's documentation."""


@functools.cache
def service_model(service: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(service, "service-2"), service_name=service)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@functools.cache
def member_doc(service: str, shape: str, member: str) -> str:
    """The documentation of ``shape.member`` as plain text."""
    structure = service_model(service).shape_for(shape)
    assert isinstance(structure, StructureShape)
    return _plain(structure.members[member].documentation)


@functools.cache
def operation_doc(service: str, operation: str) -> str:
    return _plain(operation_model(service, operation).documentation)


def read(pattern: str, text: str, where: str) -> re.Match[str]:
    """The first match of ``pattern`` in documentation ``text``; ModelDrift if AWS reworded it."""
    match = re.search(pattern, text)
    if match is None:
        raise ModelDrift(f"{where}: the documentation no longer says /{pattern}/; re-read the rule")
    return match


def number(text: str) -> int:
    return int(text.replace(",", ""))


@dataclass(frozen=True)
class Call:
    """One API request the provider sends for a resource."""

    service: str
    operation: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.service}:{self.operation}"


# --- shape constraints ------------------------------------------------------------------------

# botocore patterns are Java regexes. Python's `re` lacks Unicode property classes; these are
# supersets (\w also admits digits and "_", which every pattern using them allows anyway).
_UNICODE_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\w", r"\p{Z}": r"\s"}


@functools.cache
def python_pattern(java: str) -> re.Pattern[str]:
    translated = java
    for java_class, python_class in _UNICODE_CLASSES.items():
        translated = translated.replace(java_class, python_class)
    if r"\p{" in translated:
        raise NotImplementedError(f"translate the Unicode class in {java!r}")
    return re.compile(translated)


def _documented_values(documentation: str) -> list[str] | None:
    """``Valid Values: <code>a | b</code>``: an enum the model states only in prose."""
    match = re.search(r"Valid Values:\s*<code>([^<]+)</code>", documentation)
    return [v.strip() for v in match.group(1).split("|")] if match else None


def _is_integer(value: Any) -> bool:
    # The engine hands numbers over as floats (300.0); booleans are not numbers here.
    return not isinstance(value, bool) and (isinstance(value, int) or (isinstance(value, float) and value.is_integer()))


def _as_int(value: Any) -> int | None:
    return int(value) if _is_integer(value) else None


def shape_problems(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Everything in ``params`` that the request shape of ``operation`` does not allow."""
    problems: list[str] = []
    shape = operation_model(service, operation).input_shape
    assert shape is not None
    _check(shape, params, f"{service}:{operation}", problems, documented=None)
    return problems


def _check(shape: Shape, value: Any, path: str, problems: list[str], documented: list[str] | None) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {value!r}")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(f"{path}.{name}: required by the API")
        for name, item in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: not a member of {shape.name} ({', '.join(shape.members)})")
            elif item is not None:
                member = shape.members[name]
                _check(member, item, f"{path}.{name}", problems, _documented_values(member.documentation))
        return
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {value!r}")
            return
        _size(len(value), meta, path, "items", problems)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", problems, None)
        return
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {value!r}")
            return
        _size(len(value), meta, path, "entries", problems)
        for key, item in value.items():
            _check(shape.key, key, f"{path} key {key!r}", problems, None)
            _check(shape.value, item, f"{path}[{key!r}]", problems, None)
        return
    if kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string, got {value!r}")
            return
        allowed = shape.enum or documented
        if allowed and value not in allowed:
            problems.append(f"{path}: {value!r} is not one of {', '.join(allowed)}")
        _size(len(value), meta, path, "characters", problems)
        if "pattern" in meta and not python_pattern(meta["pattern"]).fullmatch(value):
            # AWS validates patterns against the whole value (Java `matches`).
            problems.append(f"{path}: {value!r} does not match the pattern {meta['pattern']}")
        return
    if kind in ("integer", "long", "double", "float"):
        numeric = _is_integer(value) if kind in ("integer", "long") else isinstance(value, int | float)
        if isinstance(value, bool) or not numeric:
            problems.append(
                f"{path}: expected {'an integer' if kind in ('integer', 'long') else 'a number'}, got {value!r}"
            )
            return
        if "min" in meta and value < meta["min"]:
            problems.append(f"{path}: {value} is below the minimum {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} is above the maximum {meta['max']}")
        return
    if kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: expected a boolean, got {value!r}")


def _size(size: int, meta: dict[str, Any], path: str, unit: str, problems: list[str]) -> None:
    if "min" in meta and size < meta["min"]:
        problems.append(f"{path}: {size} {unit}, fewer than the minimum {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{path}: {size} {unit}, more than the maximum {meta['max']}")


# --- statistics ---------------------------------------------------------------------------------

# CloudWatch's extended statistics (percentile, trimmed mean/count/sum, winsorized mean,
# interquartile mean, percentile rank), in short form (p90, tm99.9) and range form (TM(10%:90%),
# PR(100:2000)). `extended_statistic_examples()` are the model's own examples; tests keep the two
# in agreement.
_SHORT = re.compile(r"(?:p|tm|tc|ts|wm)(\d{1,3}(?:\.\d+)?)")
_RANGE = re.compile(r"(TM|TC|TS|WM|PR)\((\d+(?:\.\d+)?%?)?:(\d+(?:\.\d+)?%?)?\)")


@functools.cache
def statistics() -> list[str]:
    """The simple statistics (``Statistic`` enum of the cloudwatch model)."""
    return list(service_model("cloudwatch").shape_for("Statistic").enum)


@functools.cache
def extended_statistic_examples() -> list[str]:
    """The values listed under ``ExtendedStatistic`` in the model, placeholders filled in."""
    doc = _raw_member_doc("cloudwatch", "PutMetricAlarmInput", "ExtendedStatistic")
    listed = re.findall(r"<li>\s*<p>\s*<code>(.*?)</code>", doc)
    if not listed:
        raise ModelDrift("cloudwatch ExtendedStatistic: no list of valid values")
    filled = [re.sub(r"<i>n</i>", "10", re.sub(r"<i>m</i>", "2000", v)) for v in listed]
    return [re.sub(r"<i>X</i>", "25", v) for v in filled]


@functools.cache
def percent_bounds() -> tuple[float, float]:
    """``TC(X%:X%)`` ... "where X is between 10 and 90 inclusive"."""
    doc = member_doc("cloudwatch", "PutMetricAlarmInput", "ExtendedStatistic")
    match = read(r"where X is between (\d+) and (\d+) inclusive", doc, "cloudwatch ExtendedStatistic")
    return float(match.group(1)), float(match.group(2))


@functools.cache
def percentile_bounds() -> tuple[float, float]:
    """GetMetricStatistics ``ExtendedStatistics``: "Specify values between p0.0 and p100"."""
    doc = member_doc("cloudwatch", "GetMetricStatisticsInput", "ExtendedStatistics")
    match = read(r"Specify values between p([\d.]+) and p([\d.]+)\.", doc, "cloudwatch ExtendedStatistics")
    return float(match.group(1)), float(match.group(2))


def extended_statistic_problem(value: str) -> str | None:
    """Why ``value`` is not a valid extended statistic, or None."""
    if value == "IQM":
        return None
    short = _SHORT.fullmatch(value)
    if short:
        low, high = percentile_bounds()
        inside = low <= float(short.group(1)) <= high
        return None if inside else f"{value!r}: percentiles are between p{low:g} and p{high:g}"
    ranged = _RANGE.fullmatch(value)
    if not ranged:
        return f"{value!r} is not a CloudWatch extended statistic (p90, tm99, IQM, TM(10%:90%), PR(n:m), ...)"
    low, high = percent_bounds()
    for bound in ranged.group(2, 3):
        if bound and bound.endswith("%") and not low <= float(bound[:-1]) <= high:
            return f"{value!r}: percentages in range statistics must be between {low:g} and {high:g}"
    return None


def statistic_problem(value: str) -> str | None:
    """Why ``value`` is neither a statistic nor an extended statistic, or None."""
    return None if value in statistics() else extended_statistic_problem(value)


# --- documented rules, per operation ------------------------------------------------------------

Rule = Callable[[dict[str, Any]], Iterator[str]]


@functools.cache
def alarm_periods() -> tuple[set[int], int]:
    """PutMetricAlarm ``Period``: "Valid values are 10, 20, 30, and any multiple of 60"."""
    doc = member_doc("cloudwatch", "PutMetricAlarmInput", "Period")
    match = read(r"Valid values are ([\d, ]+?),? and any multiple of (\d+)\.", doc, "PutMetricAlarm.Period")
    return {int(v) for v in match.group(1).split(",")}, int(match.group(2))


@functools.cache
def evaluation_limits() -> tuple[int, int, int]:
    """(longest evaluation window, period below which the shorter window applies, shorter window)."""
    doc = member_doc("cloudwatch", "PutMetricAlarmInput", "Period")
    longest = read(r"can't be more than ([\d,]+) seconds", doc, "PutMetricAlarm.Period")
    short = read(
        r"period of less than one hour \(([\d,]+) seconds\), the total evaluation period can't be longer than "
        r"one day \(([\d,]+) seconds\)",
        doc,
        "PutMetricAlarm.Period",
    )
    return number(longest.group(1)), number(short.group(1)), number(short.group(2))


def _codes(sentence: str) -> list[str]:
    return re.findall(r"<code>(\w+)</code>", sentence)


@functools.cache
def _raw_member_doc(service: str, shape: str, member: str) -> str:
    structure = service_model(service).shape_for(shape)
    assert isinstance(structure, StructureShape)
    return structure.members[member].documentation


def _put_metric_alarm(params: dict[str, Any]) -> Iterator[str]:
    where = "cloudwatch:PutMetricAlarm"
    fixed, multiple = alarm_periods()
    longest, short_period, short_window = evaluation_limits()
    queries: list[dict[str, Any]] = params.get("Metrics") or []

    periods = [("Period", params.get("Period"))]
    for i, query in enumerate(queries):
        periods.append((f"Metrics[{i}].Period", query.get("Period")))
        periods.append((f"Metrics[{i}].MetricStat.Period", (query.get("MetricStat") or {}).get("Period")))
    evaluations = _as_int(params.get("EvaluationPeriods"))
    for path, value in periods:
        period = _as_int(value)
        if period is None:
            continue
        if period not in fixed and period % multiple:
            yield f"{where}.{path}: {period} s; valid values are {sorted(fixed)} or a multiple of {multiple}"
        limit = short_window if period < short_period else longest
        if evaluations is not None and period * evaluations > limit:
            yield f"{where}: Period × EvaluationPeriods = {period * evaluations:,} s; AWS allows {limit:,} s"

    m, n = _as_int(params.get("DatapointsToAlarm")), _as_int(params.get("EvaluationPeriods"))
    if m is not None and n is not None and m > n:
        yield f"{where}: DatapointsToAlarm ({m}) is the M of M out of N; it exceeds EvaluationPeriods ({n})"

    read(
        r"either <code>Statistic</code> or <code>ExtendedStatistic</code> but not both",
        _raw_member_doc("cloudwatch", "PutMetricAlarmInput", "ExtendedStatistic"),
        where,
    )
    if "Statistic" in params and "ExtendedStatistic" in params:
        yield f"{where}: Statistic and ExtendedStatistic are mutually exclusive"
    if "ExtendedStatistic" in params:
        problem = extended_statistic_problem(params["ExtendedStatistic"])
        if problem:
            yield f"{where}.ExtendedStatistic: {problem}"

    exclusive = read(
        r"you cannot include (.*?) parameters of",
        _raw_member_doc("cloudwatch", "PutMetricAlarmInput", "Metrics"),
        f"{where}.Metrics",
    )
    if queries:
        for name in _codes(exclusive.group(1)):
            if name in params:
                yield f"{where}: {name} cannot be combined with Metrics (metric math alarms)"
    if not queries and "MetricName" not in params and "EvaluationCriteria" not in params:
        yield f"{where}: specify MetricName, Metrics or EvaluationCriteria"
    if "MetricName" in params and not queries and "Statistic" not in params and "ExtendedStatistic" not in params:
        yield f"{where}: a single-metric alarm needs Statistic or ExtendedStatistic"

    id_doc = member_doc("cloudwatch", "MetricDataQuery", "Id")
    read(
        r"The valid characters are letters, numbers, and underscore\. The first character must be a lowercase letter",
        id_doc,
        "MetricDataQuery.Id",
    )
    read(
        r"you must specify either Expression or MetricStat but not both",
        member_doc("cloudwatch", "MetricDataQuery", "Expression"),
        "MetricDataQuery.Expression",
    )
    ids = [q.get("Id") for q in queries]
    if len(ids) != len(set(ids)):
        yield f"{where}.Metrics: Ids must be unique ({ids})"
    for i, query in enumerate(queries):
        if not re.fullmatch(r"[a-z][A-Za-z0-9_]*", str(query.get("Id"))):
            yield f"{where}.Metrics[{i}].Id: {query.get('Id')!r} must start with a lowercase letter; letters, digits, _"
        if ("Expression" in query) == ("MetricStat" in query):
            yield f"{where}.Metrics[{i}]: exactly one of Expression and MetricStat"
        stat = (query.get("MetricStat") or {}).get("Stat")
        if stat is not None and statistic_problem(stat):
            yield f"{where}.Metrics[{i}].MetricStat.Stat: {statistic_problem(stat)}"

    anomaly_doc = member_doc("cloudwatch", "PutMetricAlarmInput", "ComparisonOperator")
    anomaly = read(
        r"The values ([\w, ]+?) are used only for alarms based on anomaly detection models", anomaly_doc, where
    )
    anomaly_operators = re.findall(r"\w+Threshold", anomaly.group(1))
    threshold_id = params.get("ThresholdMetricId")
    returned = [q.get("Id") for q in queries if q.get("ReturnData")]
    if threshold_id is not None:
        band = [q for q in queries if q.get("Id") == threshold_id]
        if not band or "ANOMALY_DETECTION_BAND" not in str(band[0].get("Expression")):
            yield f"{where}.ThresholdMetricId: {threshold_id!r} must be the Id of an ANOMALY_DETECTION_BAND expression"
        if params.get("ComparisonOperator") not in anomaly_operators:
            yield f"{where}.ComparisonOperator: anomaly-band alarms use one of {anomaly_operators}"
        if "Threshold" in params:
            yield f"{where}: Threshold must not be set on an anomaly-detection alarm"
        # The band and the metric it is computed from both return data (AWS's own example).
        if threshold_id not in returned or len(returned) != 2:
            yield f"{where}.Metrics: the band and exactly one metric must have ReturnData true (got {returned})"
    else:
        if params.get("ComparisonOperator") in anomaly_operators:
            yield f"{where}.ComparisonOperator: {params['ComparisonOperator']} needs ThresholdMetricId (anomaly band)"
        read(
            r"This parameter is required for alarms based on static thresholds",
            member_doc("cloudwatch", "PutMetricAlarmInput", "Threshold"),
            where,
        )
        if "Threshold" not in params and "EvaluationCriteria" not in params:
            yield f"{where}.Threshold: required for a static-threshold alarm"
        read(
            r"specify true for the one expression result to use as the alarm",
            member_doc("cloudwatch", "MetricDataQuery", "ReturnData"),
            where,
        )
        if queries and len(returned) != 1:
            yield f"{where}.Metrics: exactly one query must have ReturnData true (got {returned})"


def _put_composite_alarm(params: dict[str, Any]) -> Iterator[str]:
    where = "cloudwatch:PutCompositeAlarm"
    limit = number(
        read(
            r"can include as many as ([\d,]+) underlying alarms",
            operation_doc("cloudwatch", "PutCompositeAlarm"),
            where,
        ).group(1)
    )
    rule = str(params.get("AlarmRule", ""))
    children = set(re.findall(r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*\"?([^\")]+?)\"?\s*\)", rule))
    if len(children) > limit:
        yield f"{where}.AlarmRule: {len(children)} underlying alarms; AWS allows {limit}"
    read(
        r"WaitPeriod is required only when ActionsSuppressor is specified",
        member_doc("cloudwatch", "PutCompositeAlarmInput", "ActionsSuppressorWaitPeriod"),
        where,
    )
    if "ActionsSuppressor" in params:
        for name in ("ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"):
            if name not in params:
                yield f"{where}.{name}: required when ActionsSuppressor is set"


@functools.cache
def dashboard_name_rule() -> tuple[int, re.Pattern[str]]:
    doc = member_doc("cloudwatch", "PutDashboardInput", "DashboardName")
    match = read(
        r'The maximum length is (\d+), and valid characters are A-Z, a-z, 0-9, "-", and "_"', doc, "PutDashboard"
    )
    return int(match.group(1)), re.compile(r"[A-Za-z0-9_-]+")


# --- DashboardBody

#: The JSON Schema written from AWS's "Dashboard Body Structure and Syntax", the page PutDashboard's
#: DashboardBody documentation points to.
DASHBOARD_SCHEMA = json.loads(Path(__file__).with_name("dashboard-body.schema.json").read_text(encoding="utf-8"))
_VALIDATOR = Draft202012Validator(DASHBOARD_SCHEMA)
GRID_COLUMNS = 24
#: Metrics and expressions per dashboard, those only used in math included (CloudWatch quotas page).
MAX_METRICS_PER_DASHBOARD = 2500


def schema_errors(body: dict[str, Any]) -> list[str]:
    """Where ``body`` breaks the dashboard body schema (JSON pointer: message)."""
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _VALIDATOR.iter_errors(body)]


def layout_errors(body: dict[str, Any]) -> list[str]:
    """What the schema cannot say: grid overflow, overlaps, misplaced options objects, too many metrics."""
    problems = []
    placed = [w for w in body["widgets"] if "x" in w]
    for i, w in enumerate(placed):
        width, height = w.get("width", 6), w.get("height", 6)
        if w["x"] + width > GRID_COLUMNS:
            problems.append(f"widget {i} ({w['properties'].get('title')!r}) ends at column {w['x'] + width}")
        for j, other in enumerate(placed[:i]):
            if (
                w["x"] < other["x"] + other.get("width", 6)
                and other["x"] < w["x"] + width
                and w["y"] < other["y"] + other.get("height", 6)
                and other["y"] < w["y"] + height
            ):
                problems.append(f"widgets {j} and {i} overlap")
    count = 0
    for w in body["widgets"]:
        for entry in w["properties"].get("metrics", []):
            count += 1
            if any(isinstance(item, dict) for item in entry[1:-1]):
                problems.append(f"{w['properties'].get('title')!r}: an options object must be the entry's last item")
            if not isinstance(entry[0], dict) and len([v for v in entry if not isinstance(v, dict)]) % 2:
                problems.append(f"{w['properties'].get('title')!r}: {entry[:2]} has a dimension name without a value")
    if count > MAX_METRICS_PER_DASHBOARD:
        problems.append(f"{count} metrics and expressions; CloudWatch allows {MAX_METRICS_PER_DASHBOARD} per dashboard")
    return problems


def _put_dashboard(params: dict[str, Any]) -> Iterator[str]:
    longest, chars = dashboard_name_rule()
    name = str(params.get("DashboardName", ""))
    if len(name) > longest or not chars.fullmatch(name):
        yield f"cloudwatch:PutDashboard.DashboardName: {name!r}: at most {longest} of A-Z a-z 0-9 - _"
    read(
        r"Dashboard Body Structure and Syntax",
        _raw_member_doc("cloudwatch", "PutDashboardInput", "DashboardBody"),
        "PutDashboard",
    )
    try:
        body = json.loads(params.get("DashboardBody", ""))
    except ValueError as exc:
        yield f"cloudwatch:PutDashboard.DashboardBody: not JSON ({exc})"
        return
    for problem in schema_errors(body) + layout_errors(body):
        yield f"cloudwatch:PutDashboard.DashboardBody{problem if problem.startswith('/') else ': ' + problem}"


@functools.cache
def retention_days() -> set[int]:
    doc = member_doc("logs", "PutRetentionPolicyRequest", "retentionInDays")
    match = read(r"Possible values are: ([\d, ]+?),? and (\d+)\.", doc, "PutRetentionPolicy.retentionInDays")
    return {int(v) for v in match.group(1).split(",")} | {int(match.group(2))}


def _put_retention_policy(params: dict[str, Any]) -> Iterator[str]:
    days = params.get("retentionInDays")
    if days not in retention_days():
        yield f"logs:PutRetentionPolicy.retentionInDays: {days!r} is not one of {sorted(retention_days())}"


def _create_log_group(params: dict[str, Any]) -> Iterator[str]:
    reserved = read(
        r"Log group names can't start with the string (\S+)", operation_doc("logs", "CreateLogGroup"), "CreateLogGroup"
    ).group(1)
    if str(params.get("logGroupName", "")).startswith(reserved):
        yield f"logs:CreateLogGroup.logGroupName: must not start with {reserved!r}"


@functools.cache
def data_protection_limit() -> int:
    doc = member_doc("logs", "PutDataProtectionPolicyRequest", "policyDocument")
    return number(read(r"can be up to ([\d,]+) characters", doc, "PutDataProtectionPolicy").group(1))


def _put_data_protection_policy(params: dict[str, Any]) -> Iterator[str]:
    where = "logs:PutDataProtectionPolicy.policyDocument"
    text = str(params.get("policyDocument", ""))
    if len(text) > data_protection_limit():
        yield f"{where}: {len(text):,} characters; AWS allows {data_protection_limit():,}"
    doc = member_doc("logs", "PutDataProtectionPolicyRequest", "policyDocument")
    read(r"The DataIdentifer array must exactly match the DataIdentifer array in the first block", doc, where)
    read(r'The "MaskConfig": \{\} object must be empty', doc, where)
    read(r"This Audit action must contain a FindingsDestination object", doc, where)
    try:
        policy = json.loads(text)
    except ValueError as exc:
        yield f"{where}: not JSON ({exc})"
        return
    statements = policy.get("Statement", [])
    audits = [s for s in statements if "Audit" in s.get("Operation", {})]
    masks = [s for s in statements if "Deidentify" in s.get("Operation", {})]
    if len(statements) != 2 or len(audits) != 1 or len(masks) != 1:
        yield f"{where}: needs exactly two statements, one Audit and one Deidentify"
        return
    if audits[0].get("DataIdentifier") != masks[0].get("DataIdentifier") or not audits[0].get("DataIdentifier"):
        yield f"{where}: the two DataIdentifier arrays must be identical and not empty"
    if "FindingsDestination" not in audits[0]["Operation"]["Audit"]:
        yield f"{where}: the Audit operation needs a FindingsDestination object"
    if masks[0]["Operation"]["Deidentify"] != {"MaskConfig": {}}:
        yield f"{where}: Deidentify must be exactly {{'MaskConfig': {{}}}}"


@functools.cache
def topic_attribute_names() -> set[str]:
    """Attribute names CreateTopic and SetTopicAttributes document (the provider uses both)."""
    names: set[str] = set()
    for shape, member in (("CreateTopicInput", "Attributes"), ("SetTopicAttributesInput", "AttributeName")):
        found = re.findall(r"<code>(\w+)</code>\s*(?:\([^)]*\)\s*)?–", _raw_member_doc("sns", shape, member))
        if not found:
            raise ModelDrift(f"sns {shape}.{member}: no attribute list")
        names |= set(found)
    return names


@functools.cache
def topic_name_rule() -> tuple[int, int]:
    doc = member_doc("sns", "CreateTopicInput", "Name")
    read(r"uppercase and lowercase ASCII letters, numbers, underscores, and hyphens", doc, "sns CreateTopic.Name")
    match = read(r"between (\d+) and (\d+) characters long", doc, "sns CreateTopic.Name")
    return int(match.group(1)), int(match.group(2))


def _create_topic(params: dict[str, Any]) -> Iterator[str]:
    shortest, longest = topic_name_rule()
    name = str(params.get("Name", ""))
    if not shortest <= len(name.removesuffix(".fifo")) <= longest or not re.fullmatch(
        r"[A-Za-z0-9_-]+", name.removesuffix(".fifo")
    ):
        yield f"sns:CreateTopic.Name: {name!r}: {shortest}-{longest} ASCII letters, digits, _ or -"
    yield from _topic_attributes("sns:CreateTopic.Attributes", params.get("Attributes", {}))


def _topic_attributes(where: str, attributes: dict[str, Any]) -> Iterator[str]:
    known = topic_attribute_names()
    for name in attributes:
        if name not in known:
            yield f"{where}: {name!r} is not a documented topic attribute"


def _set_topic_attributes(params: dict[str, Any]) -> Iterator[str]:
    yield from _topic_attributes("sns:SetTopicAttributes.AttributeName", {str(params.get("AttributeName")): None})


@functools.cache
def subscription_protocols() -> list[str]:
    found = re.findall(r"<code>([\w-]+)</code>\s*–", _raw_member_doc("sns", "SubscribeInput", "Protocol"))
    if not found:
        raise ModelDrift("sns Subscribe.Protocol: no protocol list")
    return found


def _subscribe(params: dict[str, Any]) -> Iterator[str]:
    where = "sns:Subscribe"
    protocol, endpoint = params.get("Protocol"), str(params.get("Endpoint", ""))
    if protocol not in subscription_protocols():
        yield f"{where}.Protocol: {protocol!r} is not one of {subscription_protocols()}"
    doc = member_doc("sns", "SubscribeInput", "Endpoint")
    url = re.search(
        rf"For the {protocol} protocol, the \(public\) endpoint is a URL beginning with (\S+?)\.(?: |$)", doc
    )
    if url and not endpoint.startswith(url.group(1)):
        yield f"{where}.Endpoint: a {protocol} endpoint must begin with {url.group(1)}"
    if re.search(rf"For the {protocol} protocol, the endpoint is an email address", doc) and not re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[^@\s]+", endpoint
    ):
        yield f"{where}.Endpoint: {endpoint!r} is not an email address"


@functools.cache
def pending_window_days() -> tuple[int, int]:
    doc = member_doc("kms", "ScheduleKeyDeletionRequest", "PendingWindowInDays")
    match = read(r"it must be between (\d+) and (\d+), inclusive", doc, "kms ScheduleKeyDeletion")
    return int(match.group(1)), int(match.group(2))


def _schedule_key_deletion(params: dict[str, Any]) -> Iterator[str]:
    low, high = pending_window_days()
    days = _as_int(params.get("PendingWindowInDays"))
    if days is not None and not low <= days <= high:
        yield f"kms:ScheduleKeyDeletion.PendingWindowInDays: {days}; AWS documents {low}-{high} days"


def _create_alias(params: dict[str, Any]) -> Iterator[str]:
    doc = member_doc("kms", "CreateAliasRequest", "AliasName")
    prefix = read(r"must begin with (\S+) followed by a name", doc, "kms CreateAlias").group(1)
    reserved = read(r"cannot begin with (\S+?)\.", doc, "kms CreateAlias").group(1)
    name = str(params.get("AliasName", ""))
    if not name.startswith(prefix) or name.startswith(reserved):
        yield f"kms:CreateAlias.AliasName: {name!r} must begin with {prefix} and not with {reserved}"


def _json_documents(*members: str) -> Rule:
    """Policy documents must be JSON (IAM and KMS parse them; the models only constrain characters)."""

    def rule(params: dict[str, Any]) -> Iterator[str]:
        for member in members:
            if member in params:
                try:
                    json.loads(params[member])
                except ValueError as exc:
                    yield f"{member}: not JSON ({exc})"

    return rule


RULES: dict[tuple[str, str], Rule] = {
    ("cloudwatch", "PutMetricAlarm"): _put_metric_alarm,
    ("cloudwatch", "PutCompositeAlarm"): _put_composite_alarm,
    ("cloudwatch", "PutDashboard"): _put_dashboard,
    ("logs", "CreateLogGroup"): _create_log_group,
    ("logs", "PutRetentionPolicy"): _put_retention_policy,
    ("logs", "PutDataProtectionPolicy"): _put_data_protection_policy,
    ("sns", "CreateTopic"): _create_topic,
    ("sns", "SetTopicAttributes"): _set_topic_attributes,
    ("sns", "Subscribe"): _subscribe,
    ("kms", "CreateKey"): _json_documents("Policy"),
    ("kms", "PutKeyPolicy"): _json_documents("Policy"),
    ("kms", "ScheduleKeyDeletion"): _schedule_key_deletion,
    ("kms", "CreateAlias"): _create_alias,
    ("iam", "CreateRole"): _json_documents("AssumeRolePolicyDocument"),
    ("iam", "PutRolePolicy"): _json_documents("PolicyDocument"),
    ("iam", "CreatePolicy"): _json_documents("PolicyDocument"),
}


def call_problems(call: Call) -> list[str]:
    """Shape constraints and documented rules that ``call`` breaks."""
    problems = shape_problems(call.service, call.operation, call.params)
    rule = RULES.get((call.service, call.operation))
    if rule is not None:
        problems += [p if p.startswith(f"{call}") else f"{call}.{p}" for p in rule(call.params)]
    return list(dict.fromkeys(problems))


# --- Pulumi inputs → API requests ---------------------------------------------------------------

#: Inputs that steer the provider but are sent to no API (Region routing, name generation, destroy
#: behaviour, waiting for confirmation).
PROVIDER_ONLY = {
    "region",
    "namePrefix",
    "skipDestroy",
    "forceDetachPolicies",
    "confirmationTimeoutInMinutes",
    "endpointAutoConfirms",
    "delayAfterPolicyCreationInMs",
}

Renames = Mapping[str, "str | tuple[str, Callable[[Any], Any]]"]


class Inputs:
    """A resource's inputs; every key must be mapped or known to be provider-only."""

    def __init__(self, values: dict[str, Any], where: str, problems: list[str]) -> None:
        self.values = {k: v for k, v in values.items() if v is not None}
        self.where = where
        self.problems = problems
        self.used: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.values.get(key, default)

    def rename(self, mapping: Renames) -> dict[str, Any]:
        """``mapping``: input key → API member, or (member, converter)."""
        out: dict[str, Any] = {}
        for key, target in mapping.items():
            if key in self.values:
                name, convert = target if isinstance(target, tuple) else (target, lambda v: v)
                out[name] = convert(self.get(key))
            self.used.add(key)
        return out

    def finish(self) -> None:
        for key in sorted(set(self.values) - self.used - PROVIDER_ONLY):
            self.problems.append(f"{self.where}.{key}: input not mapped to an AWS API in tests/aws_constraints.py")


def autoname(name: str) -> str:
    """What Pulumi's auto-naming produces for a resource without an explicit name (7 random chars)."""
    return f"{name}-a1b2c3d"


def _tag_list(key: str = "Key", value: str = "Value") -> Callable[[Any], Any]:
    return lambda tags: [{key: k, value: v} for k, v in sorted(tags.items())]


def _dimension_list(dimensions: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in sorted(dimensions.items())]


def _metric_query(query: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    inputs = Inputs(query, where, problems)
    out = inputs.rename(
        {"id": "Id", "expression": "Expression", "label": "Label", "period": "Period", "accountId": "AccountId"}
    )
    # The provider always sends ReturnData (default false).
    out["ReturnData"] = bool(inputs.get("returnData", False))
    if inputs.get("metric") is not None:
        metric = Inputs(query["metric"], f"{where}.metric", problems)
        out["MetricStat"] = {
            "Metric": metric.rename(
                {"namespace": "Namespace", "metricName": "MetricName", "dimensions": ("Dimensions", _dimension_list)}
            ),
            **metric.rename({"period": "Period", "stat": "Stat", "unit": "Unit"}),
        }
        metric.finish()
    inputs.finish()
    return out


def _metric_alarm(inputs: Inputs, name: str) -> list[Call]:
    params = {"AlarmName": inputs.get("name") or autoname(name)}
    params |= inputs.rename(
        {
            "alarmDescription": "AlarmDescription",
            "actionsEnabled": "ActionsEnabled",
            "okActions": "OKActions",
            "alarmActions": "AlarmActions",
            "insufficientDataActions": "InsufficientDataActions",
            "metricName": "MetricName",
            "namespace": "Namespace",
            "statistic": "Statistic",
            "extendedStatistic": "ExtendedStatistic",
            "dimensions": ("Dimensions", _dimension_list),
            "period": "Period",
            "unit": "Unit",
            "evaluationPeriods": "EvaluationPeriods",
            "datapointsToAlarm": "DatapointsToAlarm",
            "threshold": "Threshold",
            "comparisonOperator": "ComparisonOperator",
            "treatMissingData": "TreatMissingData",
            "evaluateLowSampleCountPercentiles": "EvaluateLowSampleCountPercentile",
            "thresholdMetricId": "ThresholdMetricId",
            "tags": ("Tags", _tag_list()),
            "evaluationWindow": ("EvaluationWindow", _evaluation_window),
        }
    )
    queries = inputs.get("metricQueries")
    if queries:
        params["Metrics"] = [
            _metric_query(q, f"{inputs.where}.metricQueries[{i}]", inputs.problems) for i, q in enumerate(queries)
        ]
    return [Call("cloudwatch", "PutMetricAlarm", params)]


def _evaluation_window(window: dict[str, Any]) -> dict[str, Any]:
    """``evaluation_window`` {wall_clock_window: {timezone}} → EvaluationWindow {WallClockWindow: {Timezone}}."""
    wall = window.get("wallClockWindow")
    if wall is None:
        return {"SlidingWindow": {}}
    return {"WallClockWindow": {"Timezone": wall["timezone"]} if wall.get("timezone") else {}}


def _inference_profile(inputs: Inputs, name: str) -> list[Call]:
    """``aws.bedrock.InferenceProfile`` → CreateInferenceProfile (botocore ``bedrock``)."""
    params = {"inferenceProfileName": inputs.get("name") or autoname(name)}
    source = inputs.get("modelSource") or {}
    sub = Inputs(source, f"{inputs.where}.modelSource", inputs.problems)
    params["modelSource"] = sub.rename({"copyFrom": "copyFrom"})
    sub.finish()
    params |= inputs.rename({"description": "description", "tags": ("tags", _tag_list("key", "value"))})
    return [Call("bedrock", "CreateInferenceProfile", params)]


def _oam_sink(inputs: Inputs, name: str) -> list[Call]:
    """``aws.oam.Sink`` → CreateSink (botocore ``oam``; its tags are a map)."""
    params = {"Name": inputs.get("name") or autoname(name)} | inputs.rename({"tags": "Tags"})
    return [Call("oam", "CreateSink", params)]


def _oam_sink_policy(inputs: Inputs, name: str) -> list[Call]:
    return [Call("oam", "PutSinkPolicy", inputs.rename({"sinkIdentifier": "SinkIdentifier", "policy": "Policy"}))]


def _oam_link(inputs: Inputs, name: str) -> list[Call]:
    """``aws.oam.Link`` → CreateLink, its link configuration's two filters included."""
    params = inputs.rename(
        {
            "labelTemplate": "LabelTemplate",
            "resourceTypes": "ResourceTypes",
            "sinkIdentifier": "SinkIdentifier",
            "tags": "Tags",
        }
    )
    configuration = inputs.get("linkConfiguration")
    if configuration is not None:
        sub = Inputs(configuration, f"{inputs.where}.linkConfiguration", inputs.problems)
        params["LinkConfiguration"] = {
            member: {"Filter": block["filter"]}
            for key, member in (
                ("logGroupConfiguration", "LogGroupConfiguration"),
                ("metricConfiguration", "MetricConfiguration"),
            )
            if (block := sub.get(key)) is not None
        }
        sub.finish()
    return [Call("oam", "CreateLink", params)]


def _composite_alarm(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename(
        {
            "alarmName": "AlarmName",
            "alarmRule": "AlarmRule",
            "alarmDescription": "AlarmDescription",
            "actionsEnabled": "ActionsEnabled",
            "alarmActions": "AlarmActions",
            "okActions": "OKActions",
            "insufficientDataActions": "InsufficientDataActions",
            "tags": ("Tags", _tag_list()),
        }
    )
    suppressor = inputs.get("actionsSuppressor")
    if suppressor:
        sub = Inputs(suppressor, f"{inputs.where}.actionsSuppressor", inputs.problems)
        params |= sub.rename(
            {
                "alarm": "ActionsSuppressor",
                "waitPeriod": "ActionsSuppressorWaitPeriod",
                "extensionPeriod": "ActionsSuppressorExtensionPeriod",
            }
        )
        sub.finish()
    return [Call("cloudwatch", "PutCompositeAlarm", params)]


def _dashboard(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename({"dashboardName": "DashboardName", "dashboardBody": "DashboardBody"})
    return [Call("cloudwatch", "PutDashboard", params)]


def _log_group(inputs: Inputs, name: str) -> list[Call]:
    group = inputs.get("name") or autoname(name)
    params = {"logGroupName": group} | inputs.rename(
        {
            "kmsKeyId": "kmsKeyId",
            "logGroupClass": "logGroupClass",
            "deletionProtectionEnabled": "deletionProtectionEnabled",
            "tags": "tags",
        }
    )
    calls = [Call("logs", "CreateLogGroup", params)]
    # 0 is the provider's "never expire": it calls DeleteRetentionPolicy instead.
    days = inputs.get("retentionInDays")
    if days:
        calls.append(Call("logs", "PutRetentionPolicy", {"logGroupName": group, "retentionInDays": days}))
    return calls


def _metric_filter(inputs: Inputs, name: str) -> list[Call]:
    params = {"filterName": inputs.get("name") or name} | inputs.rename(
        {"pattern": "filterPattern", "logGroupName": "logGroupName", "applyOnTransformedLogs": "applyOnTransformedLogs"}
    )
    transformation = inputs.get("metricTransformation")
    if transformation is not None:
        sub = Inputs(transformation, f"{inputs.where}.metricTransformation", inputs.problems)
        # The provider takes defaultValue as a string and sends it as a double (empty: not sent).
        params["metricTransformations"] = [
            sub.rename(
                {
                    "name": "metricName",
                    "namespace": "metricNamespace",
                    "value": "metricValue",
                    "defaultValue": ("defaultValue", float),
                    "dimensions": "dimensions",
                    "unit": "unit",
                }
            )
        ]
        sub.finish()
    return [Call("logs", "PutMetricFilter", params)]


def _query_definition(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename({"name": "name", "queryString": "queryString", "logGroupNames": "logGroupNames"})
    return [Call("logs", "PutQueryDefinition", params)]


def _contributor_rule(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename(
        {
            "ruleName": "RuleName",
            "ruleDefinition": "RuleDefinition",
            "ruleState": "RuleState",
            "tags": ("Tags", _tag_list()),
        }
    )
    return [Call("cloudwatch", "PutInsightRule", params)]


def _data_protection_policy(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename({"logGroupName": "logGroupIdentifier", "policyDocument": "policyDocument"})
    return [Call("logs", "PutDataProtectionPolicy", params)]


def _sns_value(value: Any) -> str:
    """SNS attributes are strings: booleans as true/false, whole numbers without a decimal point."""
    if isinstance(value, bool):
        return json.dumps(value)
    return str(int(value)) if _is_integer(value) else str(value)


_TOPIC_ATTRIBUTES = {
    "kmsMasterKeyId": "KmsMasterKeyId",
    "policy": "Policy",
    "displayName": "DisplayName",
    "deliveryPolicy": "DeliveryPolicy",
    "fifoTopic": "FifoTopic",
    "contentBasedDeduplication": "ContentBasedDeduplication",
    "signatureVersion": "SignatureVersion",
    "tracingConfig": "TracingConfig",
    "archivePolicy": "ArchivePolicy",
    "fifoThroughputScope": "FifoThroughputScope",
    "maximumMessageSize": "MaximumMessageSize",
    **{
        f"{protocol}{outcome}Feedback{what}": f"{attribute}{outcome}Feedback{what}"
        for protocol, attribute in (
            ("http", "HTTP"),
            ("firehose", "Firehose"),
            ("lambda", "Lambda"),
            ("application", "Application"),
            ("sqs", "SQS"),
        )
        for outcome in ("Success", "Failure")
        for what in ("RoleArn", "SampleRate")
        if not (outcome == "Failure" and what == "SampleRate")
    },
}


def _topic(inputs: Inputs, name: str) -> list[Call]:
    attributes = {k: _sns_value(v) for k, v in inputs.rename(_TOPIC_ATTRIBUTES).items()}
    params = {"Name": inputs.get("name") or autoname(name), "Attributes": attributes}
    params |= inputs.rename({"tags": ("Tags", _tag_list())})
    return [Call("sns", "CreateTopic", params)]


def _topic_policy(inputs: Inputs, name: str) -> list[Call]:
    params = {"AttributeName": "Policy"} | inputs.rename({"arn": "TopicArn", "policy": "AttributeValue"})
    return [Call("sns", "SetTopicAttributes", params)]


def _subscription(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename({"topic": "TopicArn", "protocol": "Protocol", "endpoint": "Endpoint"})
    attributes = inputs.rename(
        {
            "deliveryPolicy": "DeliveryPolicy",
            "filterPolicy": "FilterPolicy",
            "filterPolicyScope": "FilterPolicyScope",
            "rawMessageDelivery": "RawMessageDelivery",
            "redrivePolicy": "RedrivePolicy",
            "replayPolicy": "ReplayPolicy",
            "subscriptionRoleArn": "SubscriptionRoleArn",
        }
    )
    if attributes:
        params["Attributes"] = {k: _sns_value(v) for k, v in attributes.items()}
    params["ReturnSubscriptionArn"] = True
    return [Call("sns", "Subscribe", params)]


def _key(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename(
        {
            "policy": "Policy",
            "description": "Description",
            "keyUsage": "KeyUsage",
            "customerMasterKeySpec": "KeySpec",
            "customKeyStoreId": "CustomKeyStoreId",
            "bypassPolicyLockoutSafetyCheck": "BypassPolicyLockoutSafetyCheck",
            "multiRegion": "MultiRegion",
            "xksKeyId": "XksKeyId",
            "tags": ("Tags", _tag_list("TagKey", "TagValue")),
        }
    )
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    calls = [Call("kms", "CreateKey", params)]
    rotation = inputs.rename({"rotationPeriodInDays": "RotationPeriodInDays"})
    if inputs.get("enableKeyRotation"):
        calls.append(Call("kms", "EnableKeyRotation", {"KeyId": key_id} | rotation))
    if inputs.get("isEnabled") is False:
        calls.append(Call("kms", "DisableKey", {"KeyId": key_id}))
    # Sent on destroy, but a bad value only shows up then: check it now.
    window = inputs.rename({"deletionWindowInDays": "PendingWindowInDays"})
    if window:
        calls.append(Call("kms", "ScheduleKeyDeletion", {"KeyId": key_id} | window))
    return calls


def _alias(inputs: Inputs, name: str) -> list[Call]:
    params = {"AliasName": inputs.get("name") or f"alias/{autoname(name)}"}
    params |= inputs.rename({"targetKeyId": "TargetKeyId"})
    return [Call("kms", "CreateAlias", params)]


def _key_policy(inputs: Inputs, name: str) -> list[Call]:
    params = inputs.rename(
        {"keyId": "KeyId", "policy": "Policy", "bypassPolicyLockoutSafetyCheck": "BypassPolicyLockoutSafetyCheck"}
    )
    return [Call("kms", "PutKeyPolicy", {"PolicyName": "default"} | params)]


def _role(inputs: Inputs, name: str) -> list[Call]:
    role = inputs.get("name") or autoname(name)
    params = {"RoleName": role} | inputs.rename(
        {
            "assumeRolePolicy": "AssumeRolePolicyDocument",
            "path": "Path",
            "description": "Description",
            "maxSessionDuration": "MaxSessionDuration",
            "permissionsBoundary": "PermissionsBoundary",
            "tags": ("Tags", _tag_list()),
        }
    )
    calls = [Call("iam", "CreateRole", params)]
    for i, inline in enumerate(inputs.get("inlinePolicies") or []):
        sub = Inputs(inline, f"{inputs.where}.inlinePolicies[{i}]", inputs.problems)
        calls.append(
            Call(
                "iam",
                "PutRolePolicy",
                {"RoleName": role} | sub.rename({"name": "PolicyName", "policy": "PolicyDocument"}),
            )
        )
        sub.finish()
    for arn in inputs.get("managedPolicyArns") or []:
        calls.append(Call("iam", "AttachRolePolicy", {"RoleName": role, "PolicyArn": arn}))
    return calls


def _role_policy(inputs: Inputs, name: str) -> list[Call]:
    params = {"PolicyName": inputs.get("name") or autoname(name)}
    params |= inputs.rename({"role": "RoleName", "policy": "PolicyDocument"})
    return [Call("iam", "PutRolePolicy", params)]


def _policy(inputs: Inputs, name: str) -> list[Call]:
    params = {"PolicyName": inputs.get("name") or autoname(name)}
    params |= inputs.rename(
        {"policy": "PolicyDocument", "path": "Path", "description": "Description", "tags": ("Tags", _tag_list())}
    )
    return [Call("iam", "CreatePolicy", params)]


def _role_policy_attachment(inputs: Inputs, name: str) -> list[Call]:
    return [Call("iam", "AttachRolePolicy", inputs.rename({"role": "RoleName", "policyArn": "PolicyArn"}))]


def _invocation_logging(inputs: Inputs, name: str) -> list[Call]:
    config = inputs.get("loggingConfig") or {}
    sub = Inputs(config, f"{inputs.where}.loggingConfig", inputs.problems)
    logging = sub.rename(
        {
            "textDataDeliveryEnabled": "textDataDeliveryEnabled",
            "imageDataDeliveryEnabled": "imageDataDeliveryEnabled",
            "embeddingDataDeliveryEnabled": "embeddingDataDeliveryEnabled",
            "videoDataDeliveryEnabled": "videoDataDeliveryEnabled",
        }
    )
    s3 = sub.get("s3Config")
    if s3:
        logging["s3Config"] = _s3_config(s3, f"{sub.where}.s3Config", inputs.problems)
    cloudwatch = sub.get("cloudwatchConfig")
    if cloudwatch:
        cw = Inputs(cloudwatch, f"{sub.where}.cloudwatchConfig", inputs.problems)
        logging["cloudWatchConfig"] = cw.rename({"logGroupName": "logGroupName", "roleArn": "roleArn"})
        large = cw.get("largeDataDeliveryS3Config")
        if large:
            logging["cloudWatchConfig"]["largeDataDeliveryS3Config"] = _s3_config(
                large, f"{cw.where}.largeDataDeliveryS3Config", inputs.problems
            )
        cw.finish()
    sub.finish()
    return [Call("bedrock", "PutModelInvocationLoggingConfiguration", {"loggingConfig": logging})]


def _s3_config(values: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    inputs = Inputs(values, where, problems)
    out = inputs.rename({"bucketName": "bucketName", "keyPrefix": "keyPrefix"})
    inputs.finish()
    return out


MAPPERS: dict[str, Callable[[Inputs, str], list[Call]]] = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _composite_alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _metric_filter,
    "aws:cloudwatch/queryDefinition:QueryDefinition": _query_definition,
    "aws:cloudwatch/contributorInsightRule:ContributorInsightRule": _contributor_rule,
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": _data_protection_policy,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:kms/key:Key": _key,
    "aws:kms/alias:Alias": _alias,
    "aws:kms/keyPolicy:KeyPolicy": _key_policy,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:iam/policy:Policy": _policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _role_policy_attachment,
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": _invocation_logging,
    "aws:bedrock/inferenceProfile:InferenceProfile": _inference_profile,
    "aws:oam/sink:Sink": _oam_sink,
    "aws:oam/sinkPolicy:SinkPolicy": _oam_sink_policy,
    "aws:oam/link:Link": _oam_link,
}


def api_calls(resource: dict[str, Any]) -> tuple[list[Call], list[str]]:
    """The requests the provider sends for ``resource`` (type, name, inputs), and mapping problems."""
    problems: list[str] = []
    mapper = MAPPERS.get(resource["type"])
    if mapper is None:
        return [], [f"{resource['type']}: no mapping to an AWS API in tests/aws_constraints.py"]
    inputs = Inputs(resource["inputs"], f"{resource['type'].rsplit(':', 1)[-1]} {resource['name']!r}", problems)
    calls = mapper(inputs, resource["name"])
    inputs.finish()
    return calls, problems


def violations(resource: dict[str, Any]) -> list[str]:
    """Every way ``resource`` breaks what the AWS API models allow (empty when it is fine)."""
    calls, problems = api_calls(resource)
    where = f"{resource['name']}: "
    return [where + p for p in problems] + [where + p for call in calls for p in call_problems(call)]
