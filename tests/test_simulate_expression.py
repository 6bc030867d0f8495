"""The simulator's metric math, against the examples of CloudWatch's user guide ("Using math
expressions with CloudWatch metrics"), and on every expression the program writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llm_monitor.alarms import build_alarms
from llm_monitor.config import parse_settings
from llm_monitor.dashboard import build_dashboards
from llm_monitor.simulate.expression import (
    SUPPORTED_FUNCTIONS,
    Evaluator,
    ExpressionError,
    Grid,
    Series,
    Value,
    functions_used,
    parse,
    referenced_ids,
)
from tests.program import fixture_config, models

TIMESTAMPS = (0, 1, 2, 3, 4)
MISSING = None


def series(*values: float | None) -> Series:
    return {ts: float(v) for ts, v in zip(TIMESTAMPS, values, strict=False) if v is not None}


class Inputs:
    def __init__(self, data: dict[str, Series]) -> None:
        self.data = data

    def series(self, id: str) -> Series:
        return self.data[id]

    def period_of(self, id: str) -> int:
        return 300

    def ids(self) -> list[str]:
        return sorted(self.data)

    def band(self, id: str, width: float) -> tuple[Series, Series]:
        centre = self.data[id]
        return {t: v + width for t, v in centre.items()}, {t: v - width for t, v in centre.items()}


def evaluate(text: str, *, fill_empty: bool = True, at: datetime | None = None, **data: Series) -> Value:
    return evaluate_with(text, data, fill_empty=fill_empty, at=at)


def evaluate_with(text: str, data: dict[str, Series], *, fill_empty: bool = True, at: datetime | None = None) -> Value:
    grid = Grid(TIMESTAMPS, 300, at or datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    return Evaluator(grid, Inputs(data), lambda id: data[id], fill_empty=fill_empty).evaluate(parse(text))


def listed(value: Value) -> list[float | None]:
    assert isinstance(value, dict)
    return [value.get(ts) for ts in TIMESTAMPS]


# The guide's comparison table: metric1 [30, 20, 0, 0], metric2 [20, -, 20, -].
@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("metric1 < metric2", [0, 0, 1, 0]),
        ("metric1 >= 30", [1, 0, 0, 0]),
        ("metric1 > 15 AND metric2 > 15", [1, 0, 0, 0]),
        ("metric1 > 15 && metric2 > 15", [1, 0, 0, 0]),
        ("metric1 > 25 OR metric2 > 15", [1, 0, 1, 0]),
    ],
)
def test_comparison_and_logical_operators_follow_the_guides_table(expression: str, expected: list[int]) -> None:
    value = evaluate(expression, metric1=series(30, 20, 0, 0), metric2=series(20, MISSING, 20, MISSING))
    assert listed(value)[:4] == expected


# The guide's IF tables: metric1 [1, 1, 0, 0, -], metric2 [30, -, 0, 0, 30], metric3 [0, 0, 20, -, 20].
@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("IF(metric1, metric2, metric3)", [30, 0, 20, None, None]),
        ("IF(metric1, 5, metric3)", [5, 5, 20, None, None]),
        ("IF(metric1, metric2, 5)", [30, 0, 5, 5, None]),
        ("IF(metric1, metric2)", [30, 0, None, None, None]),
    ],
)
def test_if_follows_the_guides_tables(expression: str, expected: list[float | None]) -> None:
    value = evaluate(
        expression,
        metric1=series(1, 1, 0, 0, MISSING),
        metric2=series(30, MISSING, 0, 0, 30),
        metric3=series(0, 0, 20, MISSING, 20),
    )
    assert listed(value) == expected


def test_if_of_a_scalar_picks_a_whole_series() -> None:
    assert listed(evaluate("IF(1, a, b)", a=series(1, 2), b=series(5))) == [1, 2, None, None, None]
    assert evaluate("IF(0, a)", a=series(1, 2)) == {}


def test_arithmetic_reads_missing_values_as_zero_and_drops_division_by_zero() -> None:
    a, b = series(10, MISSING, 4, MISSING, 0), series(2, 3, MISSING, MISSING, 0)
    assert listed(evaluate("a + b", a=a, b=b)) == [12, 3, 4, None, 0]
    assert listed(evaluate("a / b", a=a, b=b)) == [5, 0, None, None, None]
    assert listed(evaluate("100 * a / 4 - 1", a=a)) == [249, None, 99, None, -1]
    assert listed(evaluate("-a ^ 2", a=series(3))) == [-9, None, None, None, None]


def test_fill_gives_every_period_a_value_and_can_be_told_not_to_for_empty_series() -> None:
    assert listed(evaluate("FILL(a, 0)", a=series(MISSING, 2))) == [0, 2, 0, 0, 0]
    assert listed(evaluate("FILL(a, REPEAT)", a=series(MISSING, 2, MISSING))) == [2, 2, 2, 2, 2]
    assert listed(evaluate("FILL(a, 7)", a={})) == [7] * 5
    assert evaluate("FILL(a, 7)", a={}, fill_empty=False) == {}


def test_max_of_an_array_is_per_timestamp_and_of_a_series_a_number() -> None:
    assert listed(evaluate("MAX([a, b])", a=series(1, 5), b=series(3, 2, 4))) == [3, 5, 4, None, None]
    assert evaluate("MAX(a)", a=series(1, 5, 2)) == 5
    assert listed(evaluate("SUM([a, b])", a=series(1, 5), b=series(3, 2, 4))) == [4, 7, 4, None, None]
    assert listed(evaluate("AVG([a, b])", a=series(2), b=series(4, 6))) == [3, 3, None, None, None]


def test_clock_functions_are_non_sparse_and_number_days_from_monday() -> None:
    # Minute 0 is Monday 2026-03-02 00:00 UTC; the grid's timestamps are minutes 0..4.
    assert listed(evaluate("DAY(a)", a={})) == [1] * 5
    assert listed(evaluate("HOUR(a)", a={}, at=datetime(2026, 3, 8, 23, 58, tzinfo=UTC))) == [23, 23, 0, 0, 0]
    assert listed(evaluate("DAY(a)", a={}, at=datetime(2026, 3, 8, 23, 58, tzinfo=UTC))) == [7, 7, 1, 1, 1]
    assert listed(evaluate("MINUTE(a)", a={})) == [0, 1, 2, 3, 4]


def test_period_is_the_metrics_period_in_seconds() -> None:
    assert listed(evaluate("a/(PERIOD(a)/60)", a=series(500))) == [100, None, None, None, None]


def test_anomaly_band_is_upper_then_lower() -> None:
    band = evaluate("ANOMALY_DETECTION_BAND(a, 2)", a=series(10))
    assert band == [{0: 12.0}, {0: 8.0}]
    assert evaluate("LAST(ANOMALY_DETECTION_BAND(a))", a=series(10)) == {0: 8.0}


@pytest.mark.parametrize("text", ["a +", "IF(a, b", "a $ b", "SEARCH('{AWS/Bedrock}', 'Sum', 300)", "[a, b"])
def test_what_cannot_be_read_or_run_says_so(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(text, a=series(1), b=series(2))


def _expressions() -> list[str]:
    """Every metric-math expression the program writes into an alarm, and into a dashboard graph
    that is not a SEARCH (the console runs those, not alarms)."""
    configs = [parse_settings(fixture_config(s)) for s in ("dev", "prod")]
    everything = {
        "invocationAnomaly": {"enabled": True},
        "trafficLoss": {"enabled": True, "threshold": 5, "schedule": {"startHour": 20, "endHour": 6}},
        "outputTokensPerSecond": {"enabled": True, "baseline": 60},
        "applications": {"names": ["chat"]},
    }
    raw = {"aws:region": "us-east-1", "llm-monitor:models": models(2, inputTokenPrice=0.1, tokensPerMinuteQuota=5)}
    configs.append(parse_settings(raw | {"llm-monitor:alarms": everything}))
    found = set()
    for current in configs:
        for alarm in build_alarms(current, project="p", stack="s").metric_alarms:
            found |= {q.expression for q in alarm.queries if q.expression}
        for dashboard in build_dashboards(current, project="p", stack="s"):
            for widget in dashboard.body["widgets"]:
                for entry in widget["properties"].get("metrics", []):
                    text = entry[0].get("expression") if isinstance(entry[0], dict) else None
                    if text and "SEARCH(" not in text:
                        found.add(text)
    return sorted(found)


@pytest.mark.parametrize("text", _expressions())
def test_every_expression_the_program_writes_is_one_the_simulator_evaluates(text: str) -> None:
    node = parse(text)
    assert functions_used(node) <= SUPPORTED_FUNCTIONS
    data = {id: series(4, 2, MISSING, 8, 1) for id in referenced_ids(node)}
    value = evaluate_with(text, data)
    assert isinstance(value, dict | list)
