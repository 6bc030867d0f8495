"""Bedrock's other CloudWatch surfaces, as data: agents, AgentCore, knowledge bases, batch inference,
the OpenAI/Anthropic-compatible ``bedrock-mantle`` endpoint, and the guardrails' automated-reasoning
checks. ``catalogue.py`` adds these to ``ALL_METRICS``; the dashboard sections
(``llm_monitor/dashboard/surfaces.py``, ``agents.py``) and the surface alarms read only these entries.

Every name was checked against AWS's documentation (checked 2026-12); the source is next to each
block. Where AWS's own pages disagree, both spellings are catalogued and every graph adds the two
(``FILL(x, 0)`` each), as for the prompt-cache metrics.
"""

from __future__ import annotations

from llm_monitor.metric import COUNT_STATS, LATENCY_STATS, Metric

# --- AWS/Bedrock/Agents (classic Bedrock Agents: InvokeAgent, InvokeInlineAgent) ------------------
# https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-agents-cw-metrics.html
# Dimensions (same page, "Dimension" table): Operation alone for every metric; Operation + ModelId
# for the model-level ones; Operation + AgentAliasArn + ModelId for every metric.
AGENTS_NAMESPACE = "AWS/Bedrock/Agents"
OPERATION = "Operation"
AGENT_ALIAS_ARN = "AgentAliasArn"
AGENT_OPERATIONS = ("InvokeAgent", "InvokeInlineAgent")
BY_OPERATION: tuple[str, ...] = (OPERATION,)
BY_OPERATION_MODEL: tuple[str, ...] = (OPERATION, "ModelId")
BY_AGENT_ALIAS: tuple[str, ...] = (OPERATION, AGENT_ALIAS_ARN, "ModelId")


def _agent(name: str, unit: str, stats: tuple[str, ...], description: str, *, per_model: bool) -> Metric:
    sets = (BY_OPERATION, BY_OPERATION_MODEL, BY_AGENT_ALIAS) if per_model else (BY_OPERATION, BY_AGENT_ALIAS)
    return Metric(AGENTS_NAMESPACE, name, unit, sets, stats, description)


AGENT_INVOCATION_COUNT = _agent(
    "InvocationCount", "Count", COUNT_STATS, "Requests to the agent API operation.", per_model=False
)
AGENT_TOTAL_TIME = _agent(
    "TotalTime", "Milliseconds", LATENCY_STATS, "Time the server took to process the request.", per_model=True
)
AGENT_TTFT = _agent(
    "TTFT", "Milliseconds", LATENCY_STATS, "Time to first token; streaming requests only.", per_model=False
)
AGENT_THROTTLES = _agent(
    "InvocationThrottles", "Count", COUNT_STATS, "Throttled agent requests (not counted as errors).", per_model=False
)
AGENT_SERVER_ERRORS = _agent(
    "InvocationServerErrors", "Count", COUNT_STATS, "Agent requests that ended in a server error.", per_model=False
)
AGENT_CLIENT_ERRORS = _agent(
    "InvocationClientErrors", "Count", COUNT_STATS, "Agent requests that ended in a client error.", per_model=False
)
AGENT_MODEL_LATENCY = _agent("ModelLatency", "Milliseconds", LATENCY_STATS, "Latency of the model.", per_model=True)
AGENT_MODEL_INVOCATIONS = _agent(
    "ModelInvocationCount", "Count", COUNT_STATS, "Requests the agent made to the model.", per_model=True
)
AGENT_MODEL_THROTTLES = _agent(
    "ModelInvocationThrottles", "Count", COUNT_STATS, "Model requests Bedrock throttled.", per_model=True
)
AGENT_MODEL_CLIENT_ERRORS = _agent(
    "ModelInvocationClientErrors", "Count", COUNT_STATS, "Model requests that ended in a client error.", per_model=True
)
AGENT_MODEL_SERVER_ERRORS = _agent(
    "ModelInvocationServerErrors", "Count", COUNT_STATS, "Model requests that ended in a server error.", per_model=True
)
AGENT_INPUT_TOKENS = _agent("InputTokenCount", "Count", ("Sum",), "Tokens into the model.", per_model=True)
# Conflict: the page's metric table spells it "outputTokenCount" (lower-case o), its dimension table
# "OutputTokenCount". CloudWatch names are case-sensitive, so both are catalogued and added.
AGENT_OUTPUT_TOKENS = _agent(
    "OutputTokenCount", "Count", ("Sum",), "Tokens out of the model (dimension-table spelling).", per_model=True
)
AGENT_OUTPUT_TOKENS_LOWER = _agent(
    "outputTokenCount", "Count", ("Sum",), "Tokens out of the model (metric-table spelling).", per_model=True
)
AGENT_OUTPUT_TOKEN_METRICS = (AGENT_OUTPUT_TOKENS, AGENT_OUTPUT_TOKENS_LOWER)
AGENT_METRICS: tuple[Metric, ...] = (
    AGENT_INVOCATION_COUNT,
    AGENT_TOTAL_TIME,
    AGENT_TTFT,
    AGENT_THROTTLES,
    AGENT_SERVER_ERRORS,
    AGENT_CLIENT_ERRORS,
    AGENT_MODEL_LATENCY,
    AGENT_MODEL_INVOCATIONS,
    AGENT_MODEL_THROTTLES,
    AGENT_MODEL_CLIENT_ERRORS,
    AGENT_MODEL_SERVER_ERRORS,
    AGENT_INPUT_TOKENS,
    *AGENT_OUTPUT_TOKEN_METRICS,
)

