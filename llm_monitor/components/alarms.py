"""``llm-monitor:index:BedrockAlarms``: the stack's metric alarms and each model's health roll-up."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from llm_monitor.alarms import TOPIC_TOKEN, AlarmPlan, AlarmSpec
from llm_monitor.components._secrecy import Secrecy
from llm_monitor.components._values import DeployValues, resolve_inputs


@dataclass(frozen=True)
class BedrockAlarmsArgs:
    plan: AlarmPlan
    """From ``llm_monitor.alarms.build_alarms`` (linked to the dashboards)."""
    topic_arn: pulumi.Input[str]
    """The stack's alarm topic (``TOPIC_TOKEN`` in ``AlarmPlan.targets``)."""
    secrecy: Secrecy = field(default_factory=Secrecy)
    """Tags, and whether the pager topics (``notifications.topicArns``) are secrets."""
    values: DeployValues = field(default_factory=DeployValues)
    """Replace the deploy-time placeholders (quotas read from Service Quotas, created profiles' IDs)."""


class BedrockAlarms(pulumi.ComponentResource):
    """One ``aws.cloudwatch.MetricAlarm`` per metric-alarm spec, one ``CompositeAlarm`` per roll-up."""

    alarm_names: pulumi.Output[list[str]]
    """Every alarm name, the roll-ups first."""

    def __init__(self, name: str, args: BedrockAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:BedrockAlarms", name, None, opts)
        plan, tags = args.plan, args.secrecy.tags

        def resolved(tokens: tuple[str, ...]) -> list[pulumi.Input[str]]:
            return [args.topic_arn if t == TOPIC_TOKEN else args.secrecy.keep("notifications", t) for t in tokens]

        def targets(spec: AlarmSpec) -> list[pulumi.Input[str]]:
            return resolved(plan.targets(spec))

        names: dict[str, pulumi.Output[str]] = {}
        resources: dict[str, pulumi.Resource] = {}
        for spec in plan.metric_alarms:
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.key}",
                **resolve_inputs(spec.inputs(), args.values),
                alarm_actions=targets(spec),
                ok_actions=targets(spec),
                insufficient_data_actions=resolved(plan.insufficient_data_targets(spec)),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            names[spec.name], resources[spec.name] = alarm.name, alarm
        for composite in plan.composites:
            rollup = aws.cloudwatch.CompositeAlarm(
                f"{name}-{composite.key}",
                **composite.inputs(),
                alarm_actions=targets(composite),
                ok_actions=targets(composite),
                tags=tags,
                # The rule names its children; CloudWatch refuses a rule naming an alarm that does not exist yet.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[resources[c] for c in composite.children]),
            )
            names[composite.name], resources[composite.name] = rollup.alarm_name, rollup
        self.alarm_names = pulumi.Output.all(*[names[n] for n in plan.names])
        # Registering outputs marks the component complete and records them in the state.
        self.register_outputs({"alarmNames": self.alarm_names})
