"""Alarm kinds of the Bedrock surfaces beyond the models (``llm-monitor:surfaces``).

Each kind is an ``AlarmRule`` (``alarm_kinds.py``): ``enabled``, ``urgency`` and an M-of-N window, so
the urgency rules are the models' ones: ``page`` joins the surface's health roll-up, which pages;
``notify`` e-mails the alarm topic. Urgency by kind, and why:

- guardrail errors page: a guardrail that fails blocks the calls it guards, an outage for callers;
- guardrail intervention rate notifies: a jump is a content or policy question (an abusive client, a
  policy edited too tight), worth a look in working hours, not a page;
- guardrail latency notifies: it adds to every guarded call, but errors and the models' own latency
  alarms catch the outage it may lead to;
- a stalled batch queue notifies: batch jobs are hours-long by design; nobody needs waking.
"""

from __future__ import annotations

from pydantic import Field

from llm_monitor.config.alarm_kinds import AlarmRule, ErrorRateAlarm, MinuteRateRule, PercentileRule, Urgency


class GuardrailErrorsAlarm(ErrorRateAlarm):
    """ApplyGuardrail client plus server errors as a percentage of evaluations (page)."""


class GuardrailInterventionRateAlarm(MinuteRateRule):
    """Evaluations in which a guardrail intervened, as a percentage of evaluations, in 5-minute periods.

    ``threshold`` is well above a normal day's share; ``minInterventions`` keeps a quiet hour's two
    blocked prompts from counting.
    """

    urgency: Urgency = "notify"
    threshold: float = Field(default=30, gt=0, le=100, allow_inf_nan=False)
    min_interventions: int = Field(default=10, ge=1)
    period_seconds: int = 300
    evaluation_periods: int = Field(default=6, ge=1)
    datapoints_to_alarm: int = Field(default=3, ge=1)


class GuardrailLatencyAlarm(PercentileRule):
    """ApplyGuardrail InvocationLatency percentile above ``threshold`` ms (notify)."""

    urgency: Urgency = "notify"
    threshold: float = Field(default=1_000, gt=0, allow_inf_nan=False)


class BatchStalledAlarm(AlarmRule):
    """Batch work pending and none processed for a whole period (an hour): the queue stopped shrinking.

    Metric math over the hour: the fewest records pending during it (``Minimum``) above zero, and the
    most tokens processed in any minute of it (``Maximum`` of the per-minute input and output counts)
    zero. Progress in any minute, or an empty queue at any moment, clears it.
    """

    urgency: Urgency = "notify"
    period_seconds: int = 3600
    evaluation_periods: int = Field(default=2, ge=1)
    datapoints_to_alarm: int = Field(default=1, ge=1)
