"""Amazon Bedrock's CloudWatch metrics, as data.

Every dashboard widget, alarm and cost figure is generated from the definitions here; no other
module spells a Bedrock metric name. Sources (checked 2026-11):

- https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
- https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-guardrails-cw-metrics.html
- https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html (delivery metrics)
- AWS ML blog, Mar 2026: "new CloudWatch metrics for TTFT and estimated quota consumption".
- https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html (service tiers;
  copy of 2026-02): "You can also view service tier metrics in Amazon CloudWatch Metrics under
  ModelId, ServiceTier, and ResolvedServiceTier, where ResolvedServiceTier shows the actual tier
  that served your requests". An earlier revision described the metrics as "model-id+priority" and
  "model-id+flex"; the current one is catalogued.

Units are CloudWatch ``StandardUnit`` values. The Bedrock user guide's unit column says
"SampleCount" for the counting metrics in one revision and "Count" in another; both mean "a
count of events", which CloudWatch stores as ``Count``. Alarms never set ``Unit`` (a wrong unit
leaves an alarm in INSUFFICIENT_DATA), so the value here only labels axes.
"""

from __future__ import annotations

from dataclasses import replace

from llm_monitor.catalogue_surfaces import SURFACE_METRICS
from llm_monitor.metric import Metric

RUNTIME_NAMESPACE = "AWS/Bedrock"
GUARDRAILS_NAMESPACE = "AWS/Bedrock/Guardrails"

MODEL_ID = "ModelId"
#: The dimension set every Bedrock runtime metric is published with.
BY_MODEL: tuple[str, ...] = (MODEL_ID,)
#: The tier a request asked for (the runtime APIs' ``serviceTier``) and the tier that served it.
SERVICE_TIER = "ServiceTier"
RESOLVED_SERVICE_TIER = "ResolvedServiceTier"
#: The service-tier dimension set (service-tiers-inference.html). The page does not list which
#: runtime metrics carry it; it is catalogued for every runtime metric with a ModelId-only series
#: (the tier series split those; the ModelId series stays the total of every tier).
BY_MODEL_AND_TIER: tuple[str, ...] = (MODEL_ID, SERVICE_TIER, RESOLVED_SERVICE_TIER)
#: ServiceTier and ResolvedServiceTier values: botocore ``bedrock-runtime`` ``ServiceTierType``
#: (``priority``, ``default``, ``flex``, ``reserved``). ``default`` is the Standard tier, which
#: serves a request that names no tier; Reserved overflows to it when the reservation is used up.
TIER_RESERVED, TIER_PRIORITY, TIER_DEFAULT, TIER_FLEX = "reserved", "priority", "default", "flex"
TIERS: tuple[str, ...] = (TIER_RESERVED, TIER_PRIORITY, TIER_DEFAULT, TIER_FLEX)
#: Published "across all model IDs": the invocation-logging delivery metrics carry no dimension.
NO_DIMENSIONS: tuple[str, ...] = ()


_COUNT_STATS = ("Sum", "SampleCount", "Maximum")
_LATENCY_STATS = ("p50", "p90", "p99", "Average", "Maximum")


def _runtime(name: str, unit: str, stats: tuple[str, ...], description: str) -> Metric:
    return Metric(RUNTIME_NAMESPACE, name, unit, (BY_MODEL, BY_MODEL_AND_TIER), stats, description)


# --- AWS/Bedrock runtime metrics (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream)

