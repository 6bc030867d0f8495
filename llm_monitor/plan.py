"""The whole stack as specs: the pure layer's parts wired together (no Pulumi imports).

``__main__.py`` reads the settings, calls ``build_plan`` and hands each part to its component.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_monitor.alarms import AlarmPlan, build_alarms
from llm_monitor.config import NAMESPACE, ConfigError, Problem, Settings
from llm_monitor.dashboard import Dashboard, Extras, build_dashboards
from llm_monitor.deployvalues import QuotaLookup, quota_lookups
from llm_monitor.inference_profiles import ProfileSpec, build_profiles
from llm_monitor.log_dashboard import dashboard_rows
from llm_monitor.logs import LogSpec, build_log_spec
from llm_monitor.notifications import NotificationPlan, build_notifications


@dataclass(frozen=True)
class StackPlan:
    """Everything one stack creates, deterministically from its settings."""

    logs: LogSpec
    alarms: AlarmPlan
    """Linked: each alarm's description points at the dashboard page that shows its model."""
    dashboards: tuple[Dashboard, ...]
    notifications: NotificationPlan
    quotas: tuple[QuotaLookup, ...] = ()
    """Quotas read at deploy time (placeholders in the dashboards and alarms until then)."""
    profiles: tuple[ProfileSpec, ...] = ()
    """Application inference profiles the stack creates (their IDs are placeholders until then)."""


def build_plan(settings: Settings, *, project: str, stack: str) -> StackPlan:
    """The log spec, the alarms, the dashboards that show both, and the alarm topic.

    Raises ConfigError when the settings ask for more than an AWS limit allows: the pure layer
    raises ValueError (``LimitError`` with the key path to change, where there is one) for every
    limit it checks (name lengths, policy sizes, filters per log group, alarms per roll-up...).
    """
    try:
        return _build_plan(settings, project=project, stack=stack)
    except ValueError as exc:
        path = getattr(exc, "path", None)
        hint = "" if path else f" (names are built from the project name {project!r} and the stack name {stack!r})"
        raise ConfigError([Problem(path or NAMESPACE, f"{exc}{hint}")]) from exc


def _build_plan(settings: Settings, *, project: str, stack: str) -> StackPlan:
    logs = build_log_spec(settings, project=project, stack=stack)
    alarms = build_alarms(settings, project=project, stack=stack)
    extras = Extras(
        overview_rows=dashboard_rows(settings, logs),
        annotations=alarms.annotations,
        alarm_arns=alarms.alarm_arns,
    )
    dashboards = build_dashboards(settings, project=project, stack=stack, extras=extras)
    return StackPlan(
        logs=logs,
        alarms=alarms.linked(dashboards),
        dashboards=tuple(dashboards),
        notifications=build_notifications(settings, alarms),
        quotas=quota_lookups(settings),
        profiles=build_profiles(settings, project=project, stack=stack),
    )
