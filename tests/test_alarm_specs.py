"""The spec guards: what the alarm generator relies on CloudWatch to refuse, refused before any resource."""

from __future__ import annotations

from dataclasses import replace

import pytest

from llm_monitor.alarms import CompositeAlarmSpec, MetricAlarmSpec, Query
from llm_monitor.catalogue import INVOCATIONS


def metric_query(id: str, period: int = 60, stat: str = "Sum") -> Query:
    return Query(id, id, metric=INVOCATIONS, dimensions=(("ModelId", "m"),), stat=stat, period=period)


def math_alarm(
    queries: tuple[Query, ...], evaluation_periods: int = 1, threshold: float | None = 1, band: str | None = None
) -> MetricAlarmSpec:
    return MetricAlarmSpec(
        key="k",
        name="n",
        kind="k",
        model=None,
        urgency="notify",
        meaning="m",
        check_first="c",
        comparison="GreaterThanThreshold",
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=1,
        threshold=threshold,
        queries=queries,
        threshold_metric_id=band,
    )


def band_queries(watched: tuple[str, ...] = ("calls",), band_over: str = "calls") -> tuple[Query, ...]:
    """Invocations, ``calls = FILL(inv,0)`` and ``band`` over ``band_over``; the ``watched`` ids return data."""
    return (
        replace(metric_query("inv"), return_data="inv" in watched),
        Query("calls", "calls", expression="FILL(inv,0)", return_data="calls" in watched),
        Query("band", "band", expression=f"ANOMALY_DETECTION_BAND({band_over}, 2)", return_data=True),
    )


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        ((*tuple(metric_query(f"m{i}") for i in range(11)), Query("e", "e", expression="m0", return_data=True)), "10"),
        (
            (
                metric_query("a"),
                Query("e", "e", expression="a", return_data=True),
                Query("f", "f", expression="a", return_data=True),
            ),
            "exactly one",
        ),
        ((metric_query("a", period=30), Query("e", "e", expression="a", return_data=True)), "multiple of 60"),
        (
            (
                metric_query("a", stat="p90"),
                metric_query("b", period=120),
                Query("e", "e", expression="a+b", return_data=True),
            ),
            "same period",
        ),
        ((metric_query("a", stat="Minimum"), Query("e", "e", expression="a", return_data=True)), "means nothing"),
        ((metric_query("a"), metric_query("a")), "repeat"),
    ],
)
def test_specs_refuse_what_cloudwatch_refuses(queries: tuple[Query, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        math_alarm(queries)


def test_specs_refuse_a_window_over_a_day_for_short_periods() -> None:
    queries = (metric_query("a", period=300), Query("e", "e", expression="a", return_data=True))
    assert math_alarm(queries, evaluation_periods=288).evaluation_periods == 288
    with pytest.raises(ValueError, match="86400"):
        math_alarm(queries, evaluation_periods=289)


@pytest.mark.parametrize(("watched", "band_over"), [(("calls",), "calls"), (("inv",), "inv")])
def test_a_band_over_the_one_watched_series_is_accepted(watched: tuple[str, ...], band_over: str) -> None:
    alarm = math_alarm(band_queries(watched, band_over), threshold=None, band="band")
    assert alarm.inputs()["threshold_metric_id"] == "band"


@pytest.mark.parametrize(
    ("queries", "threshold", "band", "message"),
    [
        pytest.param(band_queries(band_over="inv"), None, "band", "one series and its ANOMALY", id="band-over-other"),
        pytest.param(band_queries(("inv", "calls")), None, "band", "one series and its ANOMALY", id="two-watched"),
        pytest.param(band_queries(), 1, "band", "static threshold or an anomaly band", id="threshold-and-band"),
        pytest.param(
            (metric_query("a"), Query("e", "e", expression="a", return_data=True)),
            None,
            None,
            "static threshold or an anomaly band",
            id="neither",
        ),
    ],
)
def test_specs_need_a_threshold_or_a_band_over_the_watched_series(
    queries: tuple[Query, ...], threshold: float | None, band: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        math_alarm(queries, threshold=threshold, band=band)


def test_specs_refuse_an_unknown_missing_data_treatment() -> None:
    queries = (metric_query("a"), Query("e", "e", expression="a", return_data=True))
    with pytest.raises(ValueError, match="treat_missing_data"):
        replace(math_alarm(queries), treat_missing_data="sometimes")


def composite(children: tuple[str, ...]) -> CompositeAlarmSpec:
    return CompositeAlarmSpec("k", "n", children, model=None, meaning="m", check_first="c")


def test_composites_refuse_more_children_or_rule_than_cloudwatch_takes() -> None:
    assert composite(tuple(f"a{i}" for i in range(100))).rule.count("ALARM(") == 100
    with pytest.raises(ValueError, match="101 children"):
        composite(tuple(f"a{i}" for i in range(101)))
    with pytest.raises(ValueError, match="10240"):
        composite(tuple("x" * 250 + str(i) for i in range(50)))
    with pytest.raises(ValueError, match="0 children"):
        composite(())
