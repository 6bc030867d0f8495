"""Per-minute metric data and its statistics over any window, as CloudWatch aggregates it.

Every metric is kept as one datapoint per minute (CloudWatch's standard resolution, and what
Bedrock publishes): the count of values, their sum, minimum and maximum, and a few
representative values for percentiles. A statistic over a window of minutes is computed from
those, so an alarm's period (1 minute, 5 minutes, an hour) aggregates exactly the minutes it
covers:

- ``Sum``, ``SampleCount``, ``Average``, ``Minimum``, ``Maximum`` are exact;
- percentiles (``p90``...) are the weighted nearest-rank percentile of the representative
  values. A minute with ``n`` values from a distribution carries ``min(n, 16)`` of them, at
  evenly spaced quantiles, each weighing ``n / k``: exact for up to 16 values a minute, a close
  approximation above (CloudWatch itself approximates percentiles of large samples).

A window with no datapoint has no value: that is what an alarm sees as missing data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist

MAX_POINTS_PER_MINUTE = 16
_PERCENTILE = re.compile(r"p(\d{1,3}(?:\.\d{1,2})?)")
_NORMAL = NormalDist()

Dimensions = tuple[tuple[str, str], ...]
MetricKey = tuple[str, str, Dimensions]


def metric_key(namespace: str, name: str, dimensions: Iterable[tuple[str, str]] = ()) -> MetricKey:
    return (namespace, name, tuple(sorted(dimensions)))


@dataclass(frozen=True)
class Datapoint:
    """One minute of one metric."""

    count: float
    total: float
    low: float
    high: float
    points: tuple[tuple[float, float], ...] = ()
    """(value, weight) pairs standing for the minute's values, for percentiles."""
    known: tuple[tuple[str, float], ...] = ()
    """Statistics known exactly for this minute (a replay of ``get-metric-data`` output)."""

    @classmethod
    def counted(cls, value: float) -> Datapoint:
        """A count published once for the minute (Invocations, errors...): its Sum is ``value``."""
        return cls(1.0, value, value, value, ((value, 1.0),))

    @classmethod
    def sampled(cls, values: Iterable[float]) -> Datapoint:
        """One value per request, e.g. latencies; empty gives no datapoint (use ``None``)."""
        items = sorted(values)
        return cls(float(len(items)), sum(items), items[0], items[-1], tuple((v, 1.0) for v in items))

    @classmethod
    def distributed(cls, count: int, median: float, sigma: float, *, scale: float = 1.0) -> Datapoint:
        """``count`` values from a lognormal distribution with this median and log-spread.

        The representative values sit at evenly spaced quantiles; their mean stands for the
        sum (the lognormal mean is ``median · e^(σ²/2)``, which the quantile points approximate).
        """
        k = min(count, MAX_POINTS_PER_MINUTE)
        values = [median * scale * f for f in _quantile_factors(k, sigma)]
        weight = count / k
        mean = sum(values) / k
        return cls(float(count), mean * count, values[0], values[-1], tuple((v, weight) for v in values))

    @classmethod
    def merged(cls, parts: Iterable[Datapoint | None]) -> Datapoint | None:
        """One minute of a metric published for several series at once (the ModelId total of every
        service tier's series): counts and sums add up, percentiles come from every part's values."""
        present = [d for d in parts if d is not None and d.count]
        if len(present) <= 1:
            return present[0] if present else None
        return cls(
            sum(d.count for d in present),
            sum(d.total for d in present),
            min(d.low for d in present),
            max(d.high for d in present),
            tuple(p for d in present for p in d.points),
        )


@lru_cache(maxsize=4096)
def _quantile_factors(k: int, sigma: float) -> tuple[float, ...]:
    """Multipliers of the median at ``k`` evenly spaced quantiles of a lognormal with log-spread ``sigma``."""
    return tuple(math.exp(sigma * _NORMAL.inv_cdf((i + 0.5) / k)) if sigma else 1.0 for i in range(k))


@dataclass
class MetricStore:
    """Every metric of one simulation, minute by minute, from ``first`` to ``last`` inclusive."""

    first: int
    last: int
    data: dict[MetricKey, dict[int, Datapoint]] = field(default_factory=dict)
    _prefix: dict[MetricKey, tuple[list[float], list[float]]] = field(default_factory=dict, repr=False)
    _cache: dict[tuple[MetricKey, int, int, str], float | None] = field(default_factory=dict, repr=False)

    def put(self, key: MetricKey, minute: int, datapoint: Datapoint | None) -> None:
        if datapoint is not None:
            self.data.setdefault(key, {})[minute] = datapoint
            self._prefix.pop(key, None)
            self._cache.clear()

    def keys(self) -> list[MetricKey]:
        return sorted(self.data)

    def at(self, key: MetricKey, minute: int) -> Datapoint | None:
        return self.data.get(key, {}).get(minute)

    def statistic(self, key: MetricKey, start: int, end: int, stat: str) -> float | None:
        """``stat`` over minutes ``[start, end)``, or None when the window holds no datapoint."""
        cache_key = (key, start, end, stat)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._statistic(key, start, end, stat)
        return self._cache[cache_key]

    def _statistic(self, key: MetricKey, start: int, end: int, stat: str) -> float | None:
        series = self.data.get(key)
        if not series:
            return None
        totals, counts = self._sums(key)
        lo, hi = max(start, self.first) - self.first, min(end, self.last + 1) - self.first
        if hi <= lo:
            return None
        count = counts[hi] - counts[lo]
        if count == 0:
            return None
        if stat == "Sum":
            return totals[hi] - totals[lo]
        if stat == "SampleCount":
            return count
        if stat == "Average":
            return (totals[hi] - totals[lo]) / count
        window = [series[m] for m in range(start, end) if m in series]
        if len(window) == 1 and stat in dict(window[0].known):
            return dict(window[0].known)[stat]
        if stat == "Minimum":
            return min(d.low for d in window)
        if stat == "Maximum":
            return max(d.high for d in window)
        match = _PERCENTILE.fullmatch(stat)
        if not match:
            raise ValueError(f"statistic {stat!r} is not supported by the simulator")
        return percentile([p for d in window for p in d.points], float(match.group(1)))

    def _sums(self, key: MetricKey) -> tuple[list[float], list[float]]:
        if key not in self._prefix:
            series = self.data[key]
            totals, counts = [0.0], [0.0]
            for minute in range(self.first, self.last + 1):
                d = series.get(minute)
                totals.append(totals[-1] + (d.total if d else 0.0))
                counts.append(counts[-1] + (d.count if d else 0.0))
            self._prefix[key] = (totals, counts)
        return self._prefix[key]


def percentile(points: list[tuple[float, float]], p: float) -> float | None:
    """Weighted nearest-rank percentile: the smallest value with at least ``p`` % of the weight at or below it."""
    if not points:
        return None
    ordered = sorted(points)
    total = sum(w for _, w in ordered)
    target = total * p / 100
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= target - 1e-9:
            return value
    return ordered[-1][0]
