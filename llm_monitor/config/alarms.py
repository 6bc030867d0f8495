"""``llm-monitor:alarms``: alarm thresholds (stack-wide defaults; per-model overrides).

Each alarm kind (``llm_monitor/config/alarm_kinds.py``) is a block with ``enabled``, ``urgency``,
a threshold in the kind's own unit, and the M-of-N window (``periodSeconds``,
``evaluationPeriods`` N, ``datapointsToAlarm`` M). A model's ``alarms`` block overrides single
fields of single kinds; everything it leaves out comes from ``llm-monitor:alarms``, which in turn
defaults to the kinds' own defaults.

CloudWatch rules checked here (PutMetricAlarm, botocore ``cloudwatch`` model): the period is
10, 20, 30 or a multiple of 60 seconds; Period × EvaluationPeriods is at most 86,400 s when the
period is under an hour and at most 604,800 s otherwise; DatapointsToAlarm ≤ EvaluationPeriods;
an ExtendedStatistic percentile lies between p0.0 and p100.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import field_validator
from pydantic.alias_generators import to_camel

from llm_monitor.config.alarm_kinds import (
    AlarmRule,
    ApplicationErrorRateAlarm,
    ApplicationsAlarm,
    CostAlarm,
    ErrorRateAlarm,
    HealthRollup,
    InvocationAnomalyAlarm,
    LatencyAlarm,
    LatencyAnomalyAlarm,
    LogDeliveryFailureAlarm,
    LogDeliveryStoppedAlarm,
    NotificationFailureAlarm,
    OutputTokensPerSecondAlarm,
    QuotaAlarm,
    ServerErrorsAlarm,
    ThrottleRateAlarm,
    ThrottlesAlarm,
    TimeToFirstTokenAlarm,
    TrafficLossAlarm,
)
from llm_monitor.config.base import Section
from llm_monitor.config.errors import Problem
from llm_monitor.config.quota_kinds import DailyQuotaAlarm, FlexLatencyAlarm, ReservedOverflowAlarm

if TYPE_CHECKING:
    from llm_monitor.config.models import ModelSettings

#: Longest evaluation window CloudWatch accepts for periods under an hour, and for longer ones.
MAX_WINDOW_SHORT_PERIODS = 86_400
MAX_WINDOW = 604_800
_WINDOW_FIELDS = ("period_seconds", "evaluation_periods", "datapoints_to_alarm")


def max_window(period: int) -> int:
    """The longest evaluation window (Period × EvaluationPeriods) CloudWatch accepts for ``period``."""
    return MAX_WINDOW_SHORT_PERIODS if period < 3600 else MAX_WINDOW


def window_problem(rule: AlarmRule) -> str | None:
    """What CloudWatch would reject about this rule's window, or None."""
    if rule.datapoints_to_alarm > rule.evaluation_periods:
        return (
            f"datapointsToAlarm ({rule.datapoints_to_alarm}) is more than evaluationPeriods "
            f"({rule.evaluation_periods}); M of N needs M ≤ N"
        )
    window = rule.period_seconds * rule.evaluation_periods
    limit = max_window(rule.period_seconds)
    if window > limit:
        kind = "under an hour" if limit == MAX_WINDOW_SHORT_PERIODS else "an hour or more"
        return (
            f"periodSeconds × evaluationPeriods = {rule.period_seconds} × {rule.evaluation_periods} "
            f"= {window:,} s; CloudWatch allows at most {limit:,} s when the period is {kind}"
        )
    return None


class ModelAlarmOverrides(Section):
    """Per-model overrides of ``llm-monitor:alarms``: only the fields written here replace the stack's."""

    latency: LatencyAlarm | None = None
    time_to_first_token: TimeToFirstTokenAlarm | None = None
    latency_anomaly: LatencyAnomalyAlarm | None = None
    server_errors: ServerErrorsAlarm | None = None
    error_rate: ErrorRateAlarm | None = None
    application_error_rate: ApplicationErrorRateAlarm | None = None
    throttles: ThrottlesAlarm | None = None
    throttle_rate: ThrottleRateAlarm | None = None
    traffic_loss: TrafficLossAlarm | None = None
    quota: QuotaAlarm | None = None
    daily_quota: DailyQuotaAlarm | None = None
    cost: CostAlarm | None = None
    invocation_anomaly: InvocationAnomalyAlarm | None = None
    output_tokens_per_second: OutputTokensPerSecondAlarm | None = None
    flex_latency: FlexLatencyAlarm | None = None
    reserved_overflow: ReservedOverflowAlarm | None = None


