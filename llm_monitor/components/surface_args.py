"""The ``surfaces`` arguments of ``BedrockMonitoringArgs``: Bedrock's surfaces beyond the models.

Mirrors ``llm_monitor/config/surfaces.py`` and ``surface_alarms.py`` field for field
(tests/test_monitoring_args.py). No ``from __future__ import annotations``: Pulumi's schema
analyzer reads the annotations as objects.
"""

from enum import StrEnum
from typing import Required, TypedDict

from llm_monitor.components.alarm_args import AlarmRuleArgs, ErrorRateAlarmArgs


class AgentOperation(StrEnum):
    """The agent operation an alias's series are published under."""

    INVOKE_AGENT = "InvokeAgent"
    INVOKE_INLINE_AGENT = "InvokeInlineAgent"


class AgentAliasArgs(TypedDict, total=False):
    """One agent alias whose series (Operation + AgentAliasArn + ModelId) get their own graphs."""

    name: Required[str]
    """Label on the dashboard."""
    alias_arn: Required[str]
    """The alias's ARN, as Bedrock publishes it in AgentAliasArn."""
    model_id: Required[str]
    """The model the agent calls, as Bedrock publishes it."""
    operation: AgentOperation
    """InvokeAgent or InvokeInlineAgent."""


class AgentsArgs(TypedDict, total=False):
    """AWS/Bedrock/Agents: every agent by operation, and the listed aliases one by one."""

    enabled: bool
    """Show the section."""
    aliases: list[AgentAliasArgs]
    """Aliases with graphs of their own."""


class AgentCoreArgs(TypedDict, total=False):
    """Amazon Bedrock AgentCore runtime, gateway and memory metrics."""

    enabled: bool
    """Show the section."""
    namespace: str
    """The namespace the account's AgentCore metrics are in (check with aws cloudwatch list-metrics)."""


class SwitchArgs(TypedDict, total=False):
    """A section with nothing to configure but whether it is shown."""

    enabled: bool
    """Show the section."""


class BatchStalledAlarmArgs(AlarmRuleArgs, total=False):
    """Batch work pending and none processed for a whole period: the queue stopped shrinking."""


class BatchArgs(TypedDict, total=False):
    """AWS/Bedrock/Batch: queued and processed work of batch inference jobs, per ModelId."""

    enabled: bool
    """Show the section."""
    model_ids: list[str]
    """Models whose batch queues are graphed and alarmed on."""
    stalled: BatchStalledAlarmArgs
    """The stalled-queue alarm, one per listed model."""


class GuardrailErrorsAlarmArgs(ErrorRateAlarmArgs, total=False):
    """ApplyGuardrail client plus server errors as a percentage of evaluations (pages)."""


class GuardrailInterventionRateAlarmArgs(AlarmRuleArgs, total=False):
    """Evaluations in which a guardrail intervened, as a percentage of evaluations."""

    threshold: float
    """Percent."""
    min_interventions: int
    """Interventions a period needs to breach."""


class GuardrailLatencyAlarmArgs(AlarmRuleArgs, total=False):
    """ApplyGuardrail InvocationLatency percentile above ``threshold`` ms."""

    statistic: str
    """Percentile to watch."""
    threshold: float
    """Milliseconds."""


class GuardrailAlarmsArgs(TypedDict, total=False):
    """Alarms on every guardrail evaluation in the Region."""

    errors: GuardrailErrorsAlarmArgs
    intervention_rate: GuardrailInterventionRateAlarmArgs
    latency: GuardrailLatencyAlarmArgs


class GuardrailDepthArgs(TypedDict, total=False):
    """Guardrails in depth: by policy type and content source, automated reasoning, and alarms."""

    enabled: bool
    """Show the section and create its alarms."""
    alarms: GuardrailAlarmsArgs
    """The guardrail alarms."""


class SurfacesArgs(TypedDict, total=False):
    """Bedrock's surfaces beyond the models, each off by default."""

    agents: AgentsArgs
    agent_core: AgentCoreArgs
    knowledge_bases: SwitchArgs
    batch: BatchArgs
    mantle: SwitchArgs
    guardrails: GuardrailDepthArgs
