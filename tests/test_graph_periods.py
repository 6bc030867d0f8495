"""Threshold lines stay true whatever period the console picks for a graph.

For long time ranges the console widens a graph's period (the dashboards set
``periodOverride: auto``). Each case feeds a graph a steady stream at exactly its alarm's
threshold and evaluates the graph's lines (with the simulator's metric math) at every period
the console may pick: the line and the series must meet at each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from llm_monitor.config import parse_settings
from llm_monitor.plan import build_plan
from llm_monitor.simulate.expression import Evaluator, Grid, Series, parse
from tests.bodies import expressions, plain_metrics, titled
from tests.program import PRICED

CONSOLE_PERIODS = (60, 300, 900, 3600, 21600, 86400)
BUSY = {
    **PRICED,
    "alarms": {
        "trafficLoss": {"enabled": True, "threshold": 40},
        "serverErrors": {"enabled": True, "threshold": 5},
        "throttles": {"enabled": True, "threshold": 50, "periodSeconds": 600},
    },
}


@pytest.fixture(scope="module")
def body() -> dict[str, Any]:
    settings = parse_settings({"aws:region": "us-east-1", "llm-monitor:models": [BUSY]})
    plan = build_plan(settings, project="llm-monitor", stack="test")
    return plan.dashboards[0].body


def graph(body: dict[str, Any], title: str) -> dict[str, Any]:
    (widget,) = titled(body, f"haiku: {title}")
    return widget


def line(widget: dict[str, Any], label: str) -> float:
    (value,) = [a["value"] for a in widget["properties"]["annotations"]["horizontal"] if a["label"] == label]
    return float(value)


def drawn(widget: dict[str, Any], label: str, per_minute: dict[str, float], period: int) -> float:
    """The series ``label`` at a graph period of ``period`` seconds, when each metric id counts
    ``per_minute`` every minute (Sum statistics add up over the period)."""
    ids = {opts["id"] for *_, opts in plain_metrics(widget) if "id" in opts}
    sums: dict[str, Series] = {id: {0: per_minute[id] * period / 60} for id in ids if per_minute.get(id)}
    entries = {e["id"]: e["expression"] for e in expressions(widget)}
    (target,) = [e["id"] for e in expressions(widget) if e["label"] == label]

    class Inputs:
        def series(self, id: str) -> Series:
            return sums.get(id, {})

        def period_of(self, id: str) -> int:
            return period

        def ids(self) -> list[str]:
            return sorted(ids)

        def band(self, id: str, width: float) -> tuple[Series, Series]:
            raise AssertionError("no bands on these graphs")

    evaluator = Evaluator(Grid((0,), period, datetime(2026, 3, 3, tzinfo=UTC)), Inputs(), lambda id: resolve(id))

    def resolve(id: str) -> Any:
        return evaluator.evaluate(parse(entries[id])) if id in entries else sums.get(id, {})

    value = resolve(target)
    assert isinstance(value, dict)
    return float(value[0])


@pytest.mark.parametrize("period", CONSOLE_PERIODS)
def test_count_alarms_meet_their_lines_on_the_per_minute_graph(body: dict[str, Any], period: int) -> None:
    activity = graph(body, "Invocations, errors and throttles (per minute)")
    # 5 server errors per 5 minutes, 50 throttles per 10 minutes: 1 and 5 a minute.
    assert drawn(activity, "Server errors", {"se": 1}, period) == line(
        activity, "InvocationServerErrors alarm: 5 per 5 minutes"
    )
    assert drawn(activity, "Throttles", {"th": 5}, period) == line(
        activity, "InvocationThrottles alarm: 50 per 10 minutes"
    )
    # The traffic floor: 40 requests per 5 minutes is 8 a minute.
    assert drawn(activity, "Invocations", {"inv": 8}, period) == line(activity, "Traffic floor: 40 per 5 minutes")


@pytest.mark.parametrize("period", CONSOLE_PERIODS)
def test_spend_meets_the_cost_alarms_line_in_usd_per_hour(body: dict[str, Any], period: int) -> None:
    cost = graph(body, "Cost (USD per hour)")
    # $10 an hour in input tokens alone, at $0.0008 per 1,000: 208,333 tokens a minute.
    tokens = 10 * 1000 / 0.0008 / 60
    assert drawn(cost, "Total USD/hour", {"tin": tokens}, period) == pytest.approx(line(cost, "Cost alarm: $10/hour"))


@pytest.mark.parametrize("period", CONSOLE_PERIODS)
def test_quota_usage_meets_the_quota_alarms_line_in_tokens_per_minute(body: dict[str, Any], period: int) -> None:
    quota = graph(body, "Estimated TPM quota usage")
    # PRICED calls a us. profile: it draws on the cross-Region quota.
    threshold = line(quota, "Quota alarm: 80% of Cross-Region TPM quota")
    assert threshold == 320_000
    assert drawn(quota, "Estimated tokens/min", {"q": threshold}, period) == pytest.approx(threshold)


@pytest.mark.parametrize("period", CONSOLE_PERIODS)
def test_rates_meet_their_lines_in_percent(body: dict[str, Any], period: int) -> None:
    rates = graph(body, "Error and throttle rate (%)")
    assert drawn(rates, "Error %", {"inv": 100, "ce": 3, "se": 2}, period) == pytest.approx(
        line(rates, "Error-rate alarm: 5%")
    )
    assert drawn(rates, "Throttle %", {"inv": 90, "th": 10}, period) == pytest.approx(
        line(rates, "Throttle-rate alarm: 10%")
    )