# --- Amazon Bedrock AgentCore (runtime, gateway, memory) ----------------------------------------
# Metric names: https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/observability-runtime-metrics.html
# (Invocations, Throttles, SystemErrors, UserErrors, Latency, Errors, Sessions, ActiveSessionCount),
# .../observability-gateway-metrics.html (the same counts, Latency, Duration, TargetExecutionTime),
# .../observability-memory-metrics.html (Invocations, Latency, SystemErrors, UserErrors, Errors).
# Namespace conflict: the CloudWatch user guide
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/view-observability-data-cloudwatch.html)
# says "bedrock-agentcore"; the AgentCore memory page
# (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/memory-observability.html) says
# "Bedrock-AgentCore"; Elastic's integration (elastic/integrations, packages/aws_bedrock_agentcore)
# polls "AWS/Bedrock-AgentCore". The namespace is a setting (``llm-monitor:surfaces.agentCore.namespace``);
# these entries carry the default and ``in_namespace`` moves them.
# Dimensions: the gateway page lists Operation, Protocol, Method, Resource (the resource ARN) and Name;
# public dashboards read runtime metrics by Resource alone. The dashboards therefore select series by
# resource type (a token of the Resource ARN: runtime, gateway, memory), not by an exact dimension set.
AGENTCORE_NAMESPACE = "Bedrock-AgentCore"
AGENTCORE_NAMESPACES = ("Bedrock-AgentCore", "bedrock-agentcore", "AWS/Bedrock-AgentCore")
"""Every spelling AWS's sources give; a configured namespace outside these is allowed but unverified."""
RESOURCE = "Resource"
_AGENTCORE_SETS: tuple[tuple[str, ...], ...] = (
    (RESOURCE,),
    (OPERATION, RESOURCE),
    ("Method", "Name", OPERATION, "Protocol", RESOURCE),
)


def _agentcore(name: str, unit: str, stats: tuple[str, ...], description: str) -> Metric:
    return Metric(AGENTCORE_NAMESPACE, name, unit, _AGENTCORE_SETS, stats, description)


