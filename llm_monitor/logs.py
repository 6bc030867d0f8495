"""Invocation and application logs as specs: log groups, key and IAM policies, data protection,
metric filters, saved Logs Insights queries and dashboard rows.

Pure: no Pulumi imports. ``build_log_spec`` returns everything ``llm_monitor.components.logs``
turns into resources; ``dashboard_rows`` returns rows for ``Extras.overview_rows``. Strings that
need the account ID carry ``ACCOUNT_ID_TOKEN``; the Pulumi layer substitutes it.

Limits come from the botocore ``logs`` model (PutMetricFilter, PutQueryDefinition,
PutDataProtectionPolicy) unless a comment says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.aws import ACCOUNT_ID_TOKEN, arn, dns_suffix, log_group_arn, partition, safe_name
from llm_monitor.catalogue import Metric
from llm_monitor.config import NAMESPACE, LimitError, Settings
from llm_monitor.config.logs import CustomDataIdentifier, LogSettings
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
)
from llm_monitor.iam import KEY_DELETION_WINDOW_DAYS, Statement, key_admin_statement, policy_document, to_json

#: Keys of the two log groups (also the last part of their resources' logical names).
INVOCATIONS = "invocations"
APPLICATION = "application"

#: The stream Bedrock writes every invocation record to (Bedrock user guide, CloudWatch Logs destination).
BEDROCK_LOG_STREAM = "aws/bedrock/modelinvocations"
BEDROCK_PRINCIPAL = "bedrock.amazonaws.com"

MAX_FILTER_NAME = 512
MAX_FILTER_PATTERN = 1024
MAX_METRIC_VALUE = 100
MAX_METRIC_NAME = 255
MAX_DIMENSIONS = 3
MAX_FILTERS_PER_GROUP = 100
MAX_QUERY_NAME = 255
MAX_QUERY_STRING = 10_000
MAX_DATA_PROTECTION_POLICY = 30_720
DATA_PROTECTION_VERSION = "2021-06-01"

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
_INSIGHTS_INVOCATION = 'filter schemaType = "ModelInvocationLog"'
_INSIGHTS_APPLICATION = f"filter schemaVersion = {APPLICATION_SCHEMA_VERSION}"


# --- specs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogGroupSpec:
    """One encrypted, masked log group."""

    key: str
    name: str
    retention_days: int
    data_protection_policy: str
    """PutDataProtectionPolicy document (JSON)."""

    def inputs(self, *, protect: bool) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.LogGroup`` other than the key; ``protect``: ``LogSpec.protect``."""
        return {
            "name": self.name,
            "retention_in_days": self.retention_days,
            # STANDARD: the Infrequent Access class has no metric filters.
            "log_group_class": "STANDARD",
            "deletion_protection_enabled": protect,
            # The provider-side twin of retain_on_delete: visible to policy packs, and kept
            # even if the stack's state is moved to a program without this option.
            "skip_destroy": True,
        }


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


@dataclass(frozen=True)
class QuerySpec:
    """One saved Logs Insights query (CloudWatch Logs Insights QL) on one log group."""

    key: str
    group: str
    name: str
    query: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= MAX_QUERY_NAME:
            raise ValueError(f"query name {self.name!r} must be 1-{MAX_QUERY_NAME} characters")
        if not 1 <= len(self.query) <= MAX_QUERY_STRING:
            raise ValueError(f"query {self.key!r} must be 1-{MAX_QUERY_STRING} characters")


@dataclass(frozen=True)
class InvocationLoggingSpec:
    """Bedrock model invocation logging into the invocation log group, and the role it uses."""

    trust_policy: str
    permissions_policy: str
    data_types: tuple[str, ...]
    large_data_bucket: str | None
    large_data_key_prefix: str

    def delivers(self, data_type: str) -> bool:
        return data_type in self.data_types

    def logging_config(self, log_group_name: Any, role_arn: Any) -> dict[str, Any]:
        """``logging_config`` of ``aws.bedrockmodel.InvocationLoggingConfiguration``; the log group
        name and role ARN are the resources' (Pulumi inputs)."""
        cloudwatch: dict[str, Any] = {"log_group_name": log_group_name, "role_arn": role_arn}
        if self.large_data_bucket:
            cloudwatch["large_data_delivery_s3_config"] = {
                "bucket_name": self.large_data_bucket,
                "key_prefix": self.large_data_key_prefix or None,
            }
        return {
            "cloudwatch_config": cloudwatch,
            # Every flag explicitly: the provider defaults each one to true.
            "text_data_delivery_enabled": self.delivers("text"),
            "image_data_delivery_enabled": self.delivers("image"),
            "embedding_data_delivery_enabled": self.delivers("embedding"),
            "video_data_delivery_enabled": self.delivers("video"),
        }


