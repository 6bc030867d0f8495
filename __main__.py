"""llm-monitor: CloudWatch monitoring for Amazon Bedrock models, one stack per environment."""

import pulumi
import pulumi_aws as aws

from llm_monitor.components import (
    AlarmNotifications,
    AlarmNotificationsArgs,
    BedrockAlarms,
    BedrockAlarmsArgs,
    BedrockDashboards,
    BedrockDashboardsArgs,
    InvocationLogs,
    InvocationLogsArgs,
)
from llm_monitor.stack import aws_provider, plan_stack, read_settings

settings = read_settings()
plan = plan_stack(settings)
provider = aws_provider(settings)
opts = pulumi.ResourceOptions(providers=[provider])
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id

logs = InvocationLogs("logs", InvocationLogsArgs(spec=plan.logs, account_id=account_id), opts=opts)
dashboards = BedrockDashboards(
    "dashboards",
    BedrockDashboardsArgs(dashboards=plan.dashboards, account_id=account_id),
    opts=opts,
)
notifications = AlarmNotifications(
    "notifications", AlarmNotificationsArgs(plan=plan.notifications, account_id=account_id), opts=opts
)
alarms = BedrockAlarms("alarms", BedrockAlarmsArgs(plan=plan.alarms, topic_arn=notifications.topic_arn), opts=opts)

pulumi.export("dashboardNames", dashboards.dashboard_names)
pulumi.export("dashboardUrls", dashboards.dashboard_urls)
pulumi.export("logGroupNames", logs.log_group_names)
pulumi.export("logsKmsKeyArn", logs.kms_key_arn)
pulumi.export("alarmTopicArn", notifications.topic_arn)
pulumi.export("alarmNames", alarms.alarm_names)
