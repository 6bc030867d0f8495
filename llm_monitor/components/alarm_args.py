"""The alarm arguments of ``BedrockMonitoringArgs`` (``alarms`` and each model's ``alarms``).

Mirrors ``llm_monitor/config/alarm_kinds.py`` and ``llm_monitor/config/alarms.py`` field for field
(tests/test_monitoring_args.py). No ``from __future__ import annotations``: Pulumi's schema
analyzer reads the annotations as objects. The common fields (enabled, urgency and the M-of-N
window) are ``AlarmRuleArgs``'; every alarm kind has them.
"""

from enum import StrEnum
from typing import TypedDict


class Urgency(StrEnum):
    """What an alarm does when it goes off."""

    PAGE = "page"
    """Pages, through the model's health roll-up."""
    NOTIFY = "notify"
    """E-mails the alarm topic."""


class Day(StrEnum):
    """A day of the week (UTC)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class DailyQuotaWindow(StrEnum):
    """The day a daily-quota alarm sums."""

    ROLLING = "rolling"
    """The last 24 hours, evaluated every minute."""
    CALENDAR_DAY = "calendarDay"
    """The UTC day, evaluated once it has ended."""


class AnomalyDirection(StrEnum):
    """Which side of an anomaly band breaches."""

    ABOVE = "above"
    BELOW = "below"
    OUTSIDE = "outside"


class AlarmRuleArgs(TypedDict, total=False):
    """What every alarm kind has: a switch, an urgency and an M-of-N evaluation window."""

    enabled: bool
    """Create this alarm."""
    urgency: Urgency
    """``page`` or ``notify``."""
    period_seconds: int
    """Length of one evaluated period, a whole number of minutes."""
    evaluation_periods: int
    """N: the periods looked at."""
    datapoints_to_alarm: int
    """M: breaching periods among the last N that set the alarm off."""


class LatencyAlarmArgs(AlarmRuleArgs, total=False):
    """InvocationLatency percentile above ``threshold`` ms (and enabled, urgency, periodSeconds, evaluationPeriods,
    datapointsToAlarm, as every alarm kind)."""

    statistic: str
    """Percentile to watch (p90, p99, p99.9)."""
    threshold: float
    """Milliseconds."""


class TimeToFirstTokenAlarmArgs(AlarmRuleArgs, total=False):
    """TimeToFirstToken percentile above ``threshold`` ms (streaming APIs only)."""

    statistic: str
    """Percentile to watch."""
    threshold: float
    """Milliseconds."""


class LatencyAnomalyAlarmArgs(AlarmRuleArgs, total=False):
    """A latency percentile above its anomaly-detection band."""

    statistic: str
    """Percentile to watch."""
    band_width: float
    """Width of the expected band in standard deviations."""


class ServerErrorsAlarmArgs(AlarmRuleArgs, total=False):
    """At least ``threshold`` InvocationServerErrors in one period."""

    threshold: int
    """Server errors per period."""


class ErrorRateAlarmArgs(AlarmRuleArgs, total=False):
    """Client plus server errors as a percentage of requests."""

    threshold: float
    """Percent."""
    min_errors: int
    """Errors a period needs to breach (or every call of the period failing)."""


class ApplicationErrorRateAlarmArgs(ErrorRateAlarmArgs, total=False):
    """Failures the applications logged for the model, as a percentage of their calls (needs the logs part)."""


class ThrottlesAlarmArgs(AlarmRuleArgs, total=False):
    """At least ``threshold`` InvocationThrottles in one period."""

    threshold: int
    """Throttled requests per period."""


class ThrottleRateAlarmArgs(AlarmRuleArgs, total=False):
    """Throttles as a percentage of attempts."""

    threshold: float
    """Percent."""
    min_throttles: int
    """Throttles a period needs to breach."""


class ScheduleArgs(TypedDict, total=False):
    """When traffic is expected, in UTC (``startHour`` after ``endHour`` spans midnight)."""

    days: list[Day]
    """Days of the week."""
    start_hour: int
    """0-23."""
    end_hour: int
    """1-24, exclusive."""


class TrafficLossAlarmArgs(AlarmRuleArgs, total=False):
    """Fewer than ``threshold`` requests reaching Bedrock in a period, for a model expected to be busy."""

    threshold: int
    """Requests per period below which traffic counts as lost (required when enabled)."""
    schedule: ScheduleArgs
    """Only expect traffic then; always when omitted."""


class QuotaAlarmArgs(AlarmRuleArgs, total=False):
    """EstimatedTPMQuotaUsage above ``threshold`` percent of the model's tokensPerMinuteQuota."""

    threshold: float
    """Percent of the tokens-per-minute quota."""


