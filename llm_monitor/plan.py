"""The whole stack as specs: the pure layer's parts wired together (no Pulumi imports).

``BedrockMonitoring`` (``llm_monitor.components.monitoring``) validates its arguments, calls
``build_plan`` and hands each part to its component.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from llm_monitor.alarms import AlarmPlan, build_alarms
from llm_monitor.config import NAMESPACE, ConfigError, LimitError, Problem, Settings, parse_settings
from llm_monitor.config.args import ArgumentProblems, config_from_args
from llm_monitor.dashboard import Dashboard, Extras, build_dashboards
from llm_monitor.deployvalues import QuotaLookup, quota_lookups
from llm_monitor.estate.oam import LinkFilters, link_filters, namespaces_in
from llm_monitor.inference_profiles import ProfileSpec, build_profiles
from llm_monitor.log_dashboard import dashboard_rows
from llm_monitor.logs import LogSpec, build_log_spec
from llm_monitor.notifications import NotificationPlan, build_notifications


@dataclass(frozen=True)
class StackPlan:
    """Everything one stack creates, deterministically from its settings; None for a part it does not build."""

    logs: LogSpec | None
    alarms: AlarmPlan | None
    """Linked: each alarm's description points at the dashboard page that shows its model."""
    dashboards: tuple[Dashboard, ...]
    notifications: NotificationPlan | None
    """The alarm topic: built with the alarms."""
    quotas: tuple[QuotaLookup, ...] = ()
    """Quotas read at deploy time (placeholders in the dashboards and alarms until then)."""
    profiles: tuple[ProfileSpec, ...] = ()
    """Application inference profiles the stack creates (their IDs are placeholders until then)."""
    link: LinkFilters | None = None
    """A source stack's OAM link: what it shares with the monitoring account (``llm_monitor.estate``)."""


def build_plan(settings: Settings, *, project: str, stack: str) -> StackPlan:
    """The log spec, the alarms, the dashboards that show both, and the alarm topic (the parts
    ``settings.parts`` lists).

    Raises ConfigError when the settings ask for more than an AWS limit allows: the pure layer
    raises ValueError (``LimitError`` with the key path to change, where there is one) for every
    limit it checks (name lengths, policy sizes, filters per log group, alarms per roll-up...),
    or a ConfigError of its own listing several such problems at once.
    """
    try:
        return _build_plan(settings, project=project, stack=stack)
    except ValueError as exc:
        path = getattr(exc, "path", None)
        hint = "" if path else f" (names are built from the project name {project!r} and the stack name {stack!r})"
        raise ConfigError([Problem(path or NAMESPACE, f"{exc}{hint}")]) from exc


def _build_plan(settings: Settings, *, project: str, stack: str) -> StackPlan:
    if settings.estate.role == "monitoring":
        # Its dashboards and alarms are its sources' (llm_monitor.estate.central), known once they are read.
        return StackPlan(logs=None, alarms=None, dashboards=(), notifications=None)
    logs = build_log_spec(settings, project=project, stack=stack) if settings.builds("logs") else None
    alarms = build_alarms(settings, project=project, stack=stack) if settings.builds("alarms") else None
    dashboards: list[Dashboard] = []
    if settings.builds("dashboards"):
        extras = Extras(
            overview_rows=dashboard_rows(settings, logs) if logs else [],
            annotations=alarms.annotations if alarms else {},
            alarm_arns=alarms.alarm_arns if alarms else [],
        )
        dashboards = build_dashboards(settings, project=project, stack=stack, extras=extras)
    return StackPlan(
        logs=logs,
        alarms=alarms.linked(dashboards) if alarms and dashboards else alarms,
        dashboards=tuple(dashboards),
        notifications=build_notifications(settings, alarms) if alarms else None,
        quotas=quota_lookups(settings),
        profiles=build_profiles(settings, project=project, stack=stack),
        link=_link(dashboards, alarms, logs) if settings.estate.role == "source" else None,
    )


def _link(dashboards: list[Dashboard], alarms: AlarmPlan | None, logs: LogSpec | None) -> LinkFilters:
    """What a source's OAM link shares: the namespaces its dashboards and alarms read, and its log groups."""
    watched = []
    for alarm in alarms.metric_alarms if alarms else ():
        metrics = [alarm.metric] if alarm.metric else [q.metric for q in alarm.queries if q.metric]
        watched += [m.namespace for m in metrics]
    try:
        return link_filters(
            namespaces_in([d.body for d in dashboards], watched), [g.name for g in logs.groups] if logs else []
        )
    except ValueError as exc:
        raise LimitError(f"the OAM link to the monitoring account: {exc}", f"{NAMESPACE}:estate") from exc


def plan_arguments(
    args: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    default_region: str | None = None,
    pinned_accounts: str | None = None,
    resolve: Callable[[Settings], Settings] | None = None,
) -> tuple[Settings, StackPlan]:
    """``BedrockMonitoring``'s arguments validated as stack config, and their plan; or ArgumentProblems
    listing every problem, each with its argument path (``args.models[2].id``). ``resolve`` completes
    the settings with what only AWS knows before they are planned (the models behind application
    inference profiles)."""
    raw, unknown = config_from_args(args, default_region, pinned_accounts)
    try:
        settings = parse_settings(raw, project=project, stack=stack)
    except ConfigError as exc:
        raise ArgumentProblems(ConfigError([*exc.problems, *unknown])) from None
    if unknown:
        raise ArgumentProblems(ConfigError(unknown))
    if resolve is not None:
        settings = resolve(settings)
    try:
        return settings, build_plan(settings, project=project, stack=stack)
    except ConfigError as exc:
        raise ArgumentProblems(exc) from None
