"""The alarm kinds of ``llm-monitor:alarms``: each one's settings and defaults.

Every kind has ``enabled``, ``urgency`` (``page``: wakes someone, through the model's roll-up;
``notify``: an e-mail to the alarm topic) and an M-of-N window. The defaults are the ones the
incident library (``llm_monitor/incidents``) proves: change them and ``python -m llm_monitor
test-alarms`` shows what the change does to every incident.

Windows slide: CloudWatch evaluates an alarm every minute on the periods that end then. So
``datapointsToAlarm: 1`` of ``evaluationPeriods: 3`` periods of 5 minutes fires on the first bad
5 minutes and stays in ALARM until 15 minutes have been good: the longer N, the slower an alarm
recovers, which is what keeps a value that hovers near its threshold from flapping.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from llm_monitor.config.base import Section

Urgency = Literal["page", "notify"]
#: Percentiles as the provider validates ``extended_statistic`` (terraform-provider-aws,
#: ``internal/service/cloudwatch/metric_alarm.go``: ``p((\d{1,2}(\.\d{1,2})?)|(100))``): p0 to p99.99
#: with at most two decimals, or exactly p100. CloudWatch's own text ("p0.0 to p100") would also take
#: p100.0, p050 or p000, which the provider refuses at ``pulumi up``.
_PERCENTILE = re.compile(r"p(?:[0-9]{1,2}(?:\.[0-9]{1,2})?|100)")
#: Application names become dimension values and parts of alarm names.
APPLICATION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Metric math's DAY() numbers them 1 (Monday) to 7 (Sunday)."""
WEEKDAYS: tuple[Day, ...] = DAYS[:5]


def check_percentile(value: str) -> str:
    """``value`` if CloudWatch accepts it as a percentile ExtendedStatistic, else ValueError."""
    if not _PERCENTILE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a percentile the provider accepts; use p0 to p99.99 with at most two decimals, "
            "or p100 (p90, p99, p99.9)"
        )
    return value


WALL_CLOCK_PERIODS = (60, 300, 3600, 86_400, 604_800)
"""Periods a wall-clock evaluation window accepts: 1 minute, 5 minutes, 1 hour, 1 day, 1 week (botocore
cloudwatch ``WallClockWindow``; CloudWatch user guide, alarm-evaluation-window.html)."""


class AlarmRule(Section):
    """What every alarm kind has: a switch, an urgency and an M-of-N evaluation window."""

    enabled: bool = True
    """Create this alarm (for every model, or for this model in a model's override)."""
    urgency: Urgency = "notify"
    """``page``: the model's roll-up pages; ``notify``: an e-mail to the alarm topic."""
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


class PercentileRule(AlarmRule):
    """A latency percentile above a threshold in 3 minutes out of 30: it fires after 3 slow minutes
    and stays in ALARM while latency hovers near the threshold (OK once 28 of 30 minutes are good)."""

    urgency: Urgency = "page"
    statistic: str = "p90"
    """Percentile to watch (p90, p99, p99.9, ...)."""
    threshold: float = Field(default=30_000, gt=0, allow_inf_nan=False)
    """Milliseconds."""
    evaluation_periods: int = Field(default=30, ge=1)

    _check_statistic = field_validator("statistic")(classmethod(lambda cls, v: check_percentile(v)))


class LatencyAlarm(PercentileRule):
    """InvocationLatency percentile (request sent to last token) above ``threshold`` ms."""


class TimeToFirstTokenAlarm(PercentileRule):
    """TimeToFirstToken percentile above ``threshold`` ms (streaming APIs only)."""

    threshold: float = Field(default=5_000, gt=0, allow_inf_nan=False)


class LatencyAnomalyAlarm(AlarmRule):
    """A latency percentile above its anomaly-detection band: a regression relative to the model's own normal."""

    statistic: str = "p90"
    band_width: float = Field(default=3, gt=0, le=100, allow_inf_nan=False)
    """Width of the expected band in standard deviations."""
    # Minutes, not 5-minute periods: a sliding 5-minute window cuts the start and the end of an
    # episode differently at each evaluation, which flips the alarm as it recovers. 10 slow
    # minutes within 30 notify; OK once 21 of the last 30 are normal.
    period_seconds: int = 60
    evaluation_periods: int = Field(default=30, ge=1)
    datapoints_to_alarm: int = Field(default=10, ge=1)

    _check_statistic = field_validator("statistic")(classmethod(lambda cls, v: check_percentile(v)))


