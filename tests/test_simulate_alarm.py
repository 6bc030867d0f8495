"""How the simulator decides alarm states: the CloudWatch user guide's own examples as test vectors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llm_monitor.simulate.alarm import (
    ALARM,
    INSUFFICIENT_DATA,
    OK,
    MetricAlarm,
    MetricAlarmEvaluator,
    Query,
    decide,
    parse_rule,
    rule_children,
    rule_holds,
)
from llm_monitor.simulate.metrics import Datapoint, MetricStore, metric_key

RETAIN = "retain current state"
KEY = metric_key("AWS/Bedrock", "InvocationServerErrors", [("ModelId", "m")])


def points(text: str) -> list[bool | None]:
    """``0 - X - X`` (oldest first): 0 not breaching, X breaching, - missing."""
    return [{"0": False, "X": True, "-": None}[p] for p in text.split()]


def state(text: str, n: int, m: int, treat: str) -> str:
    current = "<current>"
    result = decide(points(text), n, m, treat, current)
    return RETAIN if result == current else result


# "Configuring how CloudWatch alarms treat missing data": Datapoints to Alarm and Evaluation
# Periods both 3, evaluation range 5.
THREE_OF_THREE = [
    ("0 - X - X", OK, OK, OK, OK),
    ("0 - - - -", OK, OK, OK, OK),
    ("- - - - -", INSUFFICIENT_DATA, RETAIN, ALARM, OK),
    ("0 X X - X", ALARM, ALARM, ALARM, ALARM),
    ("- - X - -", ALARM, RETAIN, ALARM, OK),
]
# The same page's second table: 2 out of 3.
TWO_OF_THREE = [
    ("0 - X - X", ALARM, ALARM, ALARM, ALARM),
    ("0 0 X 0 X", ALARM, ALARM, ALARM, ALARM),
    ("0 - X - -", OK, OK, ALARM, OK),
    ("- - - - 0", OK, OK, ALARM, OK),
    ("- - - X -", ALARM, RETAIN, ALARM, OK),
]


@pytest.mark.parametrize(("data", "missing", "ignore", "breaching", "not_breaching"), THREE_OF_THREE)
def test_the_guides_three_of_three_table(
    data: str, missing: str, ignore: str, breaching: str, not_breaching: str
) -> None:
    assert [state(data, 3, 3, t) for t in ("missing", "ignore", "breaching", "notBreaching")] == [
        missing,
        ignore,
        breaching,
        not_breaching,
    ]


@pytest.mark.parametrize(("data", "missing", "ignore", "breaching", "not_breaching"), TWO_OF_THREE)
def test_the_guides_two_of_three_table(
    data: str, missing: str, ignore: str, breaching: str, not_breaching: str
) -> None:
    assert [state(data, 3, 2, t) for t in ("missing", "ignore", "breaching", "notBreaching")] == [
        missing,
        ignore,
        breaching,
        not_breaching,
    ]


@pytest.mark.parametrize(("data", "expected"), [("- - - - X", OK), ("- - - X -", OK), ("- - - X 0", OK)])
def test_a_fresh_breach_is_not_a_premature_alarm(data: str, expected: str) -> None:
    # "the alarm does not go immediately into ALARM state when the data is either - - - - X or
    # - - - X - and Datapoints to Alarm is 3", nor after a non-breaching point follows.
    assert state(data, 3, 3, "missing") == expected


def test_enough_real_points_are_read_from_further_back_in_the_range() -> None:
    # Four real points in a range of five: the most recent three real ones decide, whatever the treatment.
    assert state("X X - X 0", 3, 2, "breaching") == ALARM
    assert state("X 0 - 0 X", 3, 2, "breaching") == OK


# --- evaluation over time -------------------------------------------------------------------------

START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def errors_alarm(period: int = 300, n: int = 1, m: int = 1, treat: str = "notBreaching") -> MetricAlarm:
    return MetricAlarm(
        name="a",
        comparison="GreaterThanOrEqualToThreshold",
        evaluation_periods=n,
        datapoints_to_alarm=m,
        treat_missing_data=treat,
        period=period,
        threshold=5,
        queries=(Query("m", True, None, KEY, "Sum", period),),
    )


def test_a_five_minute_period_slides_minute_by_minute() -> None:
    # "At the end of minute 5 the alarm evaluates based on data from minutes 1 to 5. Then at the
    # end of minute 6, based on the data from minutes 2 to 6."
    store = MetricStore(0, 20)
    store.put(KEY, 0, Datapoint.counted(5))  # the guide's minute 1: 5 errors
    for minute in range(1, 20):
        store.put(KEY, minute, Datapoint.counted(0))
    evaluator = MetricAlarmEvaluator(errors_alarm(), store, START)
    assert evaluator.evaluate(5, OK).state == ALARM  # minutes 1-5
    assert evaluator.evaluate(6, ALARM).state == OK  # minutes 2-6: the errors left the window


def test_an_alarm_re_reads_its_last_real_points_after_the_metric_stops() -> None:
    # "CloudWatch alarms might repeatedly re-evaluate the last set of data points for a period of
    # time after the metric has stopped flowing": with enough real points in the evaluation range
    # (N + 2 periods), the most recent real ones decide, whatever the missing-data treatment.
    store = MetricStore(0, 30)
    store.put(KEY, 0, Datapoint.counted(5))
    evaluator = MetricAlarmEvaluator(errors_alarm(), store, START)
    assert [evaluator.evaluate(end, ALARM).state for end in (5, 6, 15)] == [ALARM, ALARM, ALARM]
    assert evaluator.evaluate(16, ALARM).state == OK  # the breaching period left the range: all missing


def test_sums_add_up_over_the_period_and_percentiles_read_every_value() -> None:
    store = MetricStore(0, 10)
    for minute in range(5):
        store.put(KEY, minute, Datapoint.counted(1))
    assert MetricAlarmEvaluator(errors_alarm(), store, START).evaluate(5, OK).state == ALARM
    latency = metric_key("AWS/Bedrock", "InvocationLatency", [("ModelId", "m")])
    store.put(latency, 0, Datapoint.sampled([100] * 9 + [1000]))
    store.put(latency, 1, Datapoint.sampled([100] * 10))
    assert store.statistic(latency, 0, 1, "p90") == 100
    assert store.statistic(latency, 0, 1, "p95") == 1000
    assert store.statistic(latency, 0, 2, "p95") == 100  # one slow call in twenty
    assert store.statistic(latency, 0, 2, "Average") == pytest.approx(145)
    assert store.statistic(latency, 5, 6, "p90") is None


def test_low_sample_percentiles_are_dropped_only_when_the_alarm_says_ignore() -> None:
    latency = metric_key("AWS/Bedrock", "InvocationLatency", [("ModelId", "m")])
    store = MetricStore(0, 10)
    store.put(latency, 0, Datapoint.sampled([40_000] * 5))
    alarm = MetricAlarm(
        "l", "GreaterThanThreshold", 1, 1, "notBreaching", 60, 30_000, (Query("m", True, None, latency, "p90", 60),)
    )
    assert MetricAlarmEvaluator(alarm, store, START).evaluate(1, OK).state == ALARM
    # p90 needs 10/(1-0.9) = 100 samples before "ignore" lets it count.
    ignoring = MetricAlarm(**{**alarm.__dict__, "low_sample_percentiles": "ignore"})
    assert MetricAlarmEvaluator(ignoring, store, START).evaluate(1, OK).state == OK


# --- composite rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "states", "holds"),
    [
        ('ALARM("a") OR ALARM("b")', {"a": OK, "b": ALARM}, True),
        ("ALARM(a) AND ALARM(b)", {"a": OK, "b": ALARM}, False),
        ("ALARM(a) AND NOT ALARM(b)", {"a": ALARM, "b": OK}, True),
        ("(ALARM(a) OR ALARM(b)) AND OK(c)", {"a": ALARM, "b": OK, "c": INSUFFICIENT_DATA}, False),
        ("INSUFFICIENT_DATA(c) OR FALSE", {"c": INSUFFICIENT_DATA}, True),
        ("TRUE AND NOT FALSE", {}, True),
        ('ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a")', {"a": ALARM}, True),
    ],
)
def test_composite_rules_follow_the_guides_syntax(rule: str, states: dict[str, str], holds: bool) -> None:
    parsed = parse_rule(rule)
    assert rule_holds(parsed, states) is holds
    assert rule_children(parsed) <= set(states) | {"a", "b", "c"}


@pytest.mark.parametrize("rule", ["ALARM(a) OR", "ALARM(a", "MAYBE(a)", "ALARM(a) XOR ALARM(b)"])
def test_rules_the_guide_does_not_allow_are_refused(rule: str) -> None:
    with pytest.raises(ValueError, match="alarm rule"):
        parse_rule(rule)
