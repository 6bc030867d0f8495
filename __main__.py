"""llm-monitor: CloudWatch monitoring for Amazon Bedrock models, one stack per environment."""

import pulumi
import pulumi_aws as aws

from llm_monitor.alarms import build_alarms
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
from llm_monitor.dashboard import Extras, build_dashboards
from llm_monitor.logs import build_log_spec, dashboard_rows
from llm_monitor.notifications import build_notifications
from llm_monitor.stack import aws_provider, read_settings

settings = read_settings()
names = {"project": pulumi.get_project(), "stack": pulumi.get_stack()}
provider = aws_provider(settings)
opts = pulumi.ResourceOptions(providers=[provider])
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id

log_spec = build_log_spec(settings, **names)
logs = InvocationLogs("logs", InvocationLogsArgs(spec=log_spec, account_id=account_id), opts=opts)
alarm_plan = build_alarms(settings, **names)
extras = Extras(
    overview_rows=dashboard_rows(settings, log_spec),
    annotations=alarm_plan.annotations,
    alarm_arns=alarm_plan.alarm_arns,
)

dashboard_specs = build_dashboards(settings, **names, extras=extras)
dashboards = BedrockDashboards(
    "dashboards",
    BedrockDashboardsArgs(dashboards=dashboard_specs, account_id=account_id, region=settings.region),
    opts=opts,
)
notifications = AlarmNotifications(
    "notifications",
    AlarmNotificationsArgs(plan=build_notifications(settings, alarm_plan), account_id=account_id),
    opts=opts,
)
alarms = BedrockAlarms(
    "alarms",
    # Linked: each alarm's description points at the dashboard page that shows its model.
    BedrockAlarmsArgs(plan=alarm_plan.linked(dashboard_specs), topic_arn=notifications.topic_arn),
    opts=opts,
)

pulumi.export("dashboardNames", dashboards.dashboard_names)
pulumi.export("dashboardUrls", dashboards.dashboard_urls)
pulumi.export("logGroupNames", logs.log_group_names)
pulumi.export("logsKmsKeyArn", logs.kms_key_arn)
pulumi.export("alarmTopicArn", notifications.topic_arn)
pulumi.export("alarmNames", alarms.alarm_names)