class SinglePeriodRule(AlarmRule):
    """A count in 5-minute periods; ALARM on one bad period, OK after half an hour of good ones."""

    period_seconds: int = 300
    evaluation_periods: int = Field(default=6, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)


class ServerErrorsAlarm(SinglePeriodRule):
    """At least ``threshold`` InvocationServerErrors in one period; off by default (errorRate pages)."""

    enabled: bool = False
    threshold: int = Field(default=5, ge=1)
    """Server errors per period."""


class ThrottlesAlarm(SinglePeriodRule):
    """At least ``threshold`` InvocationThrottles in one period; off by default (see throttleRate)."""

    enabled: bool = False
    threshold: int = Field(default=50, ge=1)
    """Throttled requests per period."""


class MinuteRateRule(AlarmRule):
    """A rate judged minute by minute: ALARM after 3 bad minutes out of 10, OK after 8 good ones.

    One-minute periods are aligned with Bedrock's data, so a short burst is never split between two
    periods (which, with 5-minute sliding windows, makes an alarm flip as the windows slide past it);
    3 of 10 ignores a blip of a minute or two, pages within 3 minutes of a real storm, and holds the
    ALARM while errors come and go.
    """

    urgency: Urgency = "page"
    threshold: float = Field(default=5, gt=0, le=100, allow_inf_nan=False)
    """Percent."""
    period_seconds: int = 60
    evaluation_periods: int = Field(default=10, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class ErrorRateAlarm(MinuteRateRule):
    """Client plus server errors as a percentage of requests, in minutes with at least ``minErrors`` of them."""

    min_errors: int = Field(default=3, ge=1)
    """A minute needs at least this many errors to breach, or every call of the minute failing: a few
    unlucky calls among many are not an incident, while a quiet model whose every call fails still is
    (2 failed calls of 2 breach; 2 of 40 do not)."""

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: object) -> object:
        if isinstance(data, dict) and "minInvocations" in data:
            raise ValueError(
                "minInvocations was replaced by minErrors: a period breaches once it has at least minErrors "
                "errors and the rate is above the threshold, so a quiet model that fails every call still pages"
            )
        return data


class ApplicationErrorRateAlarm(ErrorRateAlarm):
    """Errors your applications logged for the model (``status: error``), as a percentage of their calls.

    Sees what Bedrock's metrics cannot: calls that fail before they reach Bedrock (IAM
    AccessDenied, DNS or VPC-endpoint trouble, a broken client).
    """


class ApplicationsAlarm(ApplicationErrorRateAlarm):
    """An error-rate alarm per application (the ``app`` field of the application logs), for ``names``.

    Notify by default: an application's failures also page through the health roll-up of each model
    it fails on (its ``applicationErrorRate``), so a page here would be a second page for one incident.
    """

    urgency: Urgency = "notify"
    names: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("names")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        bad = [n for n in names if not APPLICATION_NAME.fullmatch(n)]
        if bad:
            raise ValueError(
                f"{', '.join(map(repr, bad))}: application names are 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit (they end up in alarm names)"
            )
        if len(set(names)) != len(names):
            raise ValueError("names repeat")
        return names


class ThrottleRateAlarm(MinuteRateRule):
    """Throttles as a percentage of attempts (invocations plus throttles), in minutes with ``minThrottles``."""

    threshold: float = Field(default=10, gt=0, le=100, allow_inf_nan=False)
    min_throttles: int = Field(default=3, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: object) -> object:
        if isinstance(data, dict) and "minInvocations" in data:
            raise ValueError("minInvocations was replaced by minThrottles (throttles a minute needs to breach)")
        return data


class QuotaAlarm(AlarmRule):
    """EstimatedTPMQuotaUsage above ``threshold`` percent of the model's ``tokensPerMinuteQuota``."""

    threshold: float = Field(default=80, gt=0, le=100, allow_inf_nan=False)
    """Percent of the tokens-per-minute quota."""
    # 5 minutes above the threshold within an hour: usage that hovers around the threshold keeps
    # the alarm in ALARM (one e-mail) instead of flipping it every few minutes.
    evaluation_periods: int = Field(default=60, ge=1)
    datapoints_to_alarm: int = Field(default=5, ge=1)