INVOCATIONS = _runtime(
    "Invocations",
    "Count",
    _COUNT_STATS,
    # Two revisions of the user guide disagree: the older says "successful requests", the newer
    # "requests Bedrock accepted, including ones that later failed with a client or server error;
    # excludes throttled requests and requests rejected by input validation".
    "Requests to the runtime APIs that Bedrock accepted (throttled requests are not counted).",
)
INVOCATION_LATENCY = _runtime(
    "InvocationLatency",
    "Milliseconds",
    _LATENCY_STATS,
    "Time from sending the request to receiving the last token.",
)
INVOCATION_CLIENT_ERRORS = _runtime(
    "InvocationClientErrors", "Count", _COUNT_STATS, "Invocations that ended in a client-side error."
)
INVOCATION_SERVER_ERRORS = _runtime(
    "InvocationServerErrors", "Count", _COUNT_STATS, "Invocations that ended in an AWS server-side error."
)
INVOCATION_THROTTLES = _runtime(
    "InvocationThrottles",
    "Count",
    _COUNT_STATS,
    "Throttled invocations. Counted neither as Invocations nor as errors; what is seen depends "
    "on the SDK's retry settings.",
)
INPUT_TOKEN_COUNT = _runtime("InputTokenCount", "Count", ("Sum", "Average", "Maximum"), "Input tokens.")
# p50 of OutputTokenCount (per call) is the numerator of AWS's output-tokens-per-second figure.
OUTPUT_TOKEN_COUNT = _runtime("OutputTokenCount", "Count", ("Sum", "Average", "Maximum", "p50"), "Output tokens.")
# Prompt-cache token metrics: the current user guide names them CacheReadInputTokens and
# CacheWriteInputTokens; the AWS ML blog "Effectively use prompt caching on Amazon Bedrock" (2025)
# and its console screenshots show CacheReadInputTokenCount and CacheWriteInputTokenCount. Both
# spellings are catalogued and every widget and alarm adds the two together (FILL(x, 0) each), so
# the figures are right whichever name an account receives.
CACHE_READ_INPUT_TOKENS = _runtime(
    "CacheReadInputTokens", "Count", ("Sum",), "Input tokens read from the prompt cache (user-guide name)."
)
CACHE_READ_INPUT_TOKEN_COUNT = _runtime(
    "CacheReadInputTokenCount", "Count", ("Sum",), "Input tokens read from the prompt cache (blog name)."
)
CACHE_WRITE_INPUT_TOKENS = _runtime(
    "CacheWriteInputTokens", "Count", ("Sum",), "Input tokens written to the prompt cache (user-guide name)."
)
CACHE_WRITE_INPUT_TOKEN_COUNT = _runtime(
    "CacheWriteInputTokenCount", "Count", ("Sum",), "Input tokens written to the prompt cache (blog name)."
)
CACHE_READ_METRICS = (CACHE_READ_INPUT_TOKENS, CACHE_READ_INPUT_TOKEN_COUNT)
CACHE_WRITE_METRICS = (CACHE_WRITE_INPUT_TOKENS, CACHE_WRITE_INPUT_TOKEN_COUNT)

OUTPUT_IMAGE_COUNT = Metric(
    RUNTIME_NAMESPACE,
    "OutputImageCount",
    "Count",
    # Published only with the image dimensions: a ModelId-only series does not exist, so widgets
    # must SEARCH across ImageSize and BucketedStepSize and add the series up.
    ((MODEL_ID, "ImageSize", "BucketedStepSize"),),
    ("Sum",),
    "Images produced (image-generation models only).",
)
LEGACY_MODEL_INVOCATIONS = _runtime(
    "LegacyModelInvocations", "Count", ("Sum",), "Invocations of models in the Legacy lifecycle state."
)
TIME_TO_FIRST_TOKEN = _runtime(
    "TimeToFirstToken",
    "Milliseconds",
    _LATENCY_STATS,
    "Time from sending the request to the first token; streaming APIs only "
    "(ConverseStream, InvokeModelWithResponseStream), successful requests only.",
)
ESTIMATED_TPM_QUOTA_USAGE = _runtime(
    "EstimatedTPMQuotaUsage",
    "Count",
    ("Sum", "Maximum"),
    "Estimated tokens-per-minute quota consumption (includes cache writes and output burndown "
    "multipliers). An approximation: it does not show the up-front reservation that drives throttling.",
)

RUNTIME_METRICS: tuple[Metric, ...] = (
    INVOCATIONS,
    INVOCATION_LATENCY,
    INVOCATION_CLIENT_ERRORS,
    INVOCATION_SERVER_ERRORS,
    INVOCATION_THROTTLES,
    INPUT_TOKEN_COUNT,
    OUTPUT_TOKEN_COUNT,
    *CACHE_READ_METRICS,
    *CACHE_WRITE_METRICS,
    OUTPUT_IMAGE_COUNT,
    LEGACY_MODEL_INVOCATIONS,
    TIME_TO_FIRST_TOKEN,
    ESTIMATED_TPM_QUOTA_USAGE,
)

# --- Model invocation logging delivery (AWS/Bedrock, no dimension)


def _delivery(name: str, description: str) -> Metric:
    return Metric(RUNTIME_NAMESPACE, name, "Count", (NO_DIMENSIONS,), ("Sum",), description)


LOGS_CLOUDWATCH_DELIVERY_SUCCESS = _delivery(
    "ModelInvocationLogsCloudWatchDeliverySuccess", "Invocation log records delivered to CloudWatch Logs."
)
LOGS_CLOUDWATCH_DELIVERY_FAILURE = _delivery(
    "ModelInvocationLogsCloudWatchDeliveryFailure", "Invocation log records that failed to reach CloudWatch Logs."
)
LOGS_S3_DELIVERY_SUCCESS = _delivery("ModelInvocationLogsS3DeliverySuccess", "Invocation log records delivered to S3.")
LOGS_S3_DELIVERY_FAILURE = _delivery(
    "ModelInvocationLogsS3DeliveryFailure", "Invocation log records that failed to reach S3."
)
LARGE_DATA_S3_DELIVERY_SUCCESS = _delivery(
    "ModelInvocationLargeDataS3DeliverySuccess", "Large request/response bodies delivered to S3."
)
LARGE_DATA_S3_DELIVERY_FAILURE = _delivery(
    "ModelInvocationLargeDataS3DeliveryFailure", "Large request/response bodies that failed to reach S3."
)

