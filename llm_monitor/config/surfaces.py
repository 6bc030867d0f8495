"""``llm-monitor:surfaces``: Bedrock's surfaces beyond the runtime models, each one opt-in.

Each block has ``enabled`` (default false): a stack that turns none on builds exactly what it built
before. Every section is generated from ``llm_monitor/catalogue_surfaces.py``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from llm_monitor.config.alarm_kinds import AlarmRule
from llm_monitor.config.alarms import window_problem
from llm_monitor.config.base import Section, repeated
from llm_monitor.config.models import NAME_PATTERN, check_model_id
from llm_monitor.config.surface_alarms import (
    BatchStalledAlarm,
    GuardrailErrorsAlarm,
    GuardrailInterventionRateAlarm,
    GuardrailLatencyAlarm,
)

#: An agent alias ARN (botocore bedrock-agent ``AgentAliasArn``:
#: ``arn:aws:bedrock:{region}:{account}:agent-alias/[0-9a-zA-Z]{10}/[0-9a-zA-Z]{10}``).
AGENT_ALIAS_ARN = re.compile(
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:agent-alias/[0-9a-zA-Z]{10}/[0-9a-zA-Z]{10}"
)
#: A CloudWatch namespace (PutMetricData ``Namespace``: 1-255 of ``[^:].*``; these are the characters
#: AWS's own namespaces use).
NAMESPACE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/#-]{0,254}$"


class AgentAlias(Section):
    """One agent alias whose series (Operation + AgentAliasArn + ModelId) get their own graphs."""

    name: str = Field(pattern=NAME_PATTERN)
    """Label on the dashboard."""
    alias_arn: str
    model_id: str
    """The model the agent calls, as Bedrock publishes it (the agent's foundation model or profile ID)."""
    operation: Literal["InvokeAgent", "InvokeInlineAgent"] = "InvokeAgent"

    @field_validator("alias_arn")
    @classmethod
    def _arn(cls, value: str) -> str:
        if not AGENT_ALIAS_ARN.fullmatch(value):
            raise ValueError(
                "not an agent alias ARN; expected arn:aws:bedrock:<region>:<account>:agent-alias/<agentId>/<aliasId> "
                "(ids of 10 letters or digits)"
            )
        return value

    @field_validator("model_id")
    @classmethod
    def _model(cls, value: str) -> str:
        return check_model_id(value)


class AgentsSettings(Section):
    """``AWS/Bedrock/Agents``: every agent by Operation, and the listed aliases one by one."""

    enabled: bool = False
    aliases: list[AgentAlias] = Field(default_factory=list, max_length=20)

    @field_validator("aliases")
    @classmethod
    def _unique(cls, aliases: list[AgentAlias]) -> list[AgentAlias]:
        for attribute in ("name", "alias_arn"):
            twice = repeated(getattr(a, attribute) for a in aliases)
            if twice:
                raise ValueError(f"{attribute} repeats: {', '.join(twice)}")
        return aliases


class AgentCoreSettings(Section):
    """Amazon Bedrock AgentCore runtime, gateway and memory metrics."""

    enabled: bool = False
    namespace: str = Field(default="Bedrock-AgentCore", pattern=NAMESPACE_PATTERN)
    """Where this account's AgentCore metrics are. AWS's pages disagree (``bedrock-agentcore``,
    ``Bedrock-AgentCore``, ``AWS/Bedrock-AgentCore``); check with ``aws cloudwatch list-metrics``."""


class Switch(Section):
    """A section with nothing to configure but whether it is shown."""

    enabled: bool = False


class BatchSettings(Section):
    """``AWS/Bedrock/Batch``: queued and processed work of batch inference jobs, per ModelId."""

    enabled: bool = False
    model_ids: list[str] = Field(default_factory=list, max_length=20)
    """Models whose batch queue gets a stalled-queue alarm (alarms cannot search; the graphs show every model)."""
    stalled: BatchStalledAlarm = BatchStalledAlarm()

    @field_validator("model_ids")
    @classmethod
    def _ids(cls, ids: list[str]) -> list[str]:
        for value in ids:
            check_model_id(value)
        twice = repeated(ids)
        if twice:
            raise ValueError(f"repeats: {', '.join(twice)}")
        return ids

    @field_validator("stalled")
    @classmethod
    def _window(cls, rule: AlarmRule) -> AlarmRule:
        return _accepted(rule)


class GuardrailAlarms(Section):
    """Alarms on every guardrail evaluation in the Region (Operation = ApplyGuardrail)."""

    errors: GuardrailErrorsAlarm = GuardrailErrorsAlarm()
    intervention_rate: GuardrailInterventionRateAlarm = GuardrailInterventionRateAlarm()
    latency: GuardrailLatencyAlarm = GuardrailLatencyAlarm()

    @field_validator("errors", "intervention_rate", "latency")
    @classmethod
    def _window(cls, rule: AlarmRule) -> AlarmRule:
        return _accepted(rule)


class GuardrailDepthSettings(Section):
    """Guardrails in depth: by policy type and by content source, automated reasoning, and alarms."""

    enabled: bool = False
    alarms: GuardrailAlarms = GuardrailAlarms()


class SurfaceSettings(Section):
    """Every surface block; all off by default."""

    agents: AgentsSettings = AgentsSettings()
    agent_core: AgentCoreSettings = AgentCoreSettings()
    knowledge_bases: Switch = Switch()
    batch: BatchSettings = BatchSettings()
    mantle: Switch = Switch()
    guardrails: GuardrailDepthSettings = GuardrailDepthSettings()

    @model_validator(mode="after")
    def _aliases_need_agents(self) -> SurfaceSettings:
        if self.agents.aliases and not self.agents.enabled:
            raise ValueError("agents.aliases are listed but agents.enabled is false; turn the agents section on")
        return self

    @property
    def any(self) -> bool:
        return any(
            block.enabled
            for block in (self.agents, self.agent_core, self.knowledge_bases, self.batch, self.mantle, self.guardrails)
        )


def _accepted(rule: AlarmRule) -> AlarmRule:
    problem = window_problem(rule)
    if problem:
        raise ValueError(problem)
    return rule
