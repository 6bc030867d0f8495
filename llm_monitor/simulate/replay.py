"""Replaying real history: what the stack's alarms would have done with last week's metrics.

Two steps, both with the AWS CLI's own JSON:

1. ``python -m llm_monitor history-queries --stack prod --start ... --end ...`` writes
   the ``get-metric-data`` input for exactly the metrics and statistics the stack's alarms read,
   one minute apart (``aws cloudwatch get-metric-data --cli-input-json file://queries.json >
   history.json``; the CLI follows ``NextToken`` itself and merges the pages);
2. a scenario with ``replay: history.json`` evaluates the alarms on that data.

Each query's ``Label`` carries its metric, dimensions and statistic as JSON, so the output says
what every series is. Sums and sample counts add up exactly over any period. Percentiles are
exact for a one-minute period; over longer periods they are estimated from the minutes'
percentiles (each standing for the share of calls between it and the next lower one), which is
an approximation. The first minutes of the data serve as the alarms' warm-up, and anomaly bands
are learned from the replayed series itself (its trailing 24 periods).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from llm_monitor.alarms import AlarmPlan
from llm_monitor.config.errors import Problem
from llm_monitor.simulate.metrics import Datapoint, MetricKey, MetricStore, metric_key
from llm_monitor.simulate.scenario import ScenarioError

PERIOD = 60
_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d{1,2})?|100)")


def needed(plan: AlarmPlan) -> list[tuple[MetricKey, str]]:
    """Every (metric, statistic) the stack's alarms read, plus SampleCount beside each percentile."""
    wanted: set[tuple[MetricKey, str]] = set()
    for spec in plan.metric_alarms:
        sources = [(spec.metric, spec.dimensions, spec.statistic)] if spec.metric else []
        sources += [(q.metric, q.dimensions, q.stat) for q in spec.queries if q.metric is not None]
        for metric, dimensions, stat in sources:
            assert metric is not None
            assert stat is not None
            key = metric_key(metric.namespace, metric.name, dimensions)
            wanted.add((key, stat))
            if _PERCENTILE.fullmatch(stat):
                wanted |= {(key, "SampleCount"), (key, "p50")}
    return sorted(wanted)


def history_queries(plan: AlarmPlan, start: datetime, end: datetime) -> dict[str, Any]:
    """The ``--cli-input-json`` of ``aws cloudwatch get-metric-data`` for the stack's alarms."""
    queries = []
    for index, ((namespace, name, dims), stat) in enumerate(needed(plan)):
        label = json.dumps({"namespace": namespace, "metric": name, "dimensions": dict(dims), "stat": stat})
        queries.append(
            {
                "Id": f"q{index}",
                "Label": label,
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": name,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims],
                    },
                    "Period": PERIOD,
                    "Stat": stat,
                },
                "ReturnData": True,
            }
        )
    return {
        "MetricDataQueries": queries,
        "StartTime": _iso(start),
        "EndTime": _iso(end),
        "ScanBy": "TimestampAscending",
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(path: Path, warm_up: int) -> tuple[MetricStore, datetime, int]:
    """The replayed store (minute 0 after ``warm_up`` minutes of the data), minute 0's time, and the duration."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScenarioError(str(path), [Problem("replay", f"cannot read {path}: {exc}")]) from None
    results = data.get("MetricDataResults") if isinstance(data, dict) else None
    if not isinstance(results, list) or not results:
        raise ScenarioError(str(path), [Problem("replay", "no MetricDataResults: not get-metric-data output")])
    series: dict[MetricKey, dict[datetime, dict[str, float]]] = {}
    problems = []
    for index, result in enumerate(results):
        try:
            label = json.loads(result["Label"])
            key = metric_key(label["namespace"], label["metric"], label["dimensions"].items())
            stat = label["stat"]
            points = zip(result["Timestamps"], result["Values"], strict=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(
                Problem(f"MetricDataResults[{index}]", "has no llm-monitor Label; run the history-queries output")
            )
            continue
        for stamp, value in points:
            moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).astimezone(UTC)
            series.setdefault(key, {}).setdefault(moment, {})[stat] = float(value)
    if problems:
        raise ScenarioError(str(path), problems)
    moments = sorted({m for by_time in series.values() for m in by_time})
    first, last = moments[0], moments[-1]
    minutes = int((last - first).total_seconds() // 60) + 1
    if minutes <= warm_up + 10:
        raise ScenarioError(
            str(path), [Problem("replay", f"{minutes} minutes of data; the alarms need {warm_up} to warm up, and more")]
        )
    origin = first + timedelta(minutes=warm_up)
    store = MetricStore(-warm_up, minutes - warm_up - 1)
    for key, by_time in series.items():
        for moment, stats in by_time.items():
            minute = int((moment - origin).total_seconds() // 60)
            store.put(key, minute, _datapoint(stats))
    return store, origin, minutes - warm_up


def _datapoint(stats: dict[str, float]) -> Datapoint:
    """One replayed minute: exact sums and counts, percentiles as representative points."""
    percentiles = sorted((float(s[1:]), v) for s, v in stats.items() if _PERCENTILE.fullmatch(s))
    count = stats.get("SampleCount", 1.0)
    known = tuple(sorted(stats.items()))
    if not percentiles:
        total = stats.get("Sum", stats.get("Average", 0.0) * count)
        return Datapoint(count, total, total, total, ((total, 1.0),), known)
    points, below = [], 0.0
    for p, value in percentiles:
        points.append((value, max(p - below, 0.0) / 100 * count))
        below = p
    points.append((percentiles[-1][1], max(100 - below, 0.0) / 100 * count))
    total = stats.get("Sum", sum(v * w for v, w in points))
    return Datapoint(count, total, points[0][0], points[-1][0], tuple(points), known)
