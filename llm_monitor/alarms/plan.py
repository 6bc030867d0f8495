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

from llm_monitor import catalogue as cat
from llm_monitor.alarms import errors, latency, spend, traffic
from llm_monitor.alarms.context import Annotations, ModelContext, model_alarm_name
from llm_monitor.alarms.specs import ABOVE, AT_OR_ABOVE, AlarmSpec, CompositeAlarmSpec, MetricAlarmSpec, window
from llm_monitor.aws import ACCOUNT_ID_TOKEN, alarm_arn
from llm_monitor.config import NAMESPACE, ConfigError, LimitError, Problem, Settings
from llm_monitor.config.alarms import AlarmSettings
from llm_monitor.config.models import ModelSettings
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
    spend.quota,
    spend.cost,
    traffic.invocation_anomaly,
    latency.output_tokens_per_second,
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
        return alarm_arn(self.region, ACCOUNT_ID_TOKEN, f"{self.prefix}-*")

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

    def linked(self, dashboards: Sequence[Dashboard]) -> AlarmPlan:
        """The plan with every description linking the dashboard that shows its model (page 1 otherwise)."""
        home = dashboards[0].url
        pages = {m: d.url for d in dashboards for m in d.model_names}
        return replace(
            self,
            metric_alarms=tuple(replace(a, dashboard=pages.get(a.model or "", home)) for a in self.metric_alarms),
            composites=tuple(replace(c, dashboard=pages.get(c.model or "", home)) for c in self.composites),
        )


def build_alarms(settings: Settings, *, project: str, stack: str) -> AlarmPlan:
    """Every alarm the stack needs, deterministically, in model order then kind order."""
    prefix = f"{project}-{stack}-{settings.region}"
    specs: list[MetricAlarmSpec] = []
    composites: list[CompositeAlarmSpec] = []
    annotations: Annotations = {}
    rules = settings.alarms
    too_long: list[Problem] = []
    for index, model in enumerate(settings.models):
        path = f"{NAMESPACE}:models[{index}].{'label' if model.name_derived else 'name'}"
        context = ModelContext(settings, model, prefix, rules.for_model(model.alarms), path)
        try:
            model_specs = [s for s in (build(context) for build in MODEL_ALARMS) if s is not None]
            paging = [s for s in model_specs if s.urgency == "page"]
            if rules.health.enabled and paging:
                composites.append(_health(prefix, model, paging, path))
        except LimitError as exc:
            if exc.path is None:
                raise
            too_long.append(Problem(exc.path, str(exc)))  # every model's at once
            continue
        if rules.health.enabled and paging:
            model_specs = [replace(s, actions=False) if s.urgency == "page" else s for s in model_specs]
        specs += model_specs
        annotations |= context.annotations  # keyed by model name: no two models share a key
    if too_long:
        raise ConfigError(too_long)
    specs += _stack_alarms(settings, prefix)
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


def _health(prefix: str, model: ModelSettings, paging: Sequence[MetricAlarmSpec], path: str) -> CompositeAlarmSpec:
    kinds = ", ".join(s.kind for s in paging)
    return CompositeAlarmSpec(
        key=f"{model.name}-health",
        name=model_alarm_name(prefix, model, "health", path),
        children=tuple(s.name for s in paging),
        model=model.name,
        meaning=f"{model.display}: at least one of its paging alarms is in ALARM ({kinds}). This one page covers "
        "all of them until every one is OK again.",
        check_first="The alarm named in the notification's TriggeringChildren; its description says what to "
        "check. The model's section of the dashboard shows every graph with its thresholds.",
    )


def _stack_alarms(settings: Settings, prefix: str) -> list[MetricAlarmSpec]:
    rules = settings.alarms
    specs = []
    if settings.logs.invocation_logging.enabled and rules.log_delivery_failures.enabled:
        specs.append(_delivery_failures(prefix, rules))
    rule = rules.applications
    if rule.enabled:
        for app in rule.names:
            condition, consequence, check_first = errors.application_text(rule, "application")
            when = window(rule.period_seconds, rule.evaluation_periods, rule.datapoints_to_alarm)
            specs.append(
                MetricAlarmSpec(
                    key=f"app-{app}-error-rate",
                    name=f"{prefix}-app-{app}-error-rate",
                    kind="application-error-rate",
                    model=None,
                    urgency=rule.urgency,
                    meaning=f"Application {app}: {condition}, {when}. {consequence}.",
                    check_first=check_first,
                    comparison=ABOVE,
                    evaluation_periods=rule.evaluation_periods,
                    datapoints_to_alarm=rule.datapoints_to_alarm,
                    threshold=rule.threshold,
                    queries=errors.application_queries(
                        rule, settings.logs.application_namespace, (cat.APPLICATION, app)
                    ),
                )
            )
    return specs


def _delivery_failures(prefix: str, rules: AlarmSettings) -> MetricAlarmSpec:
    rule = rules.log_delivery_failures
    metric = cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE
    when = window(rule.period_seconds, rule.evaluation_periods, rule.datapoints_to_alarm)
    return MetricAlarmSpec(
        key="invocation-log-delivery-failures",
        name=f"{prefix}-invocation-log-delivery-failures",
        kind="invocation-log-delivery-failures",
        model=None,
        urgency=rule.urgency,
        meaning=f"{rule.threshold} or more {metric.name}, {when}. Bedrock could not "
        "write invocation-log records to CloudWatch Logs; those records are lost.",
        check_first="The logging role's permissions, the log group's KMS key policy and whether the log "
        "group still exists.",
        comparison=AT_OR_ABOVE,
        evaluation_periods=rule.evaluation_periods,
        datapoints_to_alarm=rule.datapoints_to_alarm,
        threshold=rule.threshold,
        metric=metric,
        period=rule.period_seconds,
        statistic="Sum",
    )
