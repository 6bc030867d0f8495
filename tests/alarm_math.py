"""Evaluate an alarm spec's metric math for one period, with the simulator's CloudWatch evaluator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from llm_monitor.alarms import MetricAlarmSpec
from llm_monitor.simulate.alarm import MetricAlarmEvaluator, metric_alarm
from llm_monitor.simulate.expression import Grid
from llm_monitor.simulate.metrics import Datapoint, MetricStore

WHEN = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
"""A Tuesday, 10:00 UTC."""


def watched(
    alarm: MetricAlarmSpec, values: Mapping[str, float | None], *, at: datetime = WHEN, period: int | None = None
) -> float | None:
    """The watched series' value for one period starting ``at``, given each metric query's value for
    the period (None: no datapoint at all), as CloudWatch's metric math reads it.

    The values are written as one datapoint in the period's first minute, so the query's statistic
    (Sum, SampleCount, a percentile...) reads that value back.
    """
    definition = metric_alarm(alarm.inputs())
    p = period or definition.period
    store = MetricStore(-60, 60)
    for query in definition.queries:
        value = values.get(query.id)
        if query.metric is not None and value is not None:
            store.put(query.metric, 0, Datapoint(1, value, value, value, ((value, 1.0),), ((query.stat, value),)))
    evaluator = MetricAlarmEvaluator(definition, store, at)
    result = evaluator.series(Grid((0,), p, at), only=definition.watched)[definition.watched]
    assert isinstance(result, dict)
    return result.get(0)


__all__ = ["WHEN", "watched"]
