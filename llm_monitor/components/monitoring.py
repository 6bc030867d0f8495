"""``llm-monitor:index:BedrockMonitoring``: the one public component, everything a stack builds.

No ``from __future__ import annotations``: Pulumi's schema analyzer reads ``args`` and the output
annotations as objects (provider/__main__.py hosts this component for other languages).
"""

from collections.abc import Callable, Collection, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from llm_monitor.aws import dashboard_url
from llm_monitor.components._secrecy import Secrecy
from llm_monitor.components._values import DeployValues
from llm_monitor.components.alarms import BedrockAlarms, BedrockAlarmsArgs
from llm_monitor.components.dashboards import BedrockDashboards, BedrockDashboardsArgs
from llm_monitor.components.estate import (
    EstateCentral,
    EstateCentralArgs,
    EstateLink,
    EstateLinkArgs,
    EstateSink,
    EstateSinkArgs,
)
from llm_monitor.components.logs import InvocationLogs, InvocationLogsArgs
from llm_monitor.components.lookups import quota_values, resolve_profiles
from llm_monitor.components.monitoring_args import BedrockMonitoringArgs
from llm_monitor.components.notifications import AlarmNotifications, AlarmNotificationsArgs
from llm_monitor.components.profiles import ApplicationInferenceProfiles, ApplicationInferenceProfilesArgs
from llm_monitor.config import Settings
from llm_monitor.config.args import ArgumentProblems
from llm_monitor.config.estate import ACCOUNTS_KEY
from llm_monitor.estate.central import SOURCE_OUTPUT, source_export
from llm_monitor.estate.oam import sink_name
from llm_monitor.plan import StackPlan, plan_arguments

TYPE = "llm-monitor:index:BedrockMonitoring"
#: ``aws:allowedAccountIds``: the account of a source or monitoring stack (llm_monitor.config.estate).
_ACCOUNTS = ACCOUNTS_KEY.split(":", 1)[1]

#: Called with each BedrockMonitoring once it is built (the offline preview reads its settings).
on_built: list[Callable[["BedrockMonitoring"], None]] = []


class InvalidArguments(pulumi.RunError):
    """The arguments are invalid: every problem with its argument path. A RunError, so that
    ``pulumi up`` prints it without a traceback; ``problems`` hold the config key paths."""

    def __init__(self, error: ArgumentProblems) -> None:
        super().__init__(str(error))
        self.problems = error.problems