#: The per-model alarm kinds, in the order alarms are generated (the fields of ModelAlarmOverrides).
MODEL_KINDS: tuple[str, ...] = tuple(ModelAlarmOverrides.model_fields)


class AlarmSettings(Section):
    """Stack-wide alarm settings: the default of every per-model kind, and the stack's own alarms."""

    latency: LatencyAlarm = LatencyAlarm()
    time_to_first_token: TimeToFirstTokenAlarm = TimeToFirstTokenAlarm()
    latency_anomaly: LatencyAnomalyAlarm = LatencyAnomalyAlarm()
    server_errors: ServerErrorsAlarm = ServerErrorsAlarm()
    error_rate: ErrorRateAlarm = ErrorRateAlarm()
    application_error_rate: ApplicationErrorRateAlarm = ApplicationErrorRateAlarm()
    """Also the rule of the per-application alarms (``applications``)."""
    throttles: ThrottlesAlarm = ThrottlesAlarm()
    throttle_rate: ThrottleRateAlarm = ThrottleRateAlarm()
    traffic_loss: TrafficLossAlarm = TrafficLossAlarm()
    """Only for models marked busy (enabled, with a threshold)."""
    quota: QuotaAlarm = QuotaAlarm()
    """Only for models with ``tokensPerMinuteQuota`` or its code."""
    daily_quota: DailyQuotaAlarm = DailyQuotaAlarm()
    """Only for models with a daily quota (typed, its code, or from the per-minute quota)."""
    cost: CostAlarm = CostAlarm()
    """Only for models with at least one token price."""
    invocation_anomaly: InvocationAnomalyAlarm = InvocationAnomalyAlarm()
    output_tokens_per_second: OutputTokensPerSecondAlarm = OutputTokensPerSecondAlarm()
    """Only for models with a ``baseline``."""
    flex_latency: FlexLatencyAlarm = FlexLatencyAlarm()
    """Only for models whose ``serviceTiers`` declare ``flex``."""
    reserved_overflow: ReservedOverflowAlarm = ReservedOverflowAlarm()
    """Only for models whose ``serviceTiers`` declare ``reserved``."""
    log_delivery_failures: LogDeliveryFailureAlarm = LogDeliveryFailureAlarm()
    """Only when invocation logging is on (``llm-monitor:logs``)."""
    log_delivery_stopped: LogDeliveryStoppedAlarm = LogDeliveryStoppedAlarm()
    """Only when invocation logging is on."""
    notification_failures: NotificationFailureAlarm = NotificationFailureAlarm()
    applications: ApplicationsAlarm = ApplicationsAlarm()
    """One error-rate alarm per named application."""
    health: HealthRollup = HealthRollup()

    # A field validator runs for each block that parsed, even when a sibling block failed, so
    # window problems are reported together with every other problem of the section.
    @field_validator(
        *MODEL_KINDS, "log_delivery_failures", "log_delivery_stopped", "notification_failures", "applications"
    )
    @classmethod
    def _window_accepted(cls, rule: AlarmRule) -> AlarmRule:
        problem = window_problem(rule)
        if problem:
            raise ValueError(problem)
        return rule

    @field_validator("traffic_loss", "output_tokens_per_second")
    @classmethod
    def _has_its_number(cls, rule: AlarmRule) -> AlarmRule:
        # A model's override may leave these out (the stack's values fill in); the stack's may not.
        missing = _missing_number(rule)
        if rule.enabled and missing:
            raise ValueError(f"enabled without {missing}")
        return rule

    def for_model(self, overrides: ModelAlarmOverrides) -> AlarmSettings:
        """These settings with one model's overrides applied, field by field."""
        update: dict[str, AlarmRule] = {}
        for kind in MODEL_KINDS:
            override: AlarmRule | None = getattr(overrides, kind)
            if override is not None:
                base: AlarmRule = getattr(self, kind)
                update[kind] = base.model_copy(update={f: getattr(override, f) for f in override.model_fields_set})
        return self.model_copy(update=update)


