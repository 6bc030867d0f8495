"""Pulumi component resources: each turns specs from the pure layer into AWS resources."""

from llm_monitor.components.alarms import BedrockAlarms, BedrockAlarmsArgs
from llm_monitor.components.dashboards import BedrockDashboards, BedrockDashboardsArgs
from llm_monitor.components.logs import InvocationLogs, InvocationLogsArgs
from llm_monitor.components.notifications import AlarmNotifications, AlarmNotificationsArgs

__all__ = [
    "AlarmNotifications",
    "AlarmNotificationsArgs",
    "BedrockAlarms",
    "BedrockAlarmsArgs",
    "BedrockDashboards",
    "BedrockDashboardsArgs",
    "InvocationLogs",
    "InvocationLogsArgs",
]
