"""Alarm kinds for service tiers and the daily token quota (the rest are in ``alarm_kinds.py``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from llm_monitor.config.alarm_kinds import AlarmRule, PercentileRule, Urgency

DAY = 86_400


class DailyQuotaAlarm(AlarmRule):
    """Tokens of one day above ``threshold`` percent of the model's daily token quota; off by default.

    ``window: rolling`` (the default) sums the last 24 hours, evaluated every minute: it warns while
    there is still time, and, if the quota resets at midnight UTC, may warn early (a busy evening
    counts into the next morning). ``window: calendarDay`` aligns the day to midnight UTC (CloudWatch's
    wall-clock evaluation window): CloudWatch evaluates a wall-clock period only once it has ended, so
    it reports a day that went over, after the fact.
    """

    enabled: bool = False
    threshold: float = Field(default=80, gt=0, le=100, allow_inf_nan=False)
    """Percent of the daily quota."""
    window: Literal["rolling", "calendarDay"] = "rolling"
    period_seconds: int = DAY
    evaluation_periods: int = Field(default=1, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)

    @field_validator("period_seconds")
    @classmethod
    def _one_day(cls, value: int) -> int:
        if value != DAY:
            raise ValueError(f"the daily quota is counted over one day: periodSeconds must be {DAY}")
        return value


class FlexLatencyAlarm(PercentileRule):
    """InvocationLatency of requests served by the Flex tier, with its own threshold.

    Flex trades speed for price ("longer processing times", Bedrock user guide): its latency is kept
    out of the ``latency`` and ``timeToFirstToken`` alarms of a model that declares it, and watched
    here against a looser threshold, by e-mail.
    """

    urgency: Urgency = "notify"
    threshold: float = Field(default=120_000, gt=0, allow_inf_nan=False)
    datapoints_to_alarm: int = Field(default=10, ge=1)


class ReservedOverflowAlarm(AlarmRule):
    """More than ``threshold`` percent of Reserved-tier requests served by Standard, on-demand.

    A reservation that is used up overflows to Standard (Bedrock user guide, service tiers): nothing
    fails, but the overflow is billed at on-demand prices and draws on the on-demand quota.
    """

    urgency: Urgency = "notify"
    threshold: float = Field(default=5, gt=0, le=100, allow_inf_nan=False)
    """Percent of the requests that asked for Reserved."""
    period_seconds: int = 300
    evaluation_periods: int = Field(default=6, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)