DELIVERY_METRICS: tuple[Metric, ...] = (
    LOGS_CLOUDWATCH_DELIVERY_SUCCESS,
    LOGS_CLOUDWATCH_DELIVERY_FAILURE,
    LOGS_S3_DELIVERY_SUCCESS,
    LOGS_S3_DELIVERY_FAILURE,
    LARGE_DATA_S3_DELIVERY_SUCCESS,
    LARGE_DATA_S3_DELIVERY_FAILURE,
)

# --- AWS/Bedrock/Guardrails (ApplyGuardrail, and guardrails attached to model calls)

GUARDRAIL_ARN_VERSION: tuple[str, ...] = ("GuardrailArn", "GuardrailVersion")
_GUARDRAIL_DIMENSION_SETS: tuple[tuple[str, ...], ...] = (
    ("Operation",),
    ("Operation", "GuardrailContentSource"),
    ("Operation", "GuardrailPolicyType"),
    GUARDRAIL_ARN_VERSION,
)


def _guardrail(name: str, unit: str, stats: tuple[str, ...], description: str) -> Metric:
    return Metric(GUARDRAILS_NAMESPACE, name, unit, _GUARDRAIL_DIMENSION_SETS, stats, description)


# The same name counts InvokeAutomatedReasoningCheck requests, per policy ARN and version (the guide's
# "Invocations (AutomatedReasoning)" row): one metric, one more dimension set.
GUARDRAIL_INVOCATIONS = Metric(
    GUARDRAILS_NAMESPACE,
    "Invocations",
    "Count",
    (*_GUARDRAIL_DIMENSION_SETS, ("PolicyArn", "PolicyVersion")),
    _COUNT_STATS,
    "Guardrail evaluations requested (and, per automated-reasoning policy, automated-reasoning checks).",
)
GUARDRAIL_INVOCATION_LATENCY = _guardrail(
    "InvocationLatency", "Milliseconds", _LATENCY_STATS, "Guardrail evaluation latency."
)
GUARDRAIL_CLIENT_ERRORS = _guardrail("InvocationClientErrors", "Count", _COUNT_STATS, "Guardrail client errors.")
GUARDRAIL_SERVER_ERRORS = _guardrail("InvocationServerErrors", "Count", _COUNT_STATS, "Guardrail server errors.")
GUARDRAIL_THROTTLES = _guardrail("InvocationThrottles", "Count", _COUNT_STATS, "Throttled guardrail evaluations.")
GUARDRAIL_TEXT_UNIT_COUNT = _guardrail(
    "TextUnitCount", "Count", ("Sum",), "Text units consumed by guardrail policies (what guardrails bill by)."
)
GUARDRAIL_INVOCATIONS_INTERVENED = _guardrail(
    "InvocationsIntervened", "Count", ("Sum",), "Evaluations in which the guardrail intervened (blocked or masked)."
)

GUARDRAIL_METRICS: tuple[Metric, ...] = (
    GUARDRAIL_INVOCATIONS,
    GUARDRAIL_INVOCATION_LATENCY,
    GUARDRAIL_CLIENT_ERRORS,
    GUARDRAIL_SERVER_ERRORS,
    GUARDRAIL_THROTTLES,
    GUARDRAIL_TEXT_UNIT_COUNT,
    GUARDRAIL_INVOCATIONS_INTERVENED,
)

# --- AWS/SNS: the alarm topic's own deliveries (SNS developer guide, "Monitoring Amazon SNS topics
# using CloudWatch": NumberOfNotificationsFailed, dimension TopicName, statistic Sum).

SNS_NAMESPACE = "AWS/SNS"
TOPIC_NAME = "TopicName"
NOTIFICATIONS_FAILED = Metric(
    SNS_NAMESPACE,
    "NumberOfNotificationsFailed",
    "Count",
    ((TOPIC_NAME,),),
    ("Sum",),
    "Messages SNS failed to deliver to the topic's subscribers (after its retries).",
)

# The other Bedrock surfaces (agents, AgentCore, knowledge bases, batch, bedrock-mantle and the
# guardrails' automated-reasoning checks) are catalogued in ``catalogue_surfaces.py``.
ALL_METRICS: tuple[Metric, ...] = (
    RUNTIME_METRICS + DELIVERY_METRICS + GUARDRAIL_METRICS + SURFACE_METRICS + (NOTIFICATIONS_FAILED,)
)

CATALOGUE: dict[tuple[str, str], Metric] = {m.key: m for m in ALL_METRICS}


