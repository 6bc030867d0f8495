"""An approximation of CloudWatch's anomaly-detection band (``ANOMALY_DETECTION_BAND``).

CloudWatch trains a model on up to two weeks of a metric's history, with hourly, daily and
weekly seasonality, and draws a band of expected values whose width grows with the second
argument. Its algorithm is not published, so the simulator approximates it, and says how:

- the *expected value* at a time is what the watched series reads for the scenario's traffic
  without its events and without noise (every count at its mean);
- the *spread* (σ) is how far normal days (the same traffic, events left out, each with noise
  of its own: the history the model learned from) stray from that expected value around the
  same time (the period itself and the two on either side, on each of four days: twenty
  samples): the root mean square of the differences, so a quiet night with a handful of calls
  gets the wide band its noise needs. It is at least 5 % of the expected value (and at least
  1), since a real band is never thinner than the metric's ordinary wobble;
- the band is expected ± width × σ, and never below zero (CloudWatch keeps bands of metrics
  that cannot be negative above zero).

So a band alarm in a scenario fires when the watched series leaves its own normal by several
ordinary wobbles, which is what the real one is for. It cannot show a model's learning period
or seasonality the scenario does not contain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from statistics import median

from llm_monitor.simulate.alarm import MetricAlarm, MetricAlarmEvaluator
from llm_monitor.simulate.expression import Grid, Series
from llm_monitor.simulate.metrics import MetricStore

HISTORY_PERIODS = 24
#: Normal days the model learns from (a two-week history has that many of each weekday and hour, and more).
NORMAL_DAYS = 4
#: Periods on either side of a time whose strays also count towards its spread.
NEARBY_PERIODS = 2
MIN_RELATIVE_SPREAD = 0.05
MIN_SPREAD = 1.0


class AnomalyModel:
    """Bands for band alarms, learned from the expected traffic and normal days (see the module doc)."""

    def __init__(self, expected: MetricStore, normal: Sequence[MetricStore], origin: datetime) -> None:
        self.expected, self.normal, self.origin = expected, list(normal), origin
        self._series: dict[tuple[str, str, tuple[int, ...], int], Series] = {}

    def band(self, alarm: MetricAlarm, id: str, width: float, grid: Grid) -> tuple[Series, Series]:
        """(upper, lower) over ``grid`` for the watched query ``id`` of ``alarm``."""
        period = grid.period_seconds // 60
        nearby = range(-NEARBY_PERIODS * period, NEARBY_PERIODS * period + 1, period)
        wide = Grid(tuple(sorted({ts + k for ts in grid.timestamps for k in nearby})), grid.period_seconds, grid.origin)
        expected = self._watched(alarm, id, wide, self.expected, -1)
        days = [self._watched(alarm, id, wide, store, i) for i, store in enumerate(self.normal)]
        upper: Series = {}
        lower: Series = {}
        for ts in grid.timestamps:
            centre = expected.get(ts)
            if centre is None:
                continue
            strays = [
                day[t] - expected[t] for day in days for t in (ts + k for k in nearby) if t in day and t in expected
            ]
            wobble = math.sqrt(sum(d * d for d in strays) / len(strays)) if strays else 0.0
            spread = max(wobble, MIN_RELATIVE_SPREAD * abs(centre), MIN_SPREAD)
            upper[ts] = centre + width * spread
            lower[ts] = max(0.0, centre - width * spread)
        return upper, lower

    def _watched(self, alarm: MetricAlarm, id: str, grid: Grid, store: MetricStore, index: int) -> Series:
        key = (alarm.name, id, grid.timestamps, index)
        if key not in self._series:
            value = MetricAlarmEvaluator(alarm, store, self.origin).series(grid, only=id)[id]
            self._series[key] = value if isinstance(value, dict) else {}
        return self._series[key]


class TrailingAnomalyModel:
    """Bands learned from the watched series' own past: for a replay, which has no event-free twin.

    The expected value is the median of the 24 periods before, the spread the root mean square of
    the deviations from it over the same periods (with the same floors as ``AnomalyModel``).
    """

    def __init__(self, store: MetricStore, origin: datetime) -> None:
        self.store, self.origin = store, origin

    def band(self, alarm: MetricAlarm, id: str, width: float, grid: Grid) -> tuple[Series, Series]:
        period = grid.period_seconds // 60
        history = tuple(sorted({ts - k * period for ts in grid.timestamps for k in range(HISTORY_PERIODS + 1)}))
        evaluator = MetricAlarmEvaluator(alarm, self.store, self.origin)
        watched = evaluator.series(Grid(history, grid.period_seconds, grid.origin), only=id)[id]
        assert isinstance(watched, dict)
        upper: Series = {}
        lower: Series = {}
        for ts in grid.timestamps:
            past = [watched[t] for t in (ts - k * period for k in range(1, HISTORY_PERIODS + 1)) if t in watched]
            if len(past) < 3:
                continue
            centre = median(past)
            wobble = math.sqrt(sum((v - centre) ** 2 for v in past) / len(past))
            spread = max(wobble, MIN_RELATIVE_SPREAD * abs(centre), MIN_SPREAD)
            upper[ts] = centre + width * spread
            lower[ts] = max(0.0, centre - width * spread)
        return upper, lower
