"""Pulumi component resources: each turns specs from the pure layer into AWS resources."""

from llm_monitor.components.dashboards import BedrockDashboards, BedrockDashboardsArgs

__all__ = ["BedrockDashboards", "BedrockDashboardsArgs"]
