"""``llm-monitor:alarms``: alarm thresholds (stack-wide defaults; per-model overrides).

Each alarm kind is a block with ``enabled``, a ``threshold`` in the kind's own unit, and the
M-of-N window (``periodSeconds``, ``evaluationPeriods`` N, ``datapointsToAlarm`` M). A model's
``alarms`` block overrides single fields of single kinds; everything it leaves out comes from
``llm-monitor:alarms``, which in turn defaults to the values below.

CloudWatch rules checked here (PutMetricAlarm, botocore ``cloudwatch`` model): the period is
10, 20, 30 or a multiple of 60 seconds; Period × EvaluationPeriods is at most 86,400 s when the
period is under an hour and at most 604,800 s otherwise; DatapointsToAlarm ≤ EvaluationPeriods;
an ExtendedStatistic percentile lies between p0.0 and p100.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator
from pydantic.alias_generators import to_camel

from llm_monitor.config.base import Section
from llm_monitor.config.errors import Problem

if TYPE_CHECKING:
    from llm_monitor.config.models import ModelSettings

#: Longest evaluation window CloudWatch accepts for periods under an hour, and for longer ones.
MAX_WINDOW_SHORT_PERIODS = 86_400
MAX_WINDOW = 604_800
#: CloudWatch documents percentiles as ``pNN.NN`` (up to two decimals) from p0.0 to p100.
_PERCENTILE = re.compile(r"p(?P<value>[0-9]{1,3}(\.[0-9]{1,2})?)")
_WINDOW_FIELDS = ("period_seconds", "evaluation_periods", "datapoints_to_alarm")


def max_window(period: int) -> int:
    """The longest evaluation window (Period × EvaluationPeriods) CloudWatch accepts for ``period``."""
    return MAX_WINDOW_SHORT_PERIODS if period < 3600 else MAX_WINDOW


def check_percentile(value: str) -> str:
    """``value`` if CloudWatch accepts it as a percentile ExtendedStatistic, else ValueError."""
    match = _PERCENTILE.fullmatch(value)
    if not match or float(match.group("value")) > 100:
        raise ValueError(
            f"{value!r} is not a CloudWatch percentile; use p0.0 to p100 with at most two decimals (p90, p99, p99.9)"
        )
    return value


class AlarmRule(Section):
    """What every alarm kind has: a switch and an M-of-N evaluation window."""

    enabled: bool = True
    """Create this alarm (for every model, or for this model in a model's override)."""
    period_seconds: int = 60
    """Length of one evaluated period."""
    evaluation_periods: int = Field(default=5, ge=1)
    """N: the periods looked at."""
    datapoints_to_alarm: int = Field(default=3, ge=1)
    """M: breaching periods among the last N that set the alarm off."""

    @field_validator("period_seconds")
    @classmethod
    def _whole_minutes(cls, value: int) -> int:
        # CloudWatch also takes 10, 20 and 30 s, but only for high-resolution metrics; Bedrock
        # publishes 1-minute data, so such an alarm would sit in INSUFFICIENT_DATA.
        if value < 60 or value % 60:
            raise ValueError(
                f"{value} is not a whole number of minutes; Bedrock publishes 1-minute metrics: use 60, 120, 300, ..."
            )
        return value

    def window_problem(self) -> str | None:
        """What CloudWatch would reject about this window, or None."""
        if self.datapoints_to_alarm > self.evaluation_periods:
            return (
                f"datapointsToAlarm ({self.datapoints_to_alarm}) is more than evaluationPeriods "
                f"({self.evaluation_periods}); M of N needs M ≤ N"
            )
        window = self.period_seconds * self.evaluation_periods
        limit = max_window(self.period_seconds)
        if window > limit:
            kind = "under an hour" if limit == MAX_WINDOW_SHORT_PERIODS else "an hour or more"
            return (
                f"periodSeconds × evaluationPeriods = {self.period_seconds} × {self.evaluation_periods} "
                f"= {window:,} s; "
                f"CloudWatch allows at most {limit:,} s when the period is {kind}"
            )
        return None


class SinglePeriodRule(AlarmRule):
    """An alarm kind that judges one period (M = N = 1), of 5 minutes unless the kind says otherwise."""

    period_seconds: int = 300
    evaluation_periods: int = Field(default=1, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)


class PercentileRule(AlarmRule):
    """A latency percentile above a threshold."""

    statistic: str = "p90"
    """Percentile to watch (p90, p99, p99.9, ...)."""
    threshold: float = Field(default=30_000, gt=0, allow_inf_nan=False)
    """Milliseconds."""

    _check_statistic = field_validator("statistic")(classmethod(lambda cls, v: check_percentile(v)))


class LatencyAlarm(PercentileRule):
    """InvocationLatency percentile (request sent to last token) above ``threshold`` ms."""


class TimeToFirstTokenAlarm(PercentileRule):
    """TimeToFirstToken percentile above ``threshold`` ms (streaming APIs only)."""

    threshold: float = Field(default=5_000, gt=0, allow_inf_nan=False)


class ServerErrorsAlarm(SinglePeriodRule):
    """At least ``threshold`` InvocationServerErrors in one period (default: 5 in 5 minutes)."""

    threshold: int = Field(default=5, ge=1)
    """Server errors per period."""


class ThrottlesAlarm(SinglePeriodRule):
    """At least ``threshold`` InvocationThrottles in one period; off by default (see throttleRate)."""

    enabled: bool = False
    threshold: int = Field(default=50, ge=1)
    """Throttled requests per period."""


class RateRule(AlarmRule):
    """A percentage computed with metric math, ignored while traffic is too thin to mean much."""

    threshold: float = Field(default=5, gt=0, le=100, allow_inf_nan=False)
    """Percent."""
    min_invocations: int = Field(default=20, ge=1)
    """Periods with fewer requests than this never breach (one failure in two calls is not 50%)."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=3, ge=1)
    datapoints_to_alarm: int = Field(default=2, ge=1)


class ErrorRateAlarm(RateRule):
    """Client plus server errors as a percentage of invocations."""


class ThrottleRateAlarm(RateRule):
    """Throttles as a percentage of attempts (invocations plus throttles)."""

    threshold: float = Field(default=10, gt=0, le=100, allow_inf_nan=False)


class QuotaAlarm(AlarmRule):
    """EstimatedTPMQuotaUsage above ``threshold`` percent of the model's ``tokensPerMinuteQuota``."""

    threshold: float = Field(default=80, gt=0, le=100, allow_inf_nan=False)
    """Percent of the tokens-per-minute quota."""


class CostAlarm(SinglePeriodRule):
    """Estimated spend (token metrics × the model's prices) above ``threshold`` USD per hour."""

    threshold: float = Field(default=10, gt=0, allow_inf_nan=False)
    """USD per hour."""
    period_seconds: int = 3600


class InvocationAnomalyAlarm(AlarmRule):
    """Invocations outside CloudWatch's anomaly-detection band; off by default."""

    enabled: bool = False
    band_width: float = Field(default=2, gt=0, le=100, allow_inf_nan=False)
    """Width of the expected band in standard deviations (ANOMALY_DETECTION_BAND's second argument)."""
    direction: Literal["above", "below", "outside"] = "outside"
    """Which side of the band breaches."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=3, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class LogDeliveryFailureAlarm(SinglePeriodRule):
    """Invocation-log records Bedrock failed to deliver to CloudWatch Logs (when invocation logging is on)."""

    threshold: int = Field(default=1, ge=1)
    """Failed deliveries per period."""


class HealthRollup(Section):
    """The composite "LLM health" alarm over every per-model alarm."""

    enabled: bool = True


class ModelAlarmOverrides(Section):
    """Per-model overrides of ``llm-monitor:alarms``: only the fields written here replace the stack's."""

    latency: LatencyAlarm | None = None
    time_to_first_token: TimeToFirstTokenAlarm | None = None
    server_errors: ServerErrorsAlarm | None = None
    error_rate: ErrorRateAlarm | None = None
    throttles: ThrottlesAlarm | None = None
    throttle_rate: ThrottleRateAlarm | None = None
    quota: QuotaAlarm | None = None
    cost: CostAlarm | None = None
    invocation_anomaly: InvocationAnomalyAlarm | None = None


#: The per-model alarm kinds, in the order alarms are generated (the fields of ModelAlarmOverrides).
MODEL_KINDS: tuple[str, ...] = tuple(ModelAlarmOverrides.model_fields)


class AlarmSettings(Section):
    """Stack-wide alarm settings: the default of every per-model kind, and the stack's own alarms."""

    latency: LatencyAlarm = LatencyAlarm()
    time_to_first_token: TimeToFirstTokenAlarm = TimeToFirstTokenAlarm()
    server_errors: ServerErrorsAlarm = ServerErrorsAlarm()
    error_rate: ErrorRateAlarm = ErrorRateAlarm()
    throttles: ThrottlesAlarm = ThrottlesAlarm()
    throttle_rate: ThrottleRateAlarm = ThrottleRateAlarm()
    quota: QuotaAlarm = QuotaAlarm()
    """Only for models with ``tokensPerMinuteQuota``."""
    cost: CostAlarm = CostAlarm()
    """Only for models with at least one token price."""
    invocation_anomaly: InvocationAnomalyAlarm = InvocationAnomalyAlarm()
    log_delivery_failures: LogDeliveryFailureAlarm = LogDeliveryFailureAlarm()
    """Only when invocation logging is on (``llm-monitor:logs``)."""
    health: HealthRollup = HealthRollup()

    # A field validator runs for each block that parsed, even when a sibling block failed, so
    # window problems are reported together with every other problem of the section.
    @field_validator(*MODEL_KINDS, "log_delivery_failures")
    @classmethod
    def _window_accepted(cls, rule: AlarmRule) -> AlarmRule:
        problem = rule.window_problem()
        if problem:
            raise ValueError(problem)
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

    ``prefix`` is the config namespace (``llm-monitor``). A model is blamed only for a window its
    own override changed (the stack's own windows are checked when ``llm-monitor:alarms`` is parsed).
    """
    problems = []
    for index, model in enumerate(models):
        effective = alarms.for_model(model.alarms)
        for kind in MODEL_KINDS:
            override: AlarmRule | None = getattr(model.alarms, kind)
            if override is None:
                continue
            path = f"{prefix}:models[{index}].alarms.{to_camel(kind)}"
            problem = getattr(effective, kind).window_problem()
            if problem and override.model_fields_set & set(_WINDOW_FIELDS):
                problems.append(Problem(path, f"with the stack's defaults filled in, {problem}"))
            if kind == "quota" and not model.tokens_per_minute_quota and override.enabled:
                problems.append(
                    Problem(path, "the quota alarm is a percentage of tokensPerMinuteQuota; set it on this model")
                )
            if kind == "cost" and not model.priced and override.enabled:
                problems.append(Problem(path, "the cost alarm needs at least one token price on this model"))
    return problems