class CostAlarm(AlarmRule):
    """Estimated spend (token metrics × the model's prices) above ``threshold`` USD per hour."""

    threshold: float = Field(default=10, gt=0, allow_inf_nan=False)
    """USD per hour."""
    # The spend of each clock hour (UTC; a wall-clock evaluation window): an hour over budget
    # e-mails when it ends, and ALARM stays until three whole hours have been within budget. The
    # alarm's datapoints change only when an hour ends, so spend that hovers around the budget
    # sends at most one e-mail an hour (usually one in all). A window sliding every minute flaps
    # there instead: the incident library's second-incident on prod sent 31 e-mails with one.
    period_seconds: int = 3600
    evaluation_periods: int = Field(default=3, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)

    @field_validator("period_seconds")
    @classmethod
    def _clock_period(cls, value: int) -> int:
        if value not in WALL_CLOCK_PERIODS:
            allowed = ", ".join(str(p) for p in WALL_CLOCK_PERIODS)
            raise ValueError(f"{value} is not a clock period; the cost alarm counts spend per clock period: {allowed}")
        return value


class InvocationAnomalyAlarm(AlarmRule):
    """Invocations outside CloudWatch's anomaly-detection band; off by default."""

    enabled: bool = False
    # 3 standard deviations: with 2, normal Poisson noise leaves the band in 3 periods out of 3
    # often enough to e-mail on quiet days (the incident library's quiet-day scenario shows it).
    band_width: float = Field(default=3, gt=0, le=100, allow_inf_nan=False)
    """Width of the expected band in standard deviations (ANOMALY_DETECTION_BAND's second argument)."""
    direction: Literal["above", "below", "outside"] = "outside"
    """Which side of the band breaches."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=6, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class Schedule(Section):
    """When traffic is expected, in UTC: days of the week and an hour range (``endHour`` exclusive).

    ``startHour`` after ``endHour`` spans midnight (20 to 6 is 20:00-06:00).
    """

    days: list[Day] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start_hour: int = Field(default=0, ge=0, le=23)
    end_hour: int = Field(default=24, ge=1, le=24)

    @model_validator(mode="after")
    def _hours(self) -> Schedule:
        if self.start_hour == self.end_hour:
            raise ValueError("startHour and endHour are equal: the window would be empty")
        if len(set(self.days)) != len(self.days):
            raise ValueError("days repeat")
        return self


class TrafficLossAlarm(AlarmRule):
    """Fewer than ``threshold`` requests reaching Bedrock in a period, for a model expected to be busy.

    Missing data is breaching: Bedrock publishes nothing for a minute without requests, which is
    exactly what this alarm looks for. Off unless a model is marked busy with a ``threshold``.
    """

    enabled: bool = False
    urgency: Urgency = "page"
    threshold: int | None = Field(default=None, ge=1)
    """Requests per period below which traffic counts as lost (required when enabled)."""
    schedule: Schedule | None = None
    """Only expect traffic then (UTC); always when omitted."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=3, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)


class OutputTokensPerSecondAlarm(AlarmRule):
    """Output tokens per second (AWS's OTPS, p50 over 5 minutes) below ``fraction`` of ``baseline``.

    Off unless the model's normal OTPS is given as ``baseline``; only streaming calls publish the
    time to first token the figure needs.
    """

    enabled: bool = False
    baseline: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """The model's normal output tokens per second (read it off the OTPS graph)."""
    fraction: float = Field(default=0.8, gt=0, lt=1, allow_inf_nan=False)
    period_seconds: int = 300
    evaluation_periods: int = Field(default=10, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class LogDeliveryFailureAlarm(SinglePeriodRule):
    """Invocation-log records Bedrock failed to deliver to CloudWatch Logs (when invocation logging is on)."""

    threshold: int = Field(default=1, ge=1)
    """Failed deliveries per period."""


class NotificationFailureAlarm(SinglePeriodRule):
    """The alarm topic failed to deliver ``threshold`` notifications in a period (a subscriber that
    rejects them, an endpoint gone): people are not hearing about alarms."""

    threshold: int = Field(default=1, ge=1)
    """Failed deliveries per period."""


class LogDeliveryStoppedAlarm(AlarmRule):
    """Bedrock invocations go on while no invocation-log record reaches the log group: logging was
    switched off, or another stack took over the account's logging (when this stack owns it)."""

    min_invocations: int = Field(default=10, ge=1)
    """Invocations of the stack's models per period that count as traffic worth a record."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=3, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class HealthRollup(Section):
    """One composite "health" alarm per model over its paging alarms: the only thing that pages."""

    enabled: bool = True