def alarm_problems(alarms: AlarmSettings, models: Sequence[ModelSettings], prefix: str) -> list[Problem]:
    """Per-model checks that need the stack's values too: M-of-N windows after overrides, and
    alarm kinds a model lacks the data for.

    ``prefix`` is the config namespace (``llm-monitor``). A model is blamed only for what its own
    override changed (the stack's own windows are checked when ``llm-monitor:alarms`` is parsed).
    """
    problems = []
    for index, model in enumerate(models):
        effective = alarms.for_model(model.alarms)
        for kind in MODEL_KINDS:
            override: AlarmRule | None = getattr(model.alarms, kind)
            if override is None:
                continue
            path = f"{prefix}:models[{index}].alarms.{to_camel(kind)}"
            rule: AlarmRule = getattr(effective, kind)
            problem = window_problem(rule)
            if problem and override.model_fields_set & set(_WINDOW_FIELDS):
                problems.append(Problem(path, f"with the stack's defaults filled in, {problem}"))
            if not override.enabled:
                continue
            missing = _missing_data(kind, model, rule)
            if missing:
                problems.append(Problem(path, missing))
        problems += _cost_metrics(effective, model, f"{prefix}:models[{index}]")
    return problems


#: CloudWatch: "Alarms based on metric math expressions can reference a maximum of 10 metrics"
#: (CloudWatch user guide, alarm-limits.html; a hard limit).
MAX_ALARM_METRICS = 10


def _cost_metrics(rules: AlarmSettings, model: ModelSettings, path: str) -> list[Problem]:
    """A tier-priced cost alarm that would read more metrics than an alarm may."""
    # Imported here: the pricing module imports this package.
    from llm_monitor.pricing import alarm_metrics

    if not rules.cost.enabled or not model.priced or model.service_tiers is None:
        return []
    count = alarm_metrics(model)
    if count <= MAX_ALARM_METRICS:
        return []
    return [
        Problem(
            f"{path}.serviceTiers",
            f"the cost alarm would read {count} metrics (every priced kind of token, plus each tier whose prices "
            f"differ, per kind; the prompt-cache kinds under both of their names); a metric-math alarm reads at "
            f"most {MAX_ALARM_METRICS}. Give fewer tier prices that differ from Standard (cache kinds cost two "
            "metrics each), or turn the cost alarm off for this model (alarms.cost.enabled: false)",
        )
    ]


def _missing_data(kind: str, model: ModelSettings, rule: AlarmRule) -> str | None:
    """Why this model cannot have this enabled kind of alarm, or None."""
    if kind == "quota" and not model.has_minute_quota:
        return "the quota alarm is a percentage of tokensPerMinuteQuota; set it (or its code) on this model"
    if kind == "daily_quota" and not model.has_daily_quota:
        return "the daily quota alarm needs tokensPerDayQuota, its code, or tokensPerMinuteQuota on this model"
    if kind == "flex_latency" and "flex" not in model.tiers:
        return "flexLatency watches the Flex tier; declare serviceTiers.flex on this model"
    if kind == "reserved_overflow" and "reserved" not in model.tiers:
        return "reservedOverflow watches the Reserved tier; declare serviceTiers.reserved on this model"
    if kind == "cost" and not model.priced:
        return "the cost alarm needs at least one token price on this model"
    missing = _missing_number(rule)
    return f"{to_camel(kind)} needs {missing}" if missing else None


def _missing_number(rule: AlarmRule) -> str | None:
    """What a kind that has no useful default lacks: a traffic floor, an OTPS baseline."""
    if isinstance(rule, TrafficLossAlarm) and rule.threshold is None:
        return "a threshold: the requests per period below which traffic counts as lost"
    if isinstance(rule, OutputTokensPerSecondAlarm) and rule.baseline is None:
        return "a baseline: the model's normal output tokens per second (read it off the OTPS graph)"
    return None