@dataclass(frozen=True)
class LogSpec:
    """Everything the logs component creates."""

    key_alias: str
    key_policy: str
    groups: tuple[LogGroupSpec, ...]
    protect: bool
    logging: InvocationLoggingSpec | None
    """None when this stack does not own the account's invocation-logging configuration."""
    filters: tuple[MetricFilterSpec, ...]
    queries: tuple[QuerySpec, ...]
    query_folder: str
    """Saved queries are named ``<folder>/<log group>/<title>``: one folder per stack in the console."""

    def group(self, key: str) -> LogGroupSpec:
        (match,) = [g for g in self.groups if g.key == key]
        return match

    def key_inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.kms.Key`` other than the policy."""
        return {
            "description": f"Encrypts the log groups {', '.join(g.name for g in self.groups)}",
            "enable_key_rotation": True,
            "deletion_window_in_days": KEY_DELETION_WINDOW_DAYS,
        }


# --- policies -------------------------------------------------------------------------------


def key_policy(region: str, account: str, log_group_names: Sequence[str]) -> dict[str, Any]:
    """The logs key: the account administers it; CloudWatch Logs in this Region may use it for
    these log groups only (encryption-context condition), as the CloudWatch Logs guide
    ("Encrypt log data in CloudWatch Logs using AWS KMS") prescribes."""
    return policy_document(
        key_admin_statement(region, account),
        {
            "Sid": "AllowCloudWatchLogsForTheseLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.{dns_suffix(region)}"},
            "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            "Resource": "*",
            "Condition": {
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": sorted(
                        log_group_arn(region, account, name) for name in log_group_names
                    )
                }
            },
        },
    )


def logging_role_trust_policy(region: str, account: str) -> dict[str, Any]:
    """Only Bedrock, acting for this account in this Region, may assume the logging role."""
    return policy_document(
        {
            "Sid": "BedrockModelInvocationLogging",
            "Effect": "Allow",
            "Principal": {"Service": BEDROCK_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": arn(region, "bedrock", account, "*")},
            },
        }
    )


def logging_role_permissions_policy(region: str, account: str, log_group_name: str) -> dict[str, Any]:
    """Create and write the one stream Bedrock uses. Built from the group's *name*: a log-group
    ARN as returned by the API ends in ``:*`` and would give an invalid stream ARN."""
    statement: Statement = {
        "Sid": "WriteModelInvocationLogStream",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"{log_group_arn(region, account, log_group_name)}:log-stream:{BEDROCK_LOG_STREAM}",
    }
    return policy_document(statement)


def data_identifier_arn(region: str, identifier: str) -> str:
    """``arn:<partition>:dataprotection::aws:data-identifier/<Id>`` (managed identifiers)."""
    return f"arn:{partition(region)}:dataprotection::aws:data-identifier/{identifier}"


def data_protection_policy(
    region: str, name: str, managed: Sequence[str], custom: Sequence[CustomDataIdentifier]
) -> dict[str, Any]:
    """Audit and mask: the two statements PutDataProtectionPolicy requires, with identical
    identifier lists. The audit statement is required; its empty ``FindingsDestination`` writes
    no findings reports (no further destination to create and secure). Custom identifiers are
    referred to by name."""
    identifiers = [data_identifier_arn(region, i) for i in managed] + [c.name for c in custom]
    document: dict[str, Any] = {
        "Name": name,
        "Description": "Audit and mask sensitive data in LLM prompts, completions and application logs",
        "Version": DATA_PROTECTION_VERSION,
        "Statement": [
            {
                "Sid": "audit",
                "DataIdentifier": identifiers,
                "Operation": {"Audit": {"FindingsDestination": {}}},
            },
            {
                "Sid": "redact",
                "DataIdentifier": list(identifiers),
                "Operation": {"Deidentify": {"MaskConfig": {}}},
            },
        ],
    }
    if custom:
        document["Configuration"] = {"CustomDataIdentifier": [{"Name": c.name, "Regex": c.regex} for c in custom]}
    size = len(to_json(document))
    if size > MAX_DATA_PROTECTION_POLICY:
        raise LimitError(
            f"data-protection policy {name!r}: {size} characters (max {MAX_DATA_PROTECTION_POLICY})",
            f"{NAMESPACE}:logs.dataProtection",
        )
    return document


# --- metric filters -------------------------------------------------------------------------


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


def _invocation_filters(logs: LogSettings, prefix: str) -> list[MetricFilterSpec]:
    by_model = ((cat.MODEL_ID, "$.modelId"),)
    base = (INVOCATION_RECORD, ("$.modelId", "= *"))

    def counted(key: str, metric: Metric, selector: str) -> MetricFilterSpec:
        # `>= 0` both requires the field and makes sure it is a number.
        return MetricFilterSpec(
            key, INVOCATIONS, f"{prefix}-{key}", json_pattern(*base, (selector, ">= 0")), metric, selector, by_model
        )

    filters = [
        MetricFilterSpec(
            "invocations-by-model",
            INVOCATIONS,
            f"{prefix}-invocations-by-model",
            json_pattern(*base),
            cat.LOGGED_INVOCATIONS,
            "1",
            by_model,
        ),
        counted("input-tokens-by-model", cat.LOGGED_INPUT_TOKENS, "$.input.inputTokenCount"),
        counted("output-tokens-by-model", cat.LOGGED_OUTPUT_TOKENS, "$.output.outputTokenCount"),
        counted("cache-read-tokens-by-model", cat.LOGGED_CACHE_READ_INPUT_TOKENS, "$.input.cacheReadInputTokenCount"),
        counted(
            "cache-write-tokens-by-model", cat.LOGGED_CACHE_WRITE_INPUT_TOKENS, "$.input.cacheWriteInputTokenCount"
        ),
        # No dimension, so a default of 0 is allowed: the metric then exists (at 0) whenever
        # records arrive, and an alarm on it never sits in INSUFFICIENT_DATA.
        MetricFilterSpec(
            "large-prompts",
            INVOCATIONS,
            f"{prefix}-large-prompts",
            json_pattern(INVOCATION_RECORD, ("$.input.inputTokenCount", f"> {logs.large_prompt_tokens}")),
            cat.LARGE_PROMPTS,
            "1",
            default_value=0.0,
        ),
    ]
    if logs.tenant_metadata_key:
        tenant = f"$.requestMetadata.{logs.tenant_metadata_key}"
        by_tenant = ((cat.TENANT, tenant),)
        tenant_base = (INVOCATION_RECORD, (tenant, "= *"))
        filters.append(
            MetricFilterSpec(
                "invocations-by-tenant",
                INVOCATIONS,
                f"{prefix}-invocations-by-tenant",
                json_pattern(*tenant_base),
                cat.LOGGED_INVOCATIONS,
                "1",
                by_tenant,
            )
        )
        for key, metric, selector in (
            ("input-tokens-by-tenant", cat.LOGGED_INPUT_TOKENS, "$.input.inputTokenCount"),
            ("output-tokens-by-tenant", cat.LOGGED_OUTPUT_TOKENS, "$.output.outputTokenCount"),
        ):
            pattern = json_pattern(*tenant_base, (selector, ">= 0"))
            filters.append(MetricFilterSpec(key, INVOCATIONS, f"{prefix}-{key}", pattern, metric, selector, by_tenant))
    return filters


def _application_filters(logs: LogSettings, prefix: str) -> list[MetricFilterSpec]:
    dims = ((cat.APPLICATION, "$.app"), (cat.MODEL_ID, "$.modelId"))
    base = (("$.schemaVersion", f"= {APPLICATION_SCHEMA_VERSION}"), ("$.app", "= *"), ("$.modelId", "= *"))

    def spec(key: str, metric: Metric, value: str, test: tuple[str, str] | None) -> MetricFilterSpec:
        pattern = json_pattern(*base, *([test] if test else []))
        metric = cat.in_namespace(metric, logs.application_namespace)
        return MetricFilterSpec(key, APPLICATION, f"{prefix}-{key}", pattern, metric, value, dims)

    return [
        spec("requests", cat.INFERENCE_REQUESTS, "1", None),
        spec("errors", cat.INFERENCE_ERRORS, "1", ("$.status", '= "error"')),
        spec("latency", cat.INFERENCE_LATENCY, "$.latencyMs", ("$.latencyMs", ">= 0")),
        spec(
            "time-to-first-token",
            cat.INFERENCE_TIME_TO_FIRST_TOKEN,
            "$.timeToFirstTokenMs",
            ("$.timeToFirstTokenMs", ">= 0"),
        ),
        spec("input-tokens", cat.INFERENCE_INPUT_TOKENS, "$.inputTokens", ("$.inputTokens", ">= 0")),
        spec("output-tokens", cat.INFERENCE_OUTPUT_TOKENS, "$.outputTokens", ("$.outputTokens", ">= 0")),
    ]


# --- saved queries --------------------------------------------------------------------------


def _queries(logs: LogSettings, folder: str) -> list[QuerySpec]:
    """Saved queries, in the console's query folder ``<project>/<stack>/...``.

    Invocation records are documented by AWS except ``errorCode``, which no AWS page lists but
    Elastic's Bedrock integration parses from real records (``aws_bedrock.invocation.error_code``);
    the error query filters on its presence, so it simply finds nothing if the field never comes.
    """
    inv, app = f"{folder}/Bedrock invocations", f"{folder}/Application"
    tokens = "sum(input.inputTokenCount) as inputTokens, sum(output.outputTokenCount) as outputTokens"
    queries = [
        QuerySpec(
            "calls-by-model-and-caller",
            INVOCATIONS,
            f"{inv}/Calls and tokens by model and caller",
            f"{_INSIGHTS_INVOCATION}\n| stats count(*) as calls, {tokens} by modelId, identity.arn\n"
            "| sort inputTokens desc\n| limit 100",
        ),
        QuerySpec(
            "largest-calls",
            INVOCATIONS,
            f"{inv}/Largest calls",
            f"{_INSIGHTS_INVOCATION}\n| fields input.inputTokenCount + output.outputTokenCount as totalTokens\n"
            "| sort totalTokens desc\n"
            "| display @timestamp, modelId, identity.arn, requestId, input.inputTokenCount, "
            "output.outputTokenCount, totalTokens\n| limit 50",
        ),
        QuerySpec(
            "invocation-errors",
            INVOCATIONS,
            f"{inv}/Errors by code",
            f"{_INSIGHTS_INVOCATION} and ispresent(errorCode)\n"
            "| stats count(*) as errors, latest(@timestamp) as lastSeen by errorCode, modelId, identity.arn\n"
            "| sort errors desc",
        ),
        # Masked values are stored masked: searching for them needs `unmask(@message)` and the
        # logs:Unmask permission. Replace the placeholder with the text to look for.
        QuerySpec(
            "prompt-search",
            INVOCATIONS,
            f"{inv}/Prompt and response search",
            f"{_INSIGHTS_INVOCATION}\n| filter @message like /(?i)REPLACE WITH SEARCH TEXT/\n"
            "| fields @timestamp, modelId, identity.arn, requestId, @message\n| sort @timestamp desc\n| limit 50",
        ),
        QuerySpec(
            "calls-by-app-and-model",
            APPLICATION,
            f"{app}/Calls, tokens and latency by app and model",
            f"{_INSIGHTS_APPLICATION}\n| stats count(*) as calls, sum(inputTokens) as inTokens, "
            "sum(outputTokens) as outTokens, avg(latencyMs) as avgLatencyMs, pct(latencyMs, 90) as p90LatencyMs "
            "by app, modelId\n| sort calls desc",
        ),
        QuerySpec(
            "slowest-calls",
            APPLICATION,
            f"{app}/Slowest calls",
            f"{_INSIGHTS_APPLICATION} and ispresent(latencyMs)\n| sort latencyMs desc\n"
            "| display @timestamp, app, modelId, operation, status, latencyMs, timeToFirstTokenMs, inputTokens, "
            "outputTokens, requestId\n| limit 50",
        ),
        QuerySpec(
            "application-errors",
            APPLICATION,
            f"{app}/Errors by code",
            f'{_INSIGHTS_APPLICATION} and status = "error"\n'
            "| stats count(*) as errors, latest(@timestamp) as lastSeen by errorCode, app, modelId\n"
            "| sort errors desc",
        ),
        QuerySpec(
            "application-usage-by-tenant",
            APPLICATION,
            f"{app}/Usage by tenant",
            f"{_INSIGHTS_APPLICATION} and ispresent(tenant)\n| stats count(*) as calls, sum(inputTokens) as inTokens, "
            "sum(outputTokens) as outTokens by tenant, app\n| sort inTokens desc",
        ),
    ]
    if logs.tenant_metadata_key:
        tenant = f"requestMetadata.{logs.tenant_metadata_key}"
        queries.append(
            QuerySpec(
                "usage-by-tenant",
                INVOCATIONS,
                f"{inv}/Usage by tenant",
                f"{_INSIGHTS_INVOCATION} and ispresent({tenant})\n"
                f"| stats count(*) as calls, {tokens} by {tenant}, modelId\n| sort inputTokens desc",
            )
        )
    return queries


# --- the whole spec -------------------------------------------------------------------------


def default_group_names(project: str, stack: str) -> dict[str, str]:
    return {
        INVOCATIONS: f"/{project}/{stack}/bedrock/model-invocations",
        APPLICATION: f"/{project}/{stack}/inference",
    }


def build_log_spec(settings: Settings, *, project: str, stack: str) -> LogSpec:
    """Everything the logs component creates, deterministically from the settings."""
    logs, region = settings.logs, settings.region
    defaults = default_group_names(project, stack)
    names = {
        INVOCATIONS: logs.invocation_log_group_name or defaults[INVOCATIONS],
        APPLICATION: logs.application_log_group_name or defaults[APPLICATION],
    }
    protection = logs.data_protection
    groups = tuple(
        LogGroupSpec(
            key,
            name,
            logs.retention_days,
            to_json(
                data_protection_policy(
                    region, f"{project}-{stack}-{key}", protection.identifiers, protection.custom_identifiers
                )
            ),
        )
        for key, name in names.items()
    )
    logging = None
    if logs.invocation_logging.enabled:
        bucket = logs.invocation_logging.large_data_s3
        logging = InvocationLoggingSpec(
            trust_policy=to_json(logging_role_trust_policy(region, ACCOUNT_ID_TOKEN)),
            permissions_policy=to_json(logging_role_permissions_policy(region, ACCOUNT_ID_TOKEN, names[INVOCATIONS])),
            data_types=tuple(logs.invocation_logging.data_types),
            large_data_bucket=bucket.bucket_name if bucket else None,
            large_data_key_prefix=bucket.key_prefix if bucket else "",
        )
    prefix, folder = f"{project}-{stack}", f"{project}/{stack}"
    filters = tuple(_invocation_filters(logs, prefix) + _application_filters(logs, prefix))
    for group in groups:
        count = sum(1 for f in filters if f.group == group.key)
        if count > MAX_FILTERS_PER_GROUP:
            raise LimitError(
                f"{count} metric filters on {group.name}; CloudWatch Logs allows {MAX_FILTERS_PER_GROUP}",
                f"{NAMESPACE}:logs",
            )
    return LogSpec(
        key_alias="alias/" + safe_name(f"{project}-{stack}-logs"),
        key_policy=to_json(key_policy(region, ACCOUNT_ID_TOKEN, list(names.values()))),
        groups=groups,
        protect=logs.protect,
        logging=logging,
        filters=filters,
        queries=tuple(_queries(logs, folder)),
        query_folder=folder,
    )


# --- dashboard rows -------------------------------------------------------------------------


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
            "Logged tokens by model",
            [
                _by(cat.LOGGED_INPUT_TOKENS, cat.BY_MODEL, "Sum", period, "lin", "in"),
                _by(cat.LOGGED_OUTPUT_TOKENS, cat.BY_MODEL, "Sum", period, "lout", "out"),
            ],
            region,
            period,
            y_label="Tokens",
        ),
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
                f"{_INSIGHTS_INVOCATION} | stats count(*) as calls, sum(input.inputTokenCount) as inputTokens, "
                "sum(output.outputTokenCount) as outputTokens by identity.arn | sort inputTokens desc | limit 10",
            ),
            region,
        ),
        log_table(
            "Recent invocation errors",
            _source(
                group,
                f"{_INSIGHTS_INVOCATION} and ispresent(errorCode) | sort @timestamp desc "
                "| display @timestamp, modelId, errorCode, identity.arn | limit 20",
            ),
            region,
        ),
    ]
    if logs.tenant_metadata_key:
        tenant = f"requestMetadata.{logs.tenant_metadata_key}"
        graphs.append(
            graph(
                "Calls and tokens by tenant",
                [
                    _by(cat.LOGGED_INVOCATIONS, cat.BY_TENANT, "Sum", period, "tcalls", "calls"),
                    _by(cat.LOGGED_INPUT_TOKENS, cat.BY_TENANT, "Sum", period, "tin", "in"),
                ],
                region,
                period,
            )
        )
        tables.insert(
            1,
            log_table(
                "Top tenants by input tokens",
                _source(
                    group,
                    f"{_INSIGHTS_INVOCATION} and ispresent({tenant}) | stats count(*) as calls, "
                    f"sum(input.inputTokenCount) as inputTokens by {tenant} | sort inputTokens desc | limit 10",
                ),
                region,
            ),
        )
    return [_spread(graphs), _spread(tables)]


def _application_rows(settings: Settings, spec: LogSpec) -> list[list[Widget]]:
    region, period, namespace = settings.region, settings.dashboard.period_seconds, settings.logs.application_namespace
    group = spec.group(APPLICATION)
    dims = cat.BY_APPLICATION_AND_MODEL

    def metric(m: Metric) -> Metric:
        return cat.in_namespace(m, namespace)

    graphs = [
        graph(
            "App latency p90 (ms)",
            [_by(metric(cat.INFERENCE_LATENCY), dims, "p90", period, "lat", "")],
            region,
            period,
            stat="p90",
            y_label="Milliseconds",
        ),
        graph(
            "App calls and errors",
            [
                _by(metric(cat.INFERENCE_REQUESTS), dims, "Sum", period, "req", "calls"),
                _by(metric(cat.INFERENCE_ERRORS), dims, "Sum", period, "err", "errors"),
            ],
            region,
            period,
            y_label="Count",
        ),
        graph(
            "App tokens",
            [
                _by(metric(cat.INFERENCE_INPUT_TOKENS), dims, "Sum", period, "ain", "in"),
                _by(metric(cat.INFERENCE_OUTPUT_TOKENS), dims, "Sum", period, "aout", "out"),
            ],
            region,
            period,
            y_label="Tokens",
        ),
    ]
    tables = [
        log_table(
            "Recent application errors",
            _source(
                group,
                f'{_INSIGHTS_APPLICATION} and status = "error" | sort @timestamp desc '
                "| display @timestamp, app, modelId, errorCode, requestId | limit 20",
            ),
            region,
        ),
        log_table(
            "Slowest application calls",
            _source(
                group,
                f"{_INSIGHTS_APPLICATION} and ispresent(latencyMs) | sort latencyMs desc "
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
        ownership = f"Bedrock delivers: metadata, {', '.join(spec.logging.data_types) or 'no bodies'}."
    header = text(
        f"## Logs\nInvocation logs `{invocations.name}`, application logs `{application.name}`: "
        f"kept {logs.retention_days} days, KMS-encrypted, masked: {masked}. {ownership} "
        f"Saved Logs Insights queries: folder `{spec.query_folder}`."
    )
    rows = [[header]]
    if spec.logging is not None:
        rows += _invocation_rows(settings, spec, spec.logging)
    rows += _application_rows(settings, spec)
    return rows