class DailyQuotaAlarmArgs(AlarmRuleArgs, total=False):
    """Tokens of one day above ``threshold`` percent of the model's daily token quota."""

    threshold: float
    """Percent of the daily quota."""
    window: DailyQuotaWindow
    """rolling or calendarDay."""


class FlexLatencyAlarmArgs(AlarmRuleArgs, total=False):
    """InvocationLatency of the calls the Flex tier served, with its own threshold."""

    statistic: str
    """Percentile to watch."""
    threshold: float
    """Milliseconds."""


class ReservedOverflowAlarmArgs(AlarmRuleArgs, total=False):
    """Reserved-tier requests served by Standard, as a percentage of the requests that asked for Reserved."""

    threshold: float
    """Percent."""


class CostAlarmArgs(AlarmRuleArgs, total=False):
    """Estimated spend above ``threshold`` USD per hour (models with a token price), counted per clock
    hour (UTC): ``period_seconds`` must be a clock period (60, 300, 3600, 86400 or 604800)."""

    threshold: float
    """USD per hour."""


class InvocationAnomalyAlarmArgs(AlarmRuleArgs, total=False):
    """Invocations outside CloudWatch's anomaly-detection band."""

    band_width: float
    """Width of the expected band in standard deviations."""
    direction: AnomalyDirection
    """Which side of the band breaches."""


class OutputTokensPerSecondAlarmArgs(AlarmRuleArgs, total=False):
    """Output tokens per second below ``fraction`` of ``baseline``."""

    baseline: float
    """The model's normal output tokens per second."""
    fraction: float
    """Share of the baseline below which the alarm breaches."""


class LogDeliveryFailureAlarmArgs(AlarmRuleArgs, total=False):
    """Invocation-log records Bedrock failed to deliver (when invocation logging is on)."""

    threshold: int
    """Failed deliveries per period."""


class LogDeliveryStoppedAlarmArgs(AlarmRuleArgs, total=False):
    """Bedrock invocations go on while no invocation-log record reaches the log group."""

    min_invocations: int
    """Invocations of the stack's models per period that count as traffic worth a record."""


class NotificationFailureAlarmArgs(AlarmRuleArgs, total=False):
    """The alarm topic failed to deliver ``threshold`` notifications in a period."""

    threshold: int
    """Failed deliveries per period."""


class ApplicationsAlarmArgs(ApplicationErrorRateAlarmArgs, total=False):
    """An error-rate alarm per application named in the application logs (needs the logs part)."""

    names: list[str]
    """The applications (the ``app`` field of the application logs)."""


class HealthRollupArgs(TypedDict, total=False):
    """One composite health alarm per model over its paging alarms: the only thing that pages."""

    enabled: bool
    """Roll the paging alarms up per model."""


class ModelAlarmsArgs(TypedDict, total=False):
    """A model's overrides of ``alarms``: only the fields given replace the stack-wide ones."""

    latency: LatencyAlarmArgs
    time_to_first_token: TimeToFirstTokenAlarmArgs
    latency_anomaly: LatencyAnomalyAlarmArgs
    server_errors: ServerErrorsAlarmArgs
    error_rate: ErrorRateAlarmArgs
    application_error_rate: ApplicationErrorRateAlarmArgs
    throttles: ThrottlesAlarmArgs
    throttle_rate: ThrottleRateAlarmArgs
    traffic_loss: TrafficLossAlarmArgs
    quota: QuotaAlarmArgs
    daily_quota: DailyQuotaAlarmArgs
    cost: CostAlarmArgs
    invocation_anomaly: InvocationAnomalyAlarmArgs
    output_tokens_per_second: OutputTokensPerSecondAlarmArgs
    flex_latency: FlexLatencyAlarmArgs
    reserved_overflow: ReservedOverflowAlarmArgs


class AlarmsArgs(ModelAlarmsArgs, total=False):
    """Stack-wide alarm settings: every per-model kind's defaults, and the stack's own alarms."""

    log_delivery_failures: LogDeliveryFailureAlarmArgs
    """Only when invocation logging is on."""
    log_delivery_stopped: LogDeliveryStoppedAlarmArgs
    """Only when invocation logging is on."""
    notification_failures: NotificationFailureAlarmArgs
    """Deliveries the alarm topic failed."""
    applications: ApplicationsAlarmArgs
    """One error-rate alarm per named application."""
    health: HealthRollupArgs
    """The per-model roll-ups."""