AGENTCORE_INVOCATIONS = _agentcore("Invocations", "Count", COUNT_STATS, "Data-plane requests.")
AGENTCORE_SESSIONS = _agentcore("Sessions", "Count", ("Sum",), "New agent sessions created (runtime).")
AGENTCORE_THROTTLES = _agentcore("Throttles", "Count", COUNT_STATS, "Requests throttled (429).")
AGENTCORE_SYSTEM_ERRORS = _agentcore("SystemErrors", "Count", COUNT_STATS, "Requests that failed with a 5xx.")
AGENTCORE_USER_ERRORS = _agentcore(
    "UserErrors", "Count", COUNT_STATS, "Requests that failed with a 4xx other than 429."
)
AGENTCORE_LATENCY = _agentcore("Latency", "Milliseconds", LATENCY_STATS, "Request latency.")
AGENTCORE_METRICS: tuple[Metric, ...] = (
    AGENTCORE_INVOCATIONS,
    AGENTCORE_SESSIONS,
    AGENTCORE_THROTTLES,
    AGENTCORE_SYSTEM_ERRORS,
    AGENTCORE_USER_ERRORS,
    AGENTCORE_LATENCY,
)
#: Resource types the dashboard shows, as the token each one's ARN carries (``arn:...:runtime/...``).
AGENTCORE_RESOURCE_TYPES = ("runtime", "gateway", "memory")

# --- AWS/Bedrock/KnowledgeBases (managed knowledge bases) --------------------------------------
# https://docs.aws.amazon.com/bedrock/latest/userguide/kb-managed-observability.html: Invocations,
# ClientErrors, ServerErrors, Throttles (Count; the last three published only when they occur;
# throttles are not errors). The page as stored names no dimension; public code that reads the
# namespace live uses KnowledgeBaseId + Operation (Operation=Retrieve).
KNOWLEDGE_BASES_NAMESPACE = "AWS/Bedrock/KnowledgeBases"
BY_KNOWLEDGE_BASE: tuple[str, ...] = ("KnowledgeBaseId", OPERATION)


def _kb(name: str, description: str) -> Metric:
    return Metric(KNOWLEDGE_BASES_NAMESPACE, name, "Count", (BY_KNOWLEDGE_BASE,), COUNT_STATS, description)


KB_INVOCATIONS = _kb("Invocations", "Requests to the knowledge-base operation, failed ones included.")
KB_CLIENT_ERRORS = _kb("ClientErrors", "Requests that failed with a 4xx other than throttling.")
KB_SERVER_ERRORS = _kb("ServerErrors", "Requests that failed with a 5xx.")
KB_THROTTLES = _kb("Throttles", "Requests throttled (429); not counted as errors.")
KNOWLEDGE_BASE_METRICS: tuple[Metric, ...] = (KB_INVOCATIONS, KB_CLIENT_ERRORS, KB_SERVER_ERRORS, KB_THROTTLES)

# --- AWS/Bedrock/Batch (batch inference jobs) -------------------------------------------------
# https://aws.amazon.com/blogs/machine-learning/monitor-amazon-bedrock-batch-inference-using-amazon-cloudwatch-metrics
# (AWS ML blog, 18 Sep 2025): per ModelId, account-level progress of submitted jobs.
BATCH_NAMESPACE = "AWS/Bedrock/Batch"


def _batch(name: str, description: str) -> Metric:
    return Metric(BATCH_NAMESPACE, name, "Count", (("ModelId",),), ("Maximum", "Average", "Minimum"), description)


BATCH_RECORDS_PENDING = _batch("NumberOfRecordsPendingProcessing", "Records of submitted jobs not processed yet.")
BATCH_TOKENS_PENDING = _batch(
    "NumberOfTokensPendingProcessing", "Tokens of submitted jobs not processed yet (Anthropic models)."
)
BATCH_INPUT_TOKENS_PER_MINUTE = _batch("NumberOfInputTokensProcessedPerMinute", "Input tokens processed per minute.")
BATCH_OUTPUT_TOKENS_PER_MINUTE = _batch("NumberOfOutputTokensProcessedPerMinute", "Output tokens processed per minute.")
BATCH_METRICS: tuple[Metric, ...] = (
    BATCH_RECORDS_PENDING,
    BATCH_TOKENS_PENDING,
    BATCH_INPUT_TOKENS_PER_MINUTE,
    BATCH_OUTPUT_TOKENS_PER_MINUTE,
)

