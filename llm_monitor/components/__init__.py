"""Pulumi component resources: each turns specs from the pure layer into AWS resources."""

from llm_monitor.components._values import DeployValues
from llm_monitor.components.alarms import BedrockAlarms, BedrockAlarmsArgs
from llm_monitor.components.dashboards import BedrockDashboards, BedrockDashboardsArgs
from llm_monitor.components.logs import InvocationLogs, InvocationLogsArgs
from llm_monitor.components.lookups import quota_values, resolve_profiles
from llm_monitor.components.notifications import AlarmNotifications, AlarmNotificationsArgs
from llm_monitor.components.profiles import ApplicationInferenceProfiles, ApplicationInferenceProfilesArgs

__all__ = [
    "AlarmNotifications",
    "AlarmNotificationsArgs",
    "ApplicationInferenceProfiles",
    "ApplicationInferenceProfilesArgs",
    "BedrockAlarms",
    "BedrockAlarmsArgs",
    "BedrockDashboards",
    "BedrockDashboardsArgs",
    "DeployValues",
    "InvocationLogs",
    "InvocationLogsArgs",
    "quota_values",
    "resolve_profiles",
]
