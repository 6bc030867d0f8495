"""``llm-monitor:index:EstateSink``, ``EstateLink`` and ``EstateCentral``: a stack's part in an estate.

- ``EstateSink`` (monitoring): the OAM sink of the account and Region, and its policy.
- ``EstateLink`` (source): the OAM link sharing the stack's namespaces and log groups with the sink.
- ``EstateCentral`` (monitoring): reads the source stacks (stack references), then builds the
  estate dashboards, the central alarms and the pager topic from them.

Property names: pulumi-aws ``oam.Sink`` (name), ``oam.SinkPolicy`` (sink_identifier, policy),
``oam.Link`` (label_template, resource_types, sink_identifier, link_configuration).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from llm_monitor.components._secrecy import Secrecy
from llm_monitor.components.alarms import BedrockAlarms, BedrockAlarmsArgs
from llm_monitor.components.dashboards import BedrockDashboards, BedrockDashboardsArgs
from llm_monitor.components.notifications import AlarmNotifications, AlarmNotificationsArgs
from llm_monitor.config import ConfigError, Settings
from llm_monitor.estate.central import SOURCE_OUTPUT, central_plan, read_sources
from llm_monitor.estate.oam import LABEL_TEMPLATE, LinkFilters, sink_policy
from llm_monitor.iam import to_json
from llm_monitor.notifications import build_notifications


@dataclass(frozen=True)
class EstateSinkArgs:
    name: str
    """The sink's name (``llm_monitor.estate.oam.sink_name``)."""
    accounts: Sequence[str]
    organization_id: str | None
    tags: Mapping[str, pulumi.Input[str]] | None = None


class EstateSink(pulumi.ComponentResource):
    """The OAM sink source accounts link to, and the policy that admits them (metrics and log groups only)."""

    sink_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EstateSinkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:EstateSink", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sink = aws.oam.Sink(f"{name}-sink", name=args.name, tags=args.tags, opts=child)
        self.policy = aws.oam.SinkPolicy(
            f"{name}-policy",
            sink_identifier=sink.arn,
            policy=to_json(sink_policy(args.accounts, args.organization_id)),
            opts=child,
        )
        self.sink_arn = sink.arn
        self.register_outputs({"sinkArn": self.sink_arn})


@dataclass(frozen=True)
class EstateLinkArgs:
    sink_arn: pulumi.Input[str]
    """From ``estate.sinkArn``, or the monitoring stack's ``sinkArn`` output."""
    filters: LinkFilters
    tags: Mapping[str, pulumi.Input[str]] | None = None


class EstateLink(pulumi.ComponentResource):
    """The OAM link: this account's metrics in the stack's namespaces, and its log groups, shared with the sink."""

    link_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EstateLinkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:EstateLink", name, None, opts)
        # The configuration in its dict form (LinkLinkConfigurationArgsDict), built by the pure layer.
        link = aws.oam.Link(  # type: ignore[call-overload]
            f"{name}-link",
            label_template=LABEL_TEMPLATE,
            resource_types=args.filters.resource_types,
            sink_identifier=args.sink_arn,
            link_configuration=args.filters.inputs(),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.link_arn = link.arn
        self.register_outputs({"linkArn": self.link_arn})


@dataclass(frozen=True)
class EstateCentralArgs:
    settings: Settings
    account_id: pulumi.Input[str]
    secrecy: Secrecy


class EstateCentral(pulumi.ComponentResource):
    """Estate dashboards, central alarms and the pager topic, from the source stacks' ``estateSource``.

    The sources' outputs are known once their stacks are read (in ``pulumi preview`` too: a stack
    reference reads the referenced stack's state), so the children are registered when they arrive.
    """

    dashboard_names: pulumi.Output[list[str]]
    alarm_names: pulumi.Output[list[str]]
    alarm_topic_arn: pulumi.Output[str | None]

    def __init__(self, name: str, args: EstateCentralArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:EstateCentral", name, None, opts)
        settings = args.settings
        child = pulumi.ResourceOptions(parent=self)
        references = [
            pulumi.StackReference(f"{name}-source-{stack.replace('/', '-')}", stack_name=stack, opts=child)
            for stack in settings.estate.source_stacks
        ]
        exported = pulumi.Output.all(*[r.get_output(SOURCE_OUTPUT) for r in references])
        project, stack = pulumi.get_project(), pulumi.get_stack()

        def build(values: list[object]) -> dict[str, object]:
            try:
                sources, missing = read_sources(settings, values)
                plan = central_plan(settings, sources, project=project, stack=stack)
            except ConfigError as exc:
                raise pulumi.RunError(str(exc)) from None
            for stack_name in missing:
                pulumi.log.warn(
                    f"source stack {stack_name} exports no {SOURCE_OUTPUT} yet (not deployed, or not a source "
                    "stack): run `pulumi up` on this stack again once it is",
                    resource=self,
                )
            # One component per account, and one for the overview: adding an account renames no page.
            groups = [("overview", plan.overview), *plan.pages] if plan.overview else list(plan.pages)
            names = [
                BedrockDashboards(
                    f"{name}-{group}-dashboards", BedrockDashboardsArgs(pages, args.account_id), opts=child
                ).dashboard_names
                for group, pages in groups
            ]
            dashboards = pulumi.Output.all(*names).apply(lambda found: [n for group in found for n in group])
            result: dict[str, object] = {"dashboards": dashboards, "alarms": [], "topic": None}
            if plan.alarms.alarms:
                notifications = build_notifications(settings, plan.alarms)
                topic = AlarmNotifications(
                    f"{name}-notifications",
                    AlarmNotificationsArgs(notifications, args.account_id, args.secrecy),
                    opts=child,
                )
                alarms = BedrockAlarms(
                    f"{name}-alarms", BedrockAlarmsArgs(plan.alarms, topic.topic_arn, args.secrecy), opts=child
                )
                result |= {"alarms": alarms.alarm_names, "topic": topic.topic_arn}
            return result

        built = exported.apply(build)
        self.dashboard_names = built.apply(lambda b: b["dashboards"])  # type: ignore[arg-type,return-value]
        self.alarm_names = built.apply(lambda b: b["alarms"])  # type: ignore[arg-type,return-value]
        self.alarm_topic_arn = built.apply(lambda b: b["topic"])  # type: ignore[arg-type,return-value]
        self.register_outputs(
            {
                "dashboardNames": self.dashboard_names,
                "alarmNames": self.alarm_names,
                "alarmTopicArn": self.alarm_topic_arn,
            }
        )