# --- AWS/BedrockMantle (the OpenAI/Anthropic-compatible bedrock-mantle endpoint) -----------------
# https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-mantle-metrics.html: four levels,
# Account (no dimension), Project, Model, Project + Model. Inferences and InferenceClientErrors and the
# token totals at every level. AWS publishes no server-error, throttle, latency or time-to-first-token
# metric here, and bedrock-mantle traffic never appears in AWS/Bedrock.
MANTLE_NAMESPACE = "AWS/BedrockMantle"
MODEL = "Model"
PROJECT = "Project"
_MANTLE_LEVELS: tuple[tuple[str, ...], ...] = ((), (PROJECT,), (MODEL,), (MODEL, PROJECT))


def _mantle(name: str, description: str) -> Metric:
    return Metric(MANTLE_NAMESPACE, name, "Count", _MANTLE_LEVELS, COUNT_STATS, description)


MANTLE_INFERENCES = _mantle("Inferences", "Completed inference requests (Responses, Chat Completions, Messages).")
MANTLE_CLIENT_ERRORS = _mantle("InferenceClientErrors", "Inference requests that failed with a 4xx (429 included).")
MANTLE_INPUT_TOKENS = _mantle("TotalInputTokens", "Input tokens.")
MANTLE_OUTPUT_TOKENS = _mantle("TotalOutputTokens", "Output tokens.")
MANTLE_METRICS: tuple[Metric, ...] = (
    MANTLE_INFERENCES,
    MANTLE_CLIENT_ERRORS,
    MANTLE_INPUT_TOKENS,
    MANTLE_OUTPUT_TOKENS,
)

# --- AWS/Bedrock/Guardrails: automated-reasoning checks ---------------------------------------
# https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-guardrails-cw-metrics.html:
# FindingCounts (per FindingType), TotalFindings, and Latency of InvokeAutomatedReasoningCheck (its
# Invocations share the guardrail metric's name: catalogue.GUARDRAIL_INVOCATIONS).
GUARDRAILS_NAMESPACE = "AWS/Bedrock/Guardrails"
BY_POLICY: tuple[str, ...] = ("PolicyArn", "PolicyVersion")
BY_FINDING: tuple[str, ...] = ("FindingType", "PolicyArn", "PolicyVersion")
AR_FINDING_COUNTS = Metric(
    GUARDRAILS_NAMESPACE,
    "FindingCounts",
    "Count",
    (BY_FINDING, ("FindingType", "GuardrailArn", "GuardrailVersion")),
    ("Sum",),
    "Automated-reasoning findings, per finding type.",
)
AR_TOTAL_FINDINGS = Metric(
    GUARDRAILS_NAMESPACE, "TotalFindings", "Count", (BY_POLICY,), ("Sum",), "Findings per automated-reasoning check."
)
AR_LATENCY = Metric(
    GUARDRAILS_NAMESPACE, "Latency", "Milliseconds", (BY_POLICY,), LATENCY_STATS, "Automated-reasoning check latency."
)
AUTOMATED_REASONING_METRICS: tuple[Metric, ...] = (AR_FINDING_COUNTS, AR_TOTAL_FINDINGS, AR_LATENCY)

SURFACE_METRICS: tuple[Metric, ...] = (
    AGENT_METRICS + AGENTCORE_METRICS + KNOWLEDGE_BASE_METRICS + BATCH_METRICS + MANTLE_METRICS
) + AUTOMATED_REASONING_METRICS
