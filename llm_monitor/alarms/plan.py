"""Every alarm of a stack, who each one notifies, and what the dashboards show of them.

Paging: each model gets one composite "health" alarm over its paging alarms (errors, latency,
throttles, lost traffic...), and only that roll-up pages: one incident on a model is one page,
and an incident on a second model pages again even while the first is still in ALARM (a
single roll-up over every model would stay in ALARM and swallow it). The roll-up's children
have no actions of their own. Notify-only alarms (cost, quota, anomalies...) e-mail the alarm
topic directly. Stack-wide alarms (invocation-log delivery, per-application error rates) page
or notify by their own urgency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from llm_monitor.alarms import errors, latency, quotas, spend, tiers, traffic
from llm_monitor.alarms.context import Annotations, ModelContext, model_alarm_name
from llm_monitor.alarms.rollup import roll_up
from llm_monitor.alarms.specs import (
    AlarmSpec,
    CompositeAlarmSpec,
    MetricAlarmSpec,
    alarm_name,
)
from llm_monitor.alarms.stack import stack_alarms
from llm_monitor.alarms.surfaces import surface_alarms
from llm_monitor.aws import ACCOUNT_ID_TOKEN, alarm_arn
from llm_monitor.config import NAMESPACE, ConfigError, LimitError, Problem, Settings
from llm_monitor.dashboard import Dashboard

#: Stands for the stack's own alarm topic in ``AlarmPlan.targets``; the Pulumi layer puts in its ARN.
TOPIC_TOKEN = "${topic}"

#: The per-model alarms, in the order they are generated.
MODEL_ALARMS: tuple[Callable[[ModelContext], MetricAlarmSpec | None], ...] = (
    latency.latency,
    latency.time_to_first_token,
    latency.latency_anomaly,
    errors.server_errors,
    errors.error_rate,
    errors.application_error_rate,
    errors.throttles,
    errors.throttle_rate,
    traffic.traffic_loss,
    quotas.quota,
    quotas.daily_quota,
    spend.cost,
    traffic.invocation_anomaly,
    latency.output_tokens_per_second,
    tiers.flex_latency,
    tiers.reserved_overflow,
)


@dataclass(frozen=True)
class AlarmPlan:
    """Every alarm of a stack, and what the dashboards need to show them."""

    region: str
    prefix: str
    """Start of every alarm name: ``<project>-<stack>-<region>``."""
    metric_alarms: tuple[MetricAlarmSpec, ...]
    composites: tuple[CompositeAlarmSpec, ...]
    """The per-model roll-ups, in model order."""
    annotations: Annotations = field(default_factory=dict)
    """Threshold lines for the dashboards, keyed like ``dashboard.Extras.annotations``."""
    page_topics: tuple[str, ...] = ()
    """Existing topics (a pager's) that get every page."""

    @property
    def alarms(self) -> tuple[AlarmSpec, ...]:
        """Roll-ups first (what pages), then the metric alarms."""
        return (*self.composites, *self.metric_alarms)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.alarms]

    @property
    def source_arn_pattern(self) -> str:
        """``aws:SourceArn`` pattern matching exactly this stack's alarms (for topic and key policies)."""
        return alarm_arn(self.region, ACCOUNT_ID_TOKEN, alarm_name(self.prefix, "*"))

    @property
    def alarm_arns(self) -> list[str]:
        """For the dashboards' alarm-status widget, in ``names`` order (with the account placeholder)."""
        return [alarm_arn(self.region, ACCOUNT_ID_TOKEN, n) for n in self.names]

    def targets(self, alarm: AlarmSpec) -> tuple[str, ...]:
        """Where the alarm's ALARM and OK notifications go: the alarm topic (``TOPIC_TOKEN``), plus
        the pager topics for a page; nothing for a roll-up's children."""
        if not alarm.actions:
            return ()
        return (TOPIC_TOKEN, *self.page_topics) if alarm.urgency == "page" else (TOPIC_TOKEN,)

    def insufficient_data_targets(self, alarm: AlarmSpec) -> tuple[str, ...]:
        """Where INSUFFICIENT_DATA goes: the alarm topic, for every metric alarm (children included).

        Every alarm here treats missing data as breaching or not, so once created it never lacks
        data: INSUFFICIENT_DATA can only mean CloudWatch cannot evaluate it (a query it refuses, a
        metric it cannot read). That is worth an e-mail, never a page. (A new alarm starts in
        INSUFFICIENT_DATA without a transition into it, so creating one sends nothing.)
        """
        return (TOPIC_TOKEN,) if isinstance(alarm, MetricAlarmSpec) else ()

    def linked(self, dashboards: Sequence[Dashboard]) -> AlarmPlan:
        """The plan with every description linking the dashboard that shows its model (page 1 otherwise)."""
        home = dashboards[0].url
        pages = {m: d.url for d in dashboards for m in d.model_names}
        return replace(
            self,
            metric_alarms=tuple(replace(a, dashboard=pages.get(a.model or "", home)) for a in self.metric_alarms),
            composites=tuple(replace(c, dashboard=pages.get(c.model or "", home)) for c in self.composites),
        )


def build_alarms(settings: Settings, *, project: str, stack: str, prefix: str | None = None) -> AlarmPlan:
    """Every alarm the stack needs, deterministically, in model order then kind order. ``prefix``:
    instead of ``<project>-<stack>-<region>`` (a monitoring stack's alarms on one source account)."""
    prefix = prefix or f"{project}-{stack}-{settings.region}"
    specs: list[MetricAlarmSpec] = []
    composites: list[CompositeAlarmSpec] = []
    annotations: Annotations = {}
    rules = settings.alarms
    too_long: list[Problem] = []
    for index, model in enumerate(settings.models):
        if model.region not in (None, settings.region):
            continue  # its metrics are in another Region, where alarms on them must live
        path = f"{NAMESPACE}:models[{index}].{'label' if model.name_derived else 'name'}"
        context = ModelContext(settings, model, prefix, rules.for_model(model.alarms), path)
        try:
            model_specs = [s for s in (build(context) for build in MODEL_ALARMS) if s is not None]
            model_specs, rollup = roll_up(
                prefix,
                model.name,
                model.display,
                model_specs,
                enabled=rules.health.enabled,
                model=model.name,
                name=model_alarm_name(prefix, model, "health", path),
                where="The model's section of the dashboard shows every graph with its thresholds.",
            )
        except LimitError as exc:
            if exc.path is None:
                raise
            too_long.append(Problem(exc.path, str(exc)))  # every model's at once
            continue
        composites += [rollup] if rollup else []
        specs += model_specs
        annotations |= context.annotations  # keyed by model name: no two models share a key
    if too_long:
        raise ConfigError(too_long)
    specs += stack_alarms(settings, prefix)
    # Guardrails and batch inference (llm-monitor:surfaces), with their own roll-ups when they page.
    surface_specs, surface_rollups, surface_lines = surface_alarms(settings, prefix)
    specs += surface_specs
    composites += surface_rollups
    annotations |= surface_lines
    names = Counter([s.name for s in specs] + [c.name for c in composites])
    duplicates = sorted(n for n, count in names.items() if count > 1)
    if duplicates:
        raise ValueError(f"alarm names are not unique: {', '.join(duplicates)}")
    return AlarmPlan(
        settings.region,
        prefix,
        tuple(specs),
        tuple(composites),
        annotations,
        tuple(settings.notifications.topic_arns),
    )