class BedrockMonitoring(pulumi.ComponentResource):
    """CloudWatch monitoring for Amazon Bedrock models: PII-masked, encrypted log groups with metric
    filters and queries, per-model alarms with health roll-ups that page, an encrypted alarm topic,
    and dashboards (the parts ``args.parts`` lists).

    The arguments are the stack config of the llm-monitor program, key for key. Invalid ones stop the
    program before anything is registered, listing every problem with its argument path. Resources
    use the AWS provider of ``opts`` (its Region must be ``args.region``, default the stack's
    ``aws:region``).
    """

    dashboard_names: pulumi.Output[list[str]]
    """Dashboard names, in page order."""
    dashboard_urls: pulumi.Output[list[str]]
    """CloudWatch console links to the dashboards, in page order."""
    log_group_names: pulumi.Output[list[str]]
    """The invocation log group, then the application log group (none without the logs part)."""
    logs_kms_key_arn: pulumi.Output[str | None]
    """The key that encrypts the log groups (none without the logs part)."""
    alarm_topic_arn: pulumi.Output[str | None]
    """The SNS topic every alarm notifies; subscribe further endpoints to it (none without the alarms part)."""
    alarm_names: pulumi.Output[list[str]]
    """Every alarm name, the health roll-ups first."""
    sink_arn: pulumi.Output[str | None]
    """A monitoring stack's OAM sink, which its Region's source stacks link to (none in other roles)."""

    def __init__(
        self,
        name: str,
        args: BedrockMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        secret_sections: Collection[str] = (),
    ) -> None:
        """``secret_sections`` (Python only): the config sections whose values came from Pulumi secrets
        (``notifications``, ``tags``, ``logs``...); the endpoints, tag values and bucket settings among
        them stay secret in every resource input."""
        # Everything is checked before anything is registered. The models behind existing application
        # inference profiles decide prices and graphs, so they are read (an invoke) before planning.
        lookup = pulumi.InvokeOptions(provider=_aws_provider(opts))
        try:
            settings, plan = plan_arguments(
                args,
                project=pulumi.get_project(),
                stack=pulumi.get_stack(),
                default_region=aws.config.region,
                pinned_accounts=pulumi.Config("aws").get(_ACCOUNTS),
                resolve=lambda parsed: resolve_profiles(parsed, lookup),
            )
        except ArgumentProblems as exc:
            raise InvalidArguments(exc) from None
        secrecy = Secrecy.of(secret_sections, settings.tags)
        super().__init__(TYPE, name, None, opts)
        self.settings: Settings = settings
        """The validated arguments (as the stack config they stand for)."""
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        child = pulumi.ResourceOptions(parent=self)

        profile_ids: dict[str, pulumi.Output[str]] = {}
        if plan.profiles:
            profiles = ApplicationInferenceProfiles(
                f"{name}-profiles", ApplicationInferenceProfilesArgs(plan.profiles, account_id), opts=child
            )
            profile_ids = profiles.ids
        quotas = quota_values(plan.quotas, pulumi.InvokeOutputOptions(parent=self))
        values = DeployValues(quotas=quotas, profiles=profile_ids)

        names: pulumi.Output[list[str]] = pulumi.Output.from_input([])
        key: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if plan.logs:
            logs = InvocationLogs(f"{name}-logs", InvocationLogsArgs(plan.logs, account_id, secrecy), opts=child)
            names, key = logs.log_group_names, logs.kms_key_arn
        self.log_group_names, self.logs_kms_key_arn = names, key

        self.dashboard_names = self.dashboard_urls = pulumi.Output.from_input([])
        if plan.dashboards:
            dashboards = BedrockDashboards(
                f"{name}-dashboards", BedrockDashboardsArgs(plan.dashboards, account_id, values), opts=child
            )
            self.dashboard_names, self.dashboard_urls = dashboards.dashboard_names, dashboards.dashboard_urls

        self.alarm_topic_arn, self.alarm_names = pulumi.Output.from_input(None), pulumi.Output.from_input([])
        if plan.alarms and plan.notifications:
            topic = AlarmNotifications(
                f"{name}-notifications", AlarmNotificationsArgs(plan.notifications, account_id, secrecy), opts=child
            )
            alarms = BedrockAlarms(
                f"{name}-alarms", BedrockAlarmsArgs(plan.alarms, topic.topic_arn, secrecy, values), opts=child
            )
            self.alarm_topic_arn, self.alarm_names = topic.topic_arn, alarms.alarm_names

        self.sink_arn = pulumi.Output.from_input(None)
        self._estate_outputs: dict[str, Any] = {}
        self._estate(name, plan, account_id, secrecy, child, profile_ids)

        # Registering outputs marks the component complete and records them in the state.
        self.register_outputs(self.output_values())
        for hook in on_built:
            hook(self)

    def _estate(
        self,
        name: str,
        plan: StackPlan,
        account_id: pulumi.Output[str],
        secrecy: Secrecy,
        child: pulumi.ResourceOptions,
        profile_ids: Mapping[str, pulumi.Output[str]],
    ) -> None:
        """A source's OAM link and what it exports; a monitoring stack's sink and central view (standalone: nothing)."""
        estate = self.settings.estate
        if estate.role == "source" and plan.link is not None:
            target: pulumi.Input[str]
            if estate.sink_arn is not None:
                target = estate.sink_arn
            else:
                reference = pulumi.StackReference(f"{name}-monitoring", stack_name=estate.monitoring_stack, opts=child)
                target = _sink_of(reference, str(estate.monitoring_stack))
            EstateLink(f"{name}-estate", EstateLinkArgs(target, plan.link, secrecy.tags), opts=child)
            groups = [g.name for g in plan.logs.groups] if plan.logs else []
            self._estate_outputs = {SOURCE_OUTPUT: source_export(self.settings, groups, profile_ids)}
        elif estate.role == "monitoring":
            project, stack = pulumi.get_project(), pulumi.get_stack()
            owned = EstateSink(
                f"{name}-estate",
                EstateSinkArgs(
                    sink_name(project, stack, self.settings.region),
                    estate.source_accounts,
                    estate.organization_id,
                    secrecy.tags,
                ),
                opts=child,
            )
            central = EstateCentral(
                f"{name}-central", EstateCentralArgs(self.settings, account_id, secrecy), opts=child
            )
            self.sink_arn = owned.sink_arn
            self.dashboard_names, self.alarm_names = central.dashboard_names, central.alarm_names
            region = self.settings.region
            self.dashboard_urls = central.dashboard_names.apply(lambda names: [dashboard_url(region, n) for n in names])
            self.alarm_topic_arn = central.alarm_topic_arn
            self._estate_outputs = {"sinkArn": self.sink_arn}

    def output_values(self) -> dict[str, Any]:
        """The outputs by their schema (and stack-output) names; ``sinkArn`` (monitoring) and
        ``estateSource`` (source) only in those roles, so a standalone stack's are unchanged."""
        return {
            "dashboardNames": self.dashboard_names,
            "dashboardUrls": self.dashboard_urls,
            "logGroupNames": self.log_group_names,
            "logsKmsKeyArn": self.logs_kms_key_arn,
            "alarmTopicArn": self.alarm_topic_arn,
            "alarmNames": self.alarm_names,
            **self._estate_outputs,
        }


def _aws_provider(opts: pulumi.ResourceOptions | None) -> pulumi.ProviderResource | None:
    """The AWS provider ``opts`` give the component (``provider=`` or among ``providers=``), for the
    lookups made before the component is registered; None: the default provider."""
    if opts is None:
        return None
    if isinstance(opts.provider, pulumi.ProviderResource) and opts.provider.package == "aws":
        return opts.provider
    providers = opts.providers
    if isinstance(providers, Mapping):
        found = providers.get("aws")
        return found if isinstance(found, pulumi.ProviderResource) else None
    return next((p for p in providers or [] if getattr(p, "package", None) == "aws"), None)


def _sink_of(reference: pulumi.StackReference, stack: str) -> pulumi.Output[str]:
    """The ``sinkArn`` the monitoring stack exports; a clear error when it exports none."""

    def found(arn: Any) -> str:
        if not isinstance(arn, str):
            raise pulumi.RunError(
                f"stack {stack} exports no sinkArn: deploy that monitoring stack first "
                "(or preview the whole estate: python -m llm_monitor preview --estate)"
            )
        return arn

    return reference.get_output("sinkArn").apply(found)
