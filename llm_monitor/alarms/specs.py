"""Alarm specs: the arguments of ``PutMetricAlarm`` and ``PutCompositeAlarm``, checked against CloudWatch's rules.

Pure: no Pulumi imports. The actions are not here: they need the topic, which only exists at
deploy time; ``AlarmPlan.targets`` says which topics each alarm notifies.

Semantics (PutMetricAlarm, PutCompositeAlarm and MetricDataQuery in the botocore ``cloudwatch`` model):

- Percentiles go in ``ExtendedStatistic`` (``Statistic`` takes only SampleCount, Average, Sum,
  Minimum and Maximum).
- A metric-math alarm retrieves at most 10 metrics and returns exactly one series, except an
  anomaly-band alarm, which returns the metric and its band and names the band in
  ``ThresholdMetricId`` (the documented shape).
- A composite rule names at most 100 alarms in at most 10,240 characters.
- Missing data is a deliberate choice per alarm (``treat_missing_data``): Bedrock publishes
  nothing for a minute without requests, so silence is good news for an error or latency alarm
  (``notBreaching``) and bad news for a traffic-loss alarm (``breaching``).
- ``EvaluationWindow``: a sliding window (the default, omitted) or a wall-clock one, aligned to
  the period's clock boundaries (midnight for a day); wall-clock periods are 1 minute, 5 minutes,
  1 hour, 1 day or 1 week, and a wall-clock period is evaluated once it has ended (botocore
  ``WallClockWindow``; CloudWatch user guide, alarm-evaluation-window.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from llm_monitor.catalogue import Metric
from llm_monitor.config.alarm_kinds import WALL_CLOCK_PERIODS, Urgency, check_percentile
from llm_monitor.config.alarms import max_window

# CloudWatch limits (botocore cloudwatch model: AlarmName, AlarmDescription, AlarmRule, PutMetricAlarm.Metrics).
MAX_ALARM_NAME = 255
MAX_DESCRIPTION = 1024
MAX_RULE = 10_240
MAX_CHILDREN = 100
MAX_METRICS_PER_MATH_ALARM = 10
MAX_EXPRESSIONS_PER_MATH_ALARM = 10
#: Statistics that go in ``Statistic``; anything else must be a percentile in ``ExtendedStatistic``.
PLAIN_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
TREATMENTS = ("breaching", "notBreaching", "ignore", "missing")

ABOVE = "GreaterThanThreshold"
AT_OR_ABOVE = "GreaterThanOrEqualToThreshold"
BELOW = "LessThanThreshold"
#: Anomaly-band comparisons by direction (valid only with ThresholdMetricId).
BAND_COMPARISONS = {
    "above": "GreaterThanUpperThreshold",
    "below": "LessThanLowerThreshold",
    "outside": "LessThanLowerOrGreaterThanUpperThreshold",
}

Dimensions = tuple[tuple[str, str], ...]
#: Between the stack's prefix (``<project>-<stack>-<region>``) and the rest of an alarm's name.
#: Project and stack names cannot contain it, so the ``<prefix>/*`` pattern that topic and key
#: policies admit matches this stack's alarms only: with ``-``, a stack named ``prod-eu-west-1-x``
#: would have matched the ``prod`` stack's pattern.
SEPARATOR = "/"


def alarm_name(prefix: str, rest: str) -> str:
    return f"{prefix}{SEPARATOR}{rest}"


@dataclass(frozen=True)
class Query:
    """One MetricDataQuery of a metric-math alarm: a catalogued metric or an expression."""

    id: str
    label: str
    metric: Metric | None = None
    dimensions: Dimensions = ()
    stat: str | None = None
    period: int | None = None
    expression: str | None = None
    return_data: bool = False
    account_id: str | None = None
    """The account the metric is in, for an alarm in a monitoring account (MetricDataQuery.AccountId)."""

    def inputs(self) -> dict[str, Any]:
        """The ``metric_queries`` item of ``aws.cloudwatch.MetricAlarm``."""
        if self.metric is None:
            return {"id": self.id, "label": self.label, "expression": self.expression, "return_data": self.return_data}
        account = {"account_id": self.account_id} if self.account_id else {}
        metric: dict[str, Any] = {
            "namespace": self.metric.namespace,
            "metric_name": self.metric.name,
            "stat": self.stat,
            "period": self.period,
        }
        if self.dimensions:
            metric["dimensions"] = dict(self.dimensions)
        return {"id": self.id, "label": self.label, "metric": metric, "return_data": self.return_data, **account}


@dataclass(frozen=True)
class MetricAlarmSpec:
    """One ``PutMetricAlarm``: a single metric, or metric math over catalogued metrics."""

    key: str
    """Unique in the stack; the component's child resource is named ``<component>-<key>``."""
    name: str
    kind: str
    model: str | None
    """The model's name, or None for stack-wide alarms."""
    urgency: Urgency
    meaning: str
    check_first: str
    comparison: str
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str = "notBreaching"
    threshold: float | None = None
    metric: Metric | None = None
    dimensions: Dimensions = ()
    period: int | None = None
    statistic: str | None = None
    """A plain statistic (Sum...) or a percentile (p90), which goes in ExtendedStatistic."""
    queries: tuple[Query, ...] = ()
    threshold_metric_id: str | None = None
    """The ANOMALY_DETECTION_BAND query of a band alarm."""
    dashboard: str | None = None
    """Console link to the dashboard that shows the alarm's model."""
    actions: bool = True
    """False for the children of a roll-up: the roll-up speaks for them."""
    evaluation_window: str | None = None
    """``wallClock`` (UTC): periods aligned to the clock; None: the default sliding window."""

    def in_account(self, account_id: str) -> MetricAlarmSpec:
        """The same alarm, evaluated in a monitoring account on ``account_id``'s metrics.

        Only a metric query names an account (MetricDataQuery.AccountId; PutMetricAlarm's own
        Namespace/MetricName have none), so a single-metric alarm becomes one query returning its
        metric; a percentile goes in the query's ``stat`` (MetricStat.Stat takes p90 too).
        """
        if self.metric is None:
            queries = tuple(replace(q, account_id=account_id) if q.metric else q for q in self.queries)
            return replace(self, queries=queries)
        only = Query(
            "m1",
            self.metric.name,
            self.metric,
            self.dimensions,
            self.statistic,
            self.period,
            return_data=True,
            account_id=account_id,
        )
        return replace(self, metric=None, dimensions=(), period=None, statistic=None, queries=(only,))

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.treat_missing_data not in TREATMENTS:
            raise ValueError(f"alarm {self.name}: treat_missing_data {self.treat_missing_data!r}")
        if self.evaluation_window not in (None, "wallClock"):
            raise ValueError(f"alarm {self.name}: evaluation window {self.evaluation_window!r}")
        if self.metric is not None:
            _check_period(self.name, self.period)
            _check_statistic(self.name, self.metric, self.statistic)
            if not self.metric.has_dimensions(tuple(n for n, _ in self.dimensions)):
                raise ValueError(f"alarm {self.name}: {self.metric.name} is not published with {self.dimensions}")
            periods = [self.period or 0]
        else:
            _check_queries(self.name, self.queries, self.threshold_metric_id)
            periods = [q.period or 0 for q in self.queries if q.metric is not None]
        if (self.threshold is None) != (self.threshold_metric_id is not None):
            raise ValueError(f"alarm {self.name}: a static threshold or an anomaly band, exactly one")
        if not 1 <= self.datapoints_to_alarm <= self.evaluation_periods:
            raise ValueError(f"alarm {self.name}: M of N needs 1 ≤ M ≤ N")
        for period in periods:
            limit = max_window(period)
            if period * self.evaluation_periods > limit:
                raise ValueError(f"alarm {self.name}: evaluation window over {limit} s")
        _check_description(self.name, self.description)
        if self.evaluation_window and any(p not in WALL_CLOCK_PERIODS for p in periods):
            raise ValueError(f"alarm {self.name}: a wall-clock window needs periods of {WALL_CLOCK_PERIODS} s")

    @property
    def description(self) -> str:
        return describe(self.meaning, self.check_first, self.dashboard)

    @property
    def period_seconds(self) -> int:
        """The period every metric of the alarm is read with."""
        return self.period or next(q.period for q in self.queries if q.period is not None)

    def inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.MetricAlarm`` other than the actions."""
        inputs: dict[str, Any] = {
            "name": self.name,
            "alarm_description": self.description,
            "comparison_operator": self.comparison,
            "evaluation_periods": self.evaluation_periods,
            "datapoints_to_alarm": self.datapoints_to_alarm,
            "treat_missing_data": self.treat_missing_data,
            "actions_enabled": True,
        }
        if self.evaluation_window:
            # CloudWatch's default time zone, said explicitly (WallClockWindow.Timezone).
            inputs["evaluation_window"] = {"wall_clock_window": {"timezone": "UTC"}}
        if self.threshold is not None:
            inputs["threshold"] = self.threshold
        if self.metric is None:
            inputs["metric_queries"] = [q.inputs() for q in self.queries]
            if self.threshold_metric_id:
                inputs["threshold_metric_id"] = self.threshold_metric_id
            return inputs
        inputs |= {"namespace": self.metric.namespace, "metric_name": self.metric.name, "period": self.period}
        if self.dimensions:
            inputs["dimensions"] = dict(self.dimensions)
        if self.statistic in PLAIN_STATISTICS:
            inputs["statistic"] = self.statistic
        else:
            inputs["extended_statistic"] = self.statistic
            # Said explicitly: a model with a handful of calls a minute still gets its latency
            # judged (M of N keeps one slow call from paging); "ignore" would silence it.
            inputs["evaluate_low_sample_count_percentiles"] = "evaluate"
        return inputs


@dataclass(frozen=True)
class CompositeAlarmSpec:
    """One ``PutCompositeAlarm``: ALARM when any child is in ALARM."""

    key: str
    name: str
    children: tuple[str, ...]
    model: str | None
    meaning: str
    check_first: str
    urgency: Urgency = "page"
    dashboard: str | None = None
    actions: bool = True

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not 1 <= len(self.children) <= MAX_CHILDREN:
            raise ValueError(
                f"composite {self.name}: {len(self.children)} children; CloudWatch allows 1-{MAX_CHILDREN}"
            )
        if len(self.rule) > MAX_RULE:
            raise ValueError(
                f"composite {self.name}: rule of {len(self.rule)} characters; CloudWatch allows {MAX_RULE}"
            )
        _check_description(self.name, self.description)

    @property
    def rule(self) -> str:
        return " OR ".join(f'ALARM("{c}")' for c in self.children)

    @property
    def description(self) -> str:
        return describe(self.meaning, self.check_first, self.dashboard)

    def inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.CompositeAlarm`` other than the actions."""
        return {
            "alarm_name": self.name,
            "alarm_rule": self.rule,
            "alarm_description": self.description,
            "actions_enabled": True,
        }