# =============================================================================================
# Metrics this project creates itself, with CloudWatch Logs metric filters (not published by
# AWS; not in ALL_METRICS / CATALOGUE, which hold what Bedrock publishes). Every filter spec and
# widget refers to these entries.
# =============================================================================================

#: Metrics taken from Bedrock model invocation logs.
INVOCATION_LOGS_NAMESPACE = "LLM/InvocationLogs"
#: Default namespace of the metrics taken from application inference logs (configurable:
#: ``llm-monitor:logs.applicationNamespace``; see ``in_namespace``).
APPLICATION_NAMESPACE = "LLM/Inference"

TENANT = "Tenant"
APPLICATION = "Application"
#: Tenant = the configured ``requestMetadata`` key of each invocation-log record.
BY_TENANT: tuple[str, ...] = (TENANT,)
#: Application = the ``app`` field of an application log line; ModelId its ``modelId`` field.
BY_APPLICATION: tuple[str, ...] = (APPLICATION,)
BY_APPLICATION_AND_MODEL: tuple[str, ...] = (APPLICATION, MODEL_ID)


def _logged(name: str, dimension_sets: tuple[tuple[str, ...], ...], description: str) -> Metric:
    return Metric(INVOCATION_LOGS_NAMESPACE, name, "Count", dimension_sets, ("Sum",), description)


# Calls and tokens by model are AWS/Bedrock's own (free) runtime metrics; by tenant, a Contributor
# Insights rule on the invocation log group (log_contributors.py): one custom metric per tenant
# would cost $0.30 a month per tenant and metric.
LARGE_PROMPTS = _logged(
    "LargePrompts",
    (NO_DIMENSIONS,),
    "Invocations whose input token count exceeds llm-monitor:logs.largePromptTokens (0 for every other record).",
)
INVOCATION_LOG_METRICS: tuple[Metric, ...] = (LARGE_PROMPTS,)


def _inference(name: str, unit: str, stats: tuple[str, ...], description: str) -> Metric:
    return Metric(APPLICATION_NAMESPACE, name, unit, (BY_APPLICATION_AND_MODEL,), stats, description)


# Calls and errors are published per model and per application, as two separate series (they add
# up instead of multiplying: models + applications series, not models × applications); the
# alarms read them per model and per application.
INFERENCE_REQUESTS = Metric(
    APPLICATION_NAMESPACE,
    "InferenceRequests",
    "Count",
    (BY_MODEL, BY_APPLICATION),
    ("Sum",),
    "LLM calls the application logged, by model and by application.",
)
INFERENCE_ERRORS = Metric(
    APPLICATION_NAMESPACE,
    "InferenceErrors",
    "Count",
    (BY_MODEL, BY_APPLICATION),
    ("Sum",),
    'Logged calls with status "error", by model and by application.',
)
# Latency is published per model (what a model's graph shows); with logs.applicationPairMetrics,
# it and the rest also per (application, model) pair: applications × models series, each billed.
INFERENCE_LATENCY = Metric(
    APPLICATION_NAMESPACE,
    "InferenceLatency",
    "Milliseconds",
    (BY_MODEL, BY_APPLICATION_AND_MODEL),
    _LATENCY_STATS,
    "latencyMs: the call's duration as the application saw it, by model (and by application and model).",
)
INFERENCE_TIME_TO_FIRST_TOKEN = _inference(
    "InferenceTimeToFirstToken", "Milliseconds", _LATENCY_STATS, "timeToFirstTokenMs of streaming calls."
)
INFERENCE_INPUT_TOKENS = _inference("InputTokens", "Count", ("Sum", "Average"), "inputTokens of logged calls.")
INFERENCE_OUTPUT_TOKENS = _inference("OutputTokens", "Count", ("Sum", "Average"), "outputTokens of logged calls.")
APPLICATION_METRICS: tuple[Metric, ...] = (
    INFERENCE_REQUESTS,
    INFERENCE_ERRORS,
    INFERENCE_LATENCY,
    INFERENCE_TIME_TO_FIRST_TOKEN,
    INFERENCE_INPUT_TOKENS,
    INFERENCE_OUTPUT_TOKENS,
)

LOG_METRICS: tuple[Metric, ...] = INVOCATION_LOG_METRICS + APPLICATION_METRICS


def lookup(namespace: str, name: str) -> Metric:
    """The catalogued metric, AWS's or this project's own (in its default namespace), or KeyError
    naming what is unknown."""
    for metric in (*ALL_METRICS, *LOG_METRICS):
        if metric.key == (namespace, name):
            return metric
    raise KeyError(f"{namespace}/{name} is not a catalogued metric")


def in_namespace(metric: Metric, namespace: str) -> Metric:
    """``metric`` published under another namespace (the configured application namespace)."""
    return replace(metric, namespace=namespace)
