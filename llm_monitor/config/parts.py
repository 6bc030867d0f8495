"""``llm-monitor:parts``: which parts a stack (or a ``BedrockMonitoring``) builds, and what each needs.

``dashboards`` (the CloudWatch dashboards), ``alarms`` (the alarms, their roll-ups and the alarm
topic with its subscriptions) and ``logs`` (the log groups and their key, invocation logging,
metric filters and saved queries). Each is usable alone: dashboards only is what the AWS CDK
construct ``BedrockCwDashboard`` builds.
"""

from __future__ import annotations

from typing import Any, Literal

from llm_monitor.config.errors import Problem

Part = Literal["dashboards", "alarms", "logs"]
PARTS: tuple[Part, ...] = ("dashboards", "alarms", "logs")


def part_problems(values: dict[str, Any], namespace: str) -> list[Problem]:
    """Settings that ask for a part the stack does not build (validated ``values`` by snake_case section)."""
    parts = values.get("parts")
    if parts is None:
        return []
    key = f"{namespace}:parts"
    if not parts:
        return [Problem(key, f"empty: the stack would build nothing; list some of {', '.join(PARTS)}")]
    problems = []
    if len(set(parts)) != len(parts):
        problems.append(Problem(key, "lists a part more than once"))
    without = f"but {key} does not list"
    if "alarms" not in parts:
        notifications = values.get("notifications")
        if notifications is not None and (
            notifications.emails or notifications.https_endpoints or notifications.topic_arns
        ):
            problems.append(
                Problem(f"{namespace}:notifications", f"endpoints set, {without} alarms: nothing would notify them")
            )
        for index, model in enumerate(values.get("models") or ()):
            if model.alarms.model_fields_set:
                problems.append(Problem(f"{namespace}:models[{index}].alarms", f"alarm overrides, {without} alarms"))
    if "logs" not in parts:
        alarms = values.get("alarms")
        if alarms is not None and alarms.applications.names:
            problems.append(
                Problem(
                    f"{namespace}:alarms.applications.names",
                    f"these alarms read the application logs' metric filters, {without} logs",
                )
            )
        logs = values.get("logs")
        if logs is not None and logs.invocation_logging.enabled:
            problems.append(
                Problem(f"{namespace}:logs.invocationLogging.enabled", f"true, {without} logs (its log group)")
            )
    dashboard = values.get("dashboard")
    if "dashboards" not in parts and dashboard is not None and dashboard.widgets:
        problems.append(Problem(f"{namespace}:dashboard.widgets", f"widgets, {without} dashboards"))
    return problems
