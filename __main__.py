"""llm-monitor: CloudWatch monitoring for Amazon Bedrock models, one stack per environment."""

import pulumi
import pulumi_aws as aws

from llm_monitor.components import (
    AlarmNotifications,
    AlarmNotificationsArgs,
    ApplicationInferenceProfiles,
    ApplicationInferenceProfilesArgs,
    BedrockAlarms,
    BedrockAlarmsArgs,
    BedrockDashboards,
    BedrockDashboardsArgs,
    DeployValues,
    InvocationLogs,
    InvocationLogsArgs,
    quota_values,
    resolve_profiles,
)
from llm_monitor.stack import aws_provider, plan_stack, read_settings

settings = read_settings()
provider = aws_provider(settings)
# The models behind existing application inference profiles decide prices and graphs: read first.
settings = resolve_profiles(settings, provider)
plan = plan_stack(settings)
opts = pulumi.ResourceOptions(providers=[provider])
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id

profile_ids: dict[str, pulumi.Output[str]] = {}
if plan.profiles:
    profiles = ApplicationInferenceProfiles(
        "profiles", ApplicationInferenceProfilesArgs(profiles=plan.profiles, account_id=account_id), opts=opts
    )
    profile_ids = profiles.ids
values = DeployValues(quotas=quota_values(plan.quotas, provider), profiles=profile_ids)

logs = InvocationLogs("logs", InvocationLogsArgs(spec=plan.logs, account_id=account_id), opts=opts)
dashboards = BedrockDashboards(
    "dashboards",
    BedrockDashboardsArgs(dashboards=plan.dashboards, account_id=account_id, values=values),
    opts=opts,
)
notifications = AlarmNotifications(
    "notifications", AlarmNotificationsArgs(plan=plan.notifications, account_id=account_id), opts=opts
)
alarms = BedrockAlarms(
    "alarms", BedrockAlarmsArgs(plan=plan.alarms, topic_arn=notifications.topic_arn, values=values), opts=opts
)

pulumi.export("dashboardNames", dashboards.dashboard_names)
pulumi.export("dashboardUrls", dashboards.dashboard_urls)
pulumi.export("logGroupNames", logs.log_group_names)
pulumi.export("logsKmsKeyArn", logs.kms_key_arn)
pulumi.export("alarmTopicArn", notifications.topic_arn)
pulumi.export("alarmNames", alarms.alarm_names)