AlarmSpec = MetricAlarmSpec | CompositeAlarmSpec


# --- checks and text ----------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_ALARM_NAME:
        raise ValueError(f"alarm name {name!r} has {len(name)} characters; CloudWatch allows {MAX_ALARM_NAME}")


def _check_period(name: str, period: int | None) -> None:
    # 10/20/30 s are for high-resolution metrics only; Bedrock's are 1-minute.
    if period is None or period < 60 or period % 60:
        raise ValueError(f"alarm {name}: period {period} is not a multiple of 60 s")


def _check_statistic(name: str, metric: Metric, statistic: str | None) -> None:
    if statistic in PLAIN_STATISTICS:
        if statistic not in metric.statistics:
            raise ValueError(
                f"alarm {name}: {statistic} of {metric.name} means nothing (catalogue: {metric.statistics})"
            )
    else:
        check_percentile(statistic or "")


def _check_queries(name: str, queries: Sequence[Query], band: str | None) -> None:
    metrics = [q for q in queries if q.metric is not None]
    expressions = [q for q in queries if q.expression is not None]
    if len(metrics) > MAX_METRICS_PER_MATH_ALARM or len(expressions) > MAX_EXPRESSIONS_PER_MATH_ALARM:
        raise ValueError(
            f"alarm {name}: {len(metrics)} metrics and {len(expressions)} expressions; CloudWatch allows "
            f"{MAX_METRICS_PER_MATH_ALARM} and {MAX_EXPRESSIONS_PER_MATH_ALARM}"
        )
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise ValueError(f"alarm {name}: query ids repeat: {ids}")
    for query in metrics:
        _check_period(name, query.period)
        _check_statistic(name, query.metric, query.stat)  # type: ignore[arg-type]
    if len({q.period for q in metrics}) != 1:
        raise ValueError(f"alarm {name}: every metric of a math alarm needs the same period")
    returned = [q.id for q in queries if q.return_data]
    if band is None and len(queries) == 1 and returned == [queries[0].id] and queries[0].account_id:
        return  # one metric of another account, returned as it is (``MetricAlarmSpec.in_account``)
    if band is None and (len(returned) != 1 or returned[0] not in {q.id for q in expressions}):
        raise ValueError(f"alarm {name}: exactly one expression must return data, not {returned}")
    if band is not None:
        (band_query,) = [q for q in expressions if q.id == band]
        # The watched series may be a metric or an expression (a band on math is documented).
        watched = [q for q in returned if q != band]
        expected = f"ANOMALY_DETECTION_BAND({watched[0]}," if len(watched) == 1 else None
        if expected is None or not (band_query.expression or "").startswith(expected):
            raise ValueError(f"alarm {name}: a band alarm returns one series and its ANOMALY_DETECTION_BAND")


def _check_description(name: str, description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise ValueError(
            f"alarm {name}: description of {len(description)} characters; CloudWatch allows {MAX_DESCRIPTION}"
        )


def describe(meaning: str, check_first: str, dashboard: str | None) -> str:
    text = f"{meaning} Check first: {check_first}"
    return f"{text} Dashboard: {dashboard}" if dashboard else text


def duration(seconds: int) -> str:
    """``5 minutes``, ``1 hour``."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "1 hour" if hours == 1 else f"{hours} hours"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def window(period: int, evaluation_periods: int, datapoints_to_alarm: int, clock: bool = False) -> str:
    """``in 3 of the last 5 periods of 1 minute``, or ``in one period of 5 minutes``; with ``clock``, periods
    aligned to the UTC clock (a wall-clock evaluation window)."""
    length = duration(period) + (" on the UTC clock" if clock else "")
    if evaluation_periods == 1:
        return f"in one period of {length}"
    if datapoints_to_alarm == 1:
        return f"in any of the last {evaluation_periods} periods of {length}"
    return f"in {datapoints_to_alarm} of the last {evaluation_periods} periods of {length}"
