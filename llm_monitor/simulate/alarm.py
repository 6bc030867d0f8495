"""How CloudWatch decides a metric alarm's state, and a composite alarm's.

Sources: CloudWatch user guide, "Using Amazon CloudWatch alarms" (sections "Evaluating an
alarm", "Configuring how CloudWatch alarms treat missing data", "Avoiding premature
transitions to alarm state", "Percentile-based alarms and low data samples") and "Create a
composite alarm"; the PutMetricAlarm API reference.

- An alarm whose period is a minute or longer is evaluated every minute, on the periods that
  end at that minute ("at the end of minute 6, the alarm is evaluated based on the data from
  minutes 2 to 6" for a 5-minute period): windows slide, they are not aligned to the clock.
- Each evaluation retrieves more periods than ``EvaluationPeriods`` (N): the *evaluation
  range*. The guide's examples use 5 for N = 3 and say the exact number depends on the period;
  the simulator uses N + 2 for every period (an assumption, stated in the README).
- Missing data: see ``decide``; it reproduces every row of the guide's two example tables
  (``tests/simulate/test_alarm.py`` holds them as test vectors).
- Data is taken to arrive before the evaluation that needs it (no ingestion delay).
- A wall-clock evaluation window (``EvaluationWindow.WallClockWindow``, UTC) aligns the periods to
  the clock (midnight for a day, Monday 00:00 for a week) and evaluates the periods that have
  ended: "Each evaluation looks at the data for the most recently completed clock hour" (user
  guide, alarm-evaluation-window.html); it is still evaluated every minute.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from llm_monitor.simulate.expression import Evaluator, ExpressionError, Grid, Node, Series, Value, parse
from llm_monitor.simulate.metrics import MetricKey, MetricStore, metric_key

OK = "OK"
ALARM = "ALARM"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
RETAIN = "retain"
EXTRA_PERIODS = 2
"""Evaluation range = EvaluationPeriods + this (the guide's tables: 5 for 3)."""

_STATIC = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_BAND = {"GreaterThanUpperThreshold", "LessThanLowerThreshold", "LessThanLowerOrGreaterThanUpperThreshold"}


def decide(points: Sequence[bool | None], n: int, m: int, treat: str, current: str) -> str:
    """The state after one evaluation.

    ``points``: the evaluation range, oldest first; True breaching, False not, None missing.
    Returns OK, ALARM, INSUFFICIENT_DATA or RETAIN (keep the current state; ``current`` is
    returned for it).
    """
    real = [p for p in points if p is not None]
    if len(real) >= n:
        # Enough real datapoints: the most recent N of them, reaching back into the range if needed.
        return ALARM if sum(real[-n:]) >= m else OK
    if treat in ("breaching", "notBreaching"):
        # Missing points fill in, as few as possible, with the treatment's value.
        filled = sum(real) + (n - len(real)) * (treat == "breaching")
        return ALARM if filled >= m else OK
    if not real:
        return INSUFFICIENT_DATA if treat == "missing" else current
    if len(real) < m and _premature_alarm(points, n, m):
        # "Avoiding premature transitions": ALARM when the oldest breaching point of the last N
        # is at least M periods old and everything since is breaching or missing.
        return ALARM if treat == "missing" else current
    return ALARM if sum(real) >= m else OK


def _premature_alarm(points: Sequence[bool | None], n: int, m: int) -> bool:
    recent = list(points[-n:])
    for age in range(len(recent), 0, -1):  # age 1 = the newest period
        point = recent[-age]
        if point:
            newer = recent[len(recent) - age + 1 :]
            return age >= m and all(p is not False for p in newer)
    return False


# --- metric alarms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    id: str
    return_data: bool
    expression: Node | None = None
    metric: MetricKey | None = None
    stat: str = ""
    period: int = 60


@dataclass(frozen=True)
class MetricAlarm:
    """A ``PutMetricAlarm`` as the simulator reads it (from the arguments sent to AWS)."""

    name: str
    comparison: str
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    period: int
    threshold: float | None
    queries: tuple[Query, ...]
    threshold_metric_id: str | None = None
    low_sample_percentiles: str = "evaluate"
    wall_clock: bool = False

    @property
    def watched(self) -> str:
        """The id of the series compared with the threshold."""
        returned = [q.id for q in self.queries if q.return_data and q.id != self.threshold_metric_id]
        if len(returned) != 1:
            raise ExpressionError(f"alarm {self.name}: exactly one watched series, not {returned}")
        return returned[0]


def _get(inputs: Mapping[str, Any], snake: str) -> Any:
    """A PutMetricAlarm argument, from spec inputs (snake_case) or registered inputs (camelCase)."""
    if snake in inputs:
        return inputs[snake]
    camel = re.sub(r"_([a-z])", lambda g: g.group(1).upper(), snake)
    return inputs.get(camel)


def metric_alarm(inputs: Mapping[str, Any]) -> MetricAlarm:
    """Read ``aws.cloudwatch.MetricAlarm`` arguments into what the simulator evaluates."""
    name = _get(inputs, "name") or _get(inputs, "alarm_name")
    queries: list[Query] = []
    raw_queries = _get(inputs, "metric_queries")
    if raw_queries:
        for q in raw_queries:
            metric = _get(q, "metric")
            if metric:
                key = metric_key(_get(metric, "namespace"), _get(metric, "metric_name"), _dims(metric))
                stat, period = _get(metric, "stat"), int(_get(metric, "period"))
                queries.append(Query(_get(q, "id"), bool(_get(q, "return_data")), None, key, stat, period))
            else:
                node = parse(_get(q, "expression"))
                queries.append(Query(_get(q, "id"), bool(_get(q, "return_data")), node))
        periods = {q.period for q in queries if q.metric is not None}
        period = periods.pop() if len(periods) == 1 else 60
    else:
        key = metric_key(_get(inputs, "namespace"), _get(inputs, "metric_name"), _dims(inputs))
        stat = _get(inputs, "statistic") or _get(inputs, "extended_statistic")
        period = int(_get(inputs, "period"))
        queries.append(Query("m", True, None, key, stat, period))
    threshold = _get(inputs, "threshold")
    return MetricAlarm(
        name=name,
        comparison=_get(inputs, "comparison_operator"),
        evaluation_periods=int(_get(inputs, "evaluation_periods")),
        datapoints_to_alarm=int(_get(inputs, "datapoints_to_alarm") or _get(inputs, "evaluation_periods")),
        treat_missing_data=_get(inputs, "treat_missing_data") or "missing",
        period=period,
        threshold=None if threshold is None else float(threshold),
        queries=tuple(queries),
        threshold_metric_id=_get(inputs, "threshold_metric_id"),
        low_sample_percentiles=_get(inputs, "evaluate_low_sample_count_percentiles") or "evaluate",
        wall_clock=_get(_get(inputs, "evaluation_window") or {}, "wall_clock_window") is not None,
    )


def _dims(source: Mapping[str, Any]) -> list[tuple[str, str]]:
    return sorted((_get(source, "dimensions") or {}).items())


BandSource = Callable[[MetricAlarm, str, float, Grid], tuple[Series, Series]]
#: Minutes from the Unix epoch (a Thursday) to the first Monday, where ISO weeks start.
_FIRST_MONDAY = 4 * 1440


def _since_boundary(origin: datetime, minute: int, period: int) -> int:
    """Minutes from the last UTC clock boundary of a ``period``-minute period to ``minute``."""
    wall = int(origin.timestamp()) // 60 + minute
    offset = _FIRST_MONDAY if period == 7 * 1440 else 0
    return (wall - offset) % period


@dataclass(frozen=True)
class Reading:
    """One evaluation: the new state and the latest value of the watched series (for timelines)."""

    state: str
    value: float | None
    threshold: float | None


_POINTWISE = {"IF", "PERIOD", "MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH", "ABS", "CEIL", "FLOOR"}
_POINTWISE |= {"ANOMALY_DETECTION_BAND", "FIRST", "LAST"}


def _pointwise(node: Node, fill_empty: bool) -> bool:
    """True when each timestamp's value depends on that timestamp alone, whatever range is asked for."""
    if node.kind == "call":
        if node.value in ("MAX", "MIN", "SUM", "AVG"):
            ok = len(node.args) == 1 and node.args[0].kind == "array"
        elif node.value == "FILL":
            ok = fill_empty and len(node.args) == 2 and node.args[1].kind != "keyword"
        else:
            ok = node.value in _POINTWISE
        if not ok:
            return False
    return all(_pointwise(a, fill_empty) for a in node.args)


class MetricAlarmEvaluator:
    """Evaluates one metric alarm against a metric store, minute after minute.

    When every expression is pointwise, the watched series (and its band) are computed once for
    every period start of the run; each evaluation then only looks up its range.
    """

    def __init__(
        self,
        alarm: MetricAlarm,
        store: MetricStore,
        origin: datetime,
        band: BandSource | None = None,
        *,
        fill_empty: bool = True,
    ) -> None:
        self.alarm, self.store, self.origin, self.band_source, self.fill_empty = alarm, store, origin, band, fill_empty
        self.by_id = {q.id: q for q in alarm.queries}
        self.pointwise = all(_pointwise(q.expression, fill_empty) for q in alarm.queries if q.expression is not None)
        self._full: tuple[Series, Series, Series] | None = None

    def grid(self, end: int) -> Grid:
        """The evaluation range ending at minute ``end`` (exclusive), oldest period first; with a
        wall-clock window, ending at the last clock boundary (the last period that has ended)."""
        p = self.alarm.period // 60
        count = self.alarm.evaluation_periods + EXTRA_PERIODS
        if self.alarm.wall_clock:
            end -= _since_boundary(self.origin, end, p)
        return Grid(tuple(end - (count - i) * p for i in range(count)), self.alarm.period, self.origin)

    def series(self, grid: Grid, only: str | None = None) -> dict[str, Value]:
        """Each query's series over ``grid`` (every query, or ``only`` and what it reads)."""
        alarm, by_id, band_source = self.alarm, self.by_id, self.band_source
        p = grid.period_seconds // 60
        results: dict[str, Value] = {}

        class _Inputs:
            def series(self, id: str) -> Series:
                value = resolve(id)
                if not isinstance(value, dict):
                    raise ExpressionError(f"{id} is not a time series")
                return value

            def period_of(self, id: str) -> int:
                return by_id[id].period

            def ids(self) -> list[str]:
                return [q.id for q in alarm.queries if q.metric is not None]

            def band(self, id: str, width: float) -> tuple[Series, Series]:
                if band_source is None:
                    raise ExpressionError(f"alarm {alarm.name}: an anomaly band needs a model of normal traffic")
                return band_source(alarm, id, width, grid)

        evaluator = Evaluator(grid, _Inputs(), lambda id: resolve(id), fill_empty=self.fill_empty)

        def resolve(id: str) -> Value:
            if id not in results:
                query = by_id.get(id)
                if query is None:
                    raise ExpressionError(f"alarm {alarm.name}: no query with id {id!r}")
                if query.metric is not None:
                    results[id] = self._metric_series(query, grid.timestamps, p)
                else:
                    assert query.expression is not None
                    results[id] = evaluator.evaluate(query.expression)
            return results[id]

        for query in alarm.queries if only is None else [by_id[only]]:
            resolve(query.id)
        return results

    def _metric_series(self, query: Query, timestamps: Sequence[int], p: int) -> Series:
        assert query.metric is not None
        out: Series = {}
        for ts in timestamps:
            value = self.store.statistic(query.metric, ts, ts + p, query.stat)
            if value is not None and self._enough_samples(query, ts, ts + p):
                out[ts] = value
        return out

    def _enough_samples(self, query: Query, start: int, end: int) -> bool:
        """``EvaluateLowSampleCountPercentiles = ignore`` drops percentiles from too few samples
        (fewer than 10/(1-p) for p ≥ 0.5, 10/p below: "Percentile-based alarms and low data samples")."""
        if self.alarm.low_sample_percentiles != "ignore" or not query.stat.startswith("p"):
            return True
        p = float(query.stat[1:]) / 100
        needed = 10 / (1 - p) if 0.5 <= p < 1 else 10 / max(p, 1e-9)
        return (self.store.statistic(query.metric, start, end, "SampleCount") or 0) >= needed  # type: ignore[arg-type]

    def precompute(self, first: int, last: int) -> None:
        """Compute the watched series (and band) for every period starting in ``[first, last]``."""
        if not self.pointwise:
            return
        grid = Grid(tuple(range(first, last + 1)), self.alarm.period, self.origin)
        self._full = self._split(self.series(grid))

    def _split(self, results: dict[str, Value]) -> tuple[Series, Series, Series]:
        watched = results[self.alarm.watched]
        if not isinstance(watched, dict):
            raise ExpressionError(f"alarm {self.alarm.name}: the watched expression must return one time series")
        if not self.alarm.threshold_metric_id:
            return watched, {}, {}
        band = results[self.alarm.threshold_metric_id]
        if not isinstance(band, list) or len(band) != 2:
            raise ExpressionError(f"alarm {self.alarm.name}: the threshold metric must be an anomaly band")
        return watched, band[0], band[1]

    def evaluate(self, end: int, current: str) -> Reading:
        """The alarm's state after its evaluation at minute ``end`` (the end of minute ``end - 1``)."""
        grid = self.grid(end)
        watched, upper, lower = self._full or self._split(self.series(grid))
        points = [self._breaching(watched.get(ts), upper.get(ts), lower.get(ts)) for ts in grid.timestamps]
        treat = self.alarm.treat_missing_data
        state = decide(points, self.alarm.evaluation_periods, self.alarm.datapoints_to_alarm, treat, current)
        latest = grid.timestamps[-1]
        threshold = self.alarm.threshold if self.alarm.threshold is not None else upper.get(latest)
        return Reading(current if state == RETAIN else state, watched.get(latest), threshold)

    def _breaching(self, value: float | None, upper: float | None, lower: float | None) -> bool | None:
        if value is None:
            return None
        comparison = self.alarm.comparison
        if comparison in _STATIC:
            assert self.alarm.threshold is not None
            return bool(_STATIC[comparison](value, self.alarm.threshold))
        if comparison not in _BAND:
            raise ExpressionError(f"comparison {comparison!r} is not a CloudWatch comparison operator")
        if upper is None or lower is None:
            return None  # no band for this period: nothing to compare with
        above, below = value > upper, value < lower
        return {"GreaterThanUpperThreshold": above, "LessThanLowerThreshold": below}.get(comparison, above or below)


# --- composite alarms -----------------------------------------------------------------------------

_RULE_TOKEN = re.compile(r'\s*(ALARM|OK|INSUFFICIENT_DATA|TRUE|FALSE|AND|OR|NOT|\(|\)|"[^"]*"|[^\s()"]+)')


@dataclass(frozen=True)
class RuleNode:
    kind: str
    """``state`` (``value`` = (state, alarm)), ``constant``, ``not``, ``and``, ``or``."""
    value: Any = None
    args: tuple[RuleNode, ...] = ()


def parse_rule(rule: str) -> RuleNode:
    """A composite ``AlarmRule``: ALARM()/OK()/INSUFFICIENT_DATA(), TRUE, FALSE, AND, OR, NOT, parentheses."""
    tokens: list[str] = []
    position = 0
    while position < len(rule.rstrip()):
        match = _RULE_TOKEN.match(rule, position)
        if not match:
            raise ValueError(f"alarm rule: cannot read {rule[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    node, rest = _rule_or(tokens, rule)
    if rest:
        raise ValueError(f"alarm rule: unexpected {rest[0]!r}")
    return node


def _rule_or(tokens: list[str], rule: str) -> tuple[RuleNode, list[str]]:
    left, tokens = _rule_and(tokens, rule)
    while tokens and tokens[0] == "OR":
        right, tokens = _rule_and(tokens[1:], rule)
        left = RuleNode("or", args=(left, right))
    return left, tokens


def _rule_and(tokens: list[str], rule: str) -> tuple[RuleNode, list[str]]:
    left, tokens = _rule_not(tokens, rule)
    while tokens and tokens[0] == "AND":
        right, tokens = _rule_not(tokens[1:], rule)
        left = RuleNode("and", args=(left, right))
    return left, tokens


def _rule_not(tokens: list[str], rule: str) -> tuple[RuleNode, list[str]]:
    if not tokens:
        raise ValueError(f"alarm rule {rule!r} ends too early")
    head, rest = tokens[0], tokens[1:]
    if head == "NOT":
        node, rest = _rule_not(rest, rule)
        return RuleNode("not", args=(node,)), rest
    if head in ("TRUE", "FALSE"):
        return RuleNode("constant", head == "TRUE"), rest
    if head == "(":
        node, rest = _rule_or(rest, rule)
        if not rest or rest[0] != ")":
            raise ValueError(f"alarm rule {rule!r}: missing ')'")
        return node, rest[1:]
    if head in (ALARM, OK, INSUFFICIENT_DATA) and len(rest) >= 3 and rest[0] == "(" and rest[2] == ")":
        name = rest[1].strip('"')
        return RuleNode("state", (head, name.rsplit(":alarm:", 1)[-1])), rest[3:]
    raise ValueError(f"alarm rule {rule!r}: unexpected {head!r}")


def rule_children(node: RuleNode) -> set[str]:
    names = {node.value[1]} if node.kind == "state" else set()
    for arg in node.args:
        names |= rule_children(arg)
    return names


def rule_holds(node: RuleNode, states: Mapping[str, str]) -> bool:
    if node.kind == "state":
        state, name = node.value
        return bool(states.get(name) == state)
    if node.kind == "constant":
        return bool(node.value)
    if node.kind == "not":
        return not rule_holds(node.args[0], states)
    results = [rule_holds(a, states) for a in node.args]
    return all(results) if node.kind == "and" else any(results)
