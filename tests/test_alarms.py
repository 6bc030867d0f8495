"""The pure alarm layer: alarm specs from the catalogue and settings, checked against CloudWatch's rules."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from llm_monitor.alarms import AlarmPlan, MetricAlarmSpec, Query, build_alarms
from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.catalogue import INVOCATION_LATENCY, INVOCATIONS
from llm_monitor.config import Settings, parse_settings
from llm_monitor.dashboard import build_dashboards
from tests.bodies import referenced_ids
from tests.program import PRICED, config_problems, models, stack_config

PLAIN = {"name": "plain", "id": "amazon.nova-lite-v1:0"}


def raw_config(
    model_list: list[dict[str, Any]] | None = None, region: str = "us-east-1", **sections: Any
) -> dict[str, Any]:
    raw = {"aws:region": region, "llm-monitor:models": model_list or [PRICED, PLAIN]}
    return raw | {f"llm-monitor:{k}": v for k, v in sections.items()}


def settings(model_list: list[dict[str, Any]] | None = None, region: str = "us-east-1", **sections: Any) -> Settings:
    return parse_settings(raw_config(model_list, region, **sections))


def plan(model_list: list[dict[str, Any]] | None = None, stack: str = "test", **sections: Any) -> AlarmPlan:
    return build_alarms(settings(model_list, **sections), project="llm-monitor", stack=stack)


def by_key(alarm_plan: AlarmPlan) -> dict[str, MetricAlarmSpec]:
    return {a.key: a for a in alarm_plan.metric_alarms}


def evaluate(expression: str, values: Mapping[str, float | None], period: int) -> float:
    """A metric-math expression over one datapoint per id (None: no datapoint), the way CloudWatch reads it."""
    functions = {
        "FILL": lambda value, default: default if value is None else value,
        "IF": lambda condition, yes, no: yes if condition else no,
        "PERIOD": lambda _: period,
        "MAX": max,  # MAX([a, b]): the larger value at each timestamp
    }
    return float(eval(expression, {"__builtins__": {}}, {**functions, **values}))


def all_plans() -> list[AlarmPlan]:
    many = models(30, inputTokenPrice=0.001, tokensPerMinuteQuota=100000)
    return [
        *(build_alarms(parse_settings(stack_config(s)), project="llm-monitor", stack=s) for s in ("dev", "prod")),
        plan(many, alarms={"invocationAnomaly": {"enabled": True}, "throttles": {"enabled": True}}),
    ]


# --- what each model gets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "metric", "statistic_key", "statistic", "comparison", "threshold", "period"),
    [
        ("latency", "InvocationLatency", "extended_statistic", "p90", "GreaterThanThreshold", 30000, 60),
        ("time-to-first-token", "TimeToFirstToken", "extended_statistic", "p90", "GreaterThanThreshold", 5000, 60),
        ("server-errors", "InvocationServerErrors", "statistic", "Sum", "GreaterThanOrEqualToThreshold", 5, 300),
    ],
)
def test_single_metric_alarms_watch_the_model_on_its_metric(
    kind: str, metric: str, statistic_key: str, statistic: str, comparison: str, threshold: float, period: int
) -> None:
    for model in (PRICED, PLAIN):
        inputs = by_key(plan())[f"{model['name']}-{kind}"].inputs()
        assert inputs["namespace"] == "AWS/Bedrock"
        assert inputs["metric_name"] == metric
        assert inputs["dimensions"] == {"ModelId": model["id"]}
        assert inputs[statistic_key] == statistic
        assert ("statistic" in inputs) != ("extended_statistic" in inputs)
        assert inputs["comparison_operator"] == comparison
        assert inputs["threshold"] == threshold
        assert inputs["period"] == period
        assert "unit" not in inputs


def test_default_kinds_follow_what_each_model_has() -> None:
    keys = set(by_key(plan()))
    common = {"latency", "time-to-first-token", "server-errors", "error-rate", "throttle-rate"}
    assert keys == {f"haiku-{k}" for k in common | {"quota", "cost"}} | {f"plain-{k}" for k in common}


def test_percentiles_go_in_extended_statistic() -> None:
    alarm = by_key(plan(alarms={"latency": {"statistic": "p99.9"}}))["haiku-latency"]
    inputs = alarm.inputs()
    assert inputs["extended_statistic"] == "p99.9"
    assert "statistic" not in inputs
    assert inputs["evaluate_low_sample_count_percentiles"] == "evaluate"


def test_error_rate_is_client_plus_server_errors_over_invocations() -> None:
    alarm = by_key(plan())["haiku-error-rate"]
    (returned,) = [q for q in alarm.queries if q.return_data]
    metrics = {q.id: (q.metric.name if q.metric else None, q.stat) for q in alarm.queries if q.metric}
    assert metrics == {
        "inv": ("Invocations", "Sum"),
        "ce": ("InvocationClientErrors", "Sum"),
        "se": ("InvocationServerErrors", "Sum"),
    }

    def rate(**values: float | None) -> float:
        namespace = dict(values)
        for query in alarm.queries:  # intermediate expressions in order, as CloudWatch resolves ids
            if query.expression and not query.return_data:
                namespace[query.id] = evaluate(query.expression, namespace, 300)
        return evaluate(returned.expression or "", namespace, 300)

    assert rate(inv=200, ce=6, se=4) == pytest.approx(5.0)
    assert rate(inv=200, ce=None, se=4) == pytest.approx(2.0)
    # Fewer invocations than minInvocations (20): thin traffic never breaches.
    assert rate(inv=10, ce=10, se=0) == 0
    # Under the older reading of Invocations (successful calls only) a total outage has errors and
    # no Invocations datapoint: it must read 100%, not go quiet.
    assert rate(inv=None, ce=15, se=15) == pytest.approx(100.0)


def test_throttle_rate_is_a_share_of_attempts() -> None:
    alarm = by_key(plan(alarms={"throttleRate": {"minInvocations": 5}}))["haiku-throttle-rate"]
    namespace: dict[str, float | None] = {"inv": 90, "th": 10}
    for query in alarm.queries:
        if query.expression and not query.return_data:
            namespace[query.id] = evaluate(query.expression, namespace, 300)
    (returned,) = [q for q in alarm.queries if q.return_data]
    assert evaluate(returned.expression or "", namespace, 300) == pytest.approx(10.0)


@pytest.mark.parametrize("period", [60, 300])
def test_quota_alarm_is_percent_of_the_per_minute_quota(period: int) -> None:
    alarm = by_key(plan(alarms={"quota": {"periodSeconds": period}}))["haiku-quota"]
    (q,) = [x for x in alarm.queries if x.metric]
    assert (q.metric.name if q.metric else None, q.stat, q.period) == ("EstimatedTPMQuotaUsage", "Sum", period)
    assert q.dimensions == (("ModelId", PRICED["id"]),)
    (returned,) = [x for x in alarm.queries if x.return_data]
    # 320,000 tokens in each minute of the period against a quota of 400,000: 80 %.
    assert evaluate(returned.expression or "", {"q": 320000 * period / 60}, period) == pytest.approx(80.0)
    assert alarm.threshold == 80


@pytest.mark.parametrize("period", [300, 3600])
def test_cost_alarm_is_usd_per_hour_from_tokens_and_prices(period: int) -> None:
    alarm = by_key(plan(alarms={"cost": {"periodSeconds": period, "threshold": 12.5}}))["haiku-cost"]
    names = {q.id: q.metric.name for q in alarm.queries if q.metric}
    # Both spellings of each prompt-cache metric are queried and added.
    assert sorted(names.values()) == sorted(
        [
            "InputTokenCount",
            "OutputTokenCount",
            "CacheReadInputTokens",
            "CacheReadInputTokenCount",
            "CacheWriteInputTokens",
            "CacheWriteInputTokenCount",
        ]
    )
    tokens = {
        "InputTokenCount": 1_000_000,
        "OutputTokenCount": 200_000,
        "CacheReadInputTokens": 300_000,
        "CacheReadInputTokenCount": 100_000,
        "CacheWriteInputTokens": None,  # no datapoint under this name
        "CacheWriteInputTokenCount": 50_000,
    }
    values = {id: tokens[name] for id, name in names.items()}
    (returned,) = [q for q in alarm.queries if q.return_data]
    per_period = (1_000_000 * 0.0008 + 200_000 * 0.004 + 400_000 * 0.00008 + 50_000 * 0.001) / 1000
    assert evaluate(returned.expression or "", values, period) == pytest.approx(per_period * 3600 / period)
    assert alarm.threshold == 12.5
    assert "e-" not in (returned.expression or "")


def test_cost_alarm_queries_only_priced_token_kinds() -> None:
    only_input = {"name": "m", "id": "amazon.nova-lite-v1:0", "inputTokenPrice": 0.00006}
    alarm = by_key(plan([only_input]))["m-cost"]
    assert [q.metric.name for q in alarm.queries if q.metric] == ["InputTokenCount"]


def test_anomaly_band_alarm_is_off_by_default_and_shaped_as_documented() -> None:
    assert not any(a.kind == "invocation-anomaly" for a in plan().metric_alarms)
    alarm = by_key(plan(alarms={"invocationAnomaly": {"enabled": True, "bandWidth": 3, "direction": "above"}}))[
        "plain-invocation-anomaly"
    ]
    inputs = alarm.inputs()
    assert "threshold" not in inputs
    assert inputs["comparison_operator"] == "GreaterThanUpperThreshold"
    band = next(q for q in inputs["metric_queries"] if q["id"] == inputs["threshold_metric_id"])
    assert band["expression"] == "ANOMALY_DETECTION_BAND(calls, 3)"
    assert [q["id"] for q in inputs["metric_queries"] if q["return_data"]] == ["calls", "band"]
    # The watched series is filled, so zero traffic falls below the band instead of going missing.
    (calls,) = [q for q in inputs["metric_queries"] if q["id"] == "calls"]
    assert calls["expression"] == "FILL(inv,0)"
    watched = next(q for q in inputs["metric_queries"] if q["id"] == "inv")
    assert watched["metric"]["metric_name"] == INVOCATIONS.name


def test_log_delivery_failure_alarm_only_with_invocation_logging() -> None:
    assert not any(a.model is None for a in plan().metric_alarms)
    logging_on = plan(logs={"invocationLogging": {"enabled": True}})
    (alarm,) = [a for a in logging_on.metric_alarms if a.model is None]
    inputs = alarm.inputs()
    assert inputs["metric_name"] == "ModelInvocationLogsCloudWatchDeliveryFailure"
    assert "dimensions" not in inputs
    assert (inputs["statistic"], inputs["threshold"], inputs["comparison_operator"]) == (
        "Sum",
        1,
        "GreaterThanOrEqualToThreshold",
    )
    # Not a model's health: outside the roll-up.
    assert alarm.name not in logging_on.composites[-1].children


# --- CloudWatch's rules, for every alarm of several stacks ----------------------------------------


@pytest.mark.parametrize("alarm_plan", all_plans(), ids=["dev", "prod", "30-models"])
def test_every_alarm_is_one_cloudwatch_accepts(alarm_plan: AlarmPlan) -> None:
    for alarm in alarm_plan.metric_alarms:
        inputs = alarm.inputs()
        periods = [q["metric"]["period"] for q in inputs.get("metric_queries", []) if "metric" in q]
        periods += [inputs["period"]] if "period" in inputs else []
        for period in periods:
            assert period >= 60, alarm.name
            assert period % 60 == 0, alarm.name
            window = period * inputs["evaluation_periods"]
            assert window <= (86_400 if period < 3600 else 604_800), alarm.name
        assert 1 <= inputs["datapoints_to_alarm"] <= inputs["evaluation_periods"]
        # An idle model publishes nothing and must never page anyone.
        assert inputs["treat_missing_data"] == "notBreaching"
        assert len(inputs["name"]) <= 255
        assert len(inputs["alarm_description"]) <= 1024
        if "metric_queries" in inputs:
            queries = inputs["metric_queries"]
            metrics = [q for q in queries if "metric" in q]
            expressions = [q for q in queries if "expression" in q]
            assert len(metrics) <= 10
            assert len(expressions) <= 10
            assert not {"namespace", "metric_name", "period", "statistic", "extended_statistic"} & set(inputs)
            returned = [q["id"] for q in queries if q["return_data"]]
            if "threshold_metric_id" in inputs:
                assert inputs["threshold_metric_id"] in returned
                assert len(returned) == 2
            else:
                assert len(returned) == 1
                assert returned[0] in {q["id"] for q in expressions}
            defined = {q["id"] for q in queries}
            for query in expressions:
                assert referenced_ids(query["expression"]) <= defined, query["expression"]


@pytest.mark.parametrize("alarm_plan", all_plans(), ids=["dev", "prod", "30-models"])
def test_names_are_unique_readable_and_scoped_to_stack_region_and_model(alarm_plan: AlarmPlan) -> None:
    names = alarm_plan.names
    assert len(names) == len(set(names))
    for alarm in alarm_plan.metric_alarms:
        assert alarm.name.startswith(alarm_plan.prefix + "-")
        if alarm.model:
            assert alarm.name == f"{alarm_plan.prefix}-{alarm.model}-{alarm.kind}"
            assert alarm.key.startswith(f"{alarm.model}-")
    keys = [a.key for a in alarm_plan.metric_alarms] + [c.key for c in alarm_plan.composites]
    assert len(keys) == len(set(keys))


def test_prefix_names_project_stack_and_region() -> None:
    a = plan(stack="dev")
    b = build_alarms(settings(region="eu-west-1"), project="llm-monitor", stack="dev")
    assert a.prefix == "llm-monitor-dev-us-east-1"
    assert b.prefix == "llm-monitor-dev-eu-west-1"
    assert not set(a.names) & set(b.names)


def test_alarm_arns_carry_the_account_placeholder_and_region() -> None:
    alarm_plan = plan()
    assert alarm_plan.alarm_arns[0] == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT_ID_TOKEN}:alarm:{alarm_plan.names[0]}"
    assert len(alarm_plan.alarm_arns) == len(alarm_plan.names)
    # The topic and key policies match exactly this stack's alarms.
    pattern = alarm_plan.source_arn_pattern
    assert all(fnmatch.fnmatchcase(arn, pattern) for arn in alarm_plan.alarm_arns)
    other = plan(stack="test2")
    assert not any(fnmatch.fnmatchcase(arn, pattern) for arn in other.alarm_arns)


# --- descriptions and dashboards -------------------------------------------------------------


def test_descriptions_say_what_to_check_and_link_the_models_dashboard_page() -> None:
    current = settings(models(3, inputTokenPrice=0.001), dashboard={"maxModelsPerDashboard": 1})
    dashboards = build_dashboards(current, project="llm-monitor", stack="test")
    linked = build_alarms(current, project="llm-monitor", stack="test").linked(dashboards)
    assert len(dashboards) == 3
    for alarm in linked.metric_alarms:
        (page,) = [d for d in dashboards if alarm.model in d.model_names]
        assert alarm.description.endswith(f"#dashboards:name={page.name}")
        assert "Check first: " in alarm.description
        assert str(int(alarm.threshold or 0)) in alarm.description
    assert linked.composites[-1].description.endswith(f"#dashboards:name={dashboards[0].name}")


def test_thresholds_are_drawn_on_the_matching_graphs() -> None:
    notes = plan(alarms={"latency": {"statistic": "p99", "threshold": 12000}}).annotations
    assert notes[("haiku", INVOCATION_LATENCY.name)] == [
        {"label": "p99 alarm: 12000 ms", "value": 12000, "color": "#d62728"}
    ]
    assert [n["value"] for n in notes[("haiku", "EstimatedTPMQuotaUsage")]] == [320000]
    assert [n["value"] for n in notes[("haiku", "Invocations")]] == [5, 10]  # error and throttle rate, %
    # Counts per 5 minutes drawn on the 5-minute graph; USD/hour drawn per graph period.
    assert [n["value"] for n in notes[("haiku", "InvocationServerErrors")]] == [5]
    assert notes[("haiku", "InputTokenCount")][0]["value"] == pytest.approx(10 * 300 / 3600)
    assert ("plain", "EstimatedTPMQuotaUsage") not in notes


# --- overrides and switches ---------------------------------------------------------------------


def test_model_override_replaces_only_the_fields_it_sets() -> None:
    haiku = {**PRICED, "alarms": {"latency": {"threshold": 9000}, "serverErrors": {"enabled": False}}}
    alarms = by_key(plan([haiku, PLAIN], alarms={"latency": {"statistic": "p99", "evaluationPeriods": 10}}))
    assert alarms["haiku-latency"].inputs()["threshold"] == 9000
    assert alarms["haiku-latency"].inputs()["extended_statistic"] == "p99"
    assert alarms["haiku-latency"].evaluation_periods == 10
    assert alarms["plain-latency"].inputs()["threshold"] == 30000
    assert "haiku-server-errors" not in alarms
    assert "plain-server-errors" in alarms


def test_stack_switch_off_with_one_model_switched_back_on() -> None:
    plain = {**PLAIN, "alarms": {"timeToFirstToken": {"enabled": True, "threshold": 800}}}
    alarms = by_key(plan([PRICED, plain], alarms={"timeToFirstToken": {"enabled": False}}))
    assert [k for k in alarms if k.endswith("time-to-first-token")] == ["plain-time-to-first-token"]
    assert alarms["plain-time-to-first-token"].threshold == 800


# --- the roll-up ------------------------------------------------------------------------------


def test_rollup_covers_every_model_alarm_and_only_it_pages() -> None:
    alarm_plan = plan(notifications={"topicArns": ["arn:aws:sns:us-east-1:123456789012:pager"]})
    (top,) = alarm_plan.composites
    assert list(top.children) == sorted(a.name for a in alarm_plan.metric_alarms if a.model)
    assert top.page
    assert top.notify
    assert not any(a.page for a in alarm_plan.metric_alarms)
    assert all(a.notify for a in alarm_plan.metric_alarms)
    assert alarm_plan.names[0] == top.name
    assert alarm_plan.page_topics == ("arn:aws:sns:us-east-1:123456789012:pager",)


def test_rollup_rule_is_any_child_in_alarm() -> None:
    off = ("timeToFirstToken", "serverErrors", "errorRate", "throttleRate", "quota", "cost")
    (top,) = plan(alarms={key: {"enabled": False} for key in off}).composites
    assert top.inputs()["alarm_rule"] == (
        'ALARM("llm-monitor-test-us-east-1-haiku-latency") OR ALARM("llm-monitor-test-us-east-1-plain-latency")'
    )


def test_without_rollup_every_alarm_pages() -> None:
    alarm_plan = plan(alarms={"health": {"enabled": False}})
    assert alarm_plan.composites == ()
    assert all(a.page and a.notify for a in alarm_plan.metric_alarms)


@pytest.mark.parametrize("project", ["llm-monitor", "p" * 150])
def test_large_rollups_are_split_within_cloudwatch_limits(project: str) -> None:
    current = settings(models(300, inputTokenPrice=0.001))
    alarm_plan = build_alarms(current, project=project, stack="big")
    *parts, top = alarm_plan.composites
    assert len(parts) > 1
    assert list(top.children) == [p.name for p in parts]
    covered = [child for p in parts for child in p.children]
    assert covered == sorted(a.name for a in alarm_plan.metric_alarms)
    for composite in alarm_plan.composites:
        assert len(composite.children) <= 100
        assert len(composite.rule) <= 10_240
    # Long names fill a rule before 100 children do.
    assert max(len(p.children) for p in parts) == (100 if project == "llm-monitor" else len(parts[0].children))
    assert not any(p.notify or p.page for p in parts)
    assert top.notify
    assert top.page


def test_adding_a_model_changes_only_the_last_part_and_the_top() -> None:
    before = build_alarms(settings(models(299)), project="llm-monitor", stack="big")
    after = build_alarms(settings(models(300)), project="llm-monitor", stack="big")
    assert after.metric_alarms[: len(before.metric_alarms)] == before.metric_alarms
    *before_parts, last, _ = before.composites
    assert list(after.composites[: len(before_parts)]) == before_parts
    changed = after.composites[len(before_parts)]
    assert changed.name == last.name
    assert changed.children[: len(last.children)] == last.children


# --- invalid configuration ----------------------------------------------------------------------


def test_invalid_thresholds_and_windows_name_their_keys_all_at_once() -> None:
    found = config_problems(
        raw_config(
            alarms={
                "serverErrors": {"threshold": -1},
                "latency": {"statistic": "p999"},
                "timeToFirstToken": {"statistic": "P90"},
                "errorRate": {"periodSeconds": 300, "evaluationPeriods": 300},
                "throttleRate": {"periodSeconds": 30},
                "quota": {"datapointsToAlarm": 6},
                "cost": {"periodSeconds": 3600, "evaluationPeriods": 169},
                "throttles": {"threshold": 0},
            }
        )
    )
    assert "greater than or equal to 1" in found["llm-monitor:alarms.serverErrors.threshold"]
    assert "p0.0 to p100" in found["llm-monitor:alarms.latency.statistic"]
    assert "'P90' is not a CloudWatch percentile" in found["llm-monitor:alarms.timeToFirstToken.statistic"]
    assert "90,000 s" in found["llm-monitor:alarms.errorRate"]
    assert "86,400" in found["llm-monitor:alarms.errorRate"]
    assert "whole number of minutes" in found["llm-monitor:alarms.throttleRate.periodSeconds"]
    assert "M ≤ N" in found["llm-monitor:alarms.quota"]
    assert "604,800" in found["llm-monitor:alarms.cost"]
    assert "llm-monitor:alarms.throttles.threshold" in found


@pytest.mark.parametrize("statistic", ["p0", "p50", "p90", "p99", "p99.9", "p99.99", "p100"])
def test_cloudwatch_percentiles_are_accepted(statistic: str) -> None:
    alarm = by_key(plan(alarms={"latency": {"statistic": statistic}}))["plain-latency"]
    assert alarm.inputs()["extended_statistic"] == statistic


@pytest.mark.parametrize("statistic", ["p100.5", "p101", "p99.999", "90", "Average", "p", "tm90"])
def test_non_percentiles_are_rejected(statistic: str) -> None:
    assert "llm-monitor:alarms.latency.statistic" in config_problems(
        raw_config(alarms={"latency": {"statistic": statistic}})
    )


def test_windows_at_cloudwatchs_limits_are_accepted() -> None:
    alarms = {
        "latency": {"periodSeconds": 60, "evaluationPeriods": 1440, "datapointsToAlarm": 1440},
        "cost": {"periodSeconds": 3600, "evaluationPeriods": 168},
    }
    assert by_key(plan(alarms=alarms))["haiku-cost"].evaluation_periods == 168


def test_model_override_problems_name_the_models_key() -> None:
    found = config_problems(
        raw_config(
            [
                {**PLAIN, "alarms": {"latency": {"evaluationPeriods": 2000}, "quota": {"threshold": 90}}},
                {**PLAIN, "name": "other", "id": "amazon.nova-pro-v1:0", "alarms": {"cost": {"threshold": 3}}},
            ]
        )
    )
    assert "86,400" in found["llm-monitor:models[0].alarms.latency"]
    assert "tokensPerMinuteQuota" in found["llm-monitor:models[0].alarms.quota"]
    assert "token price" in found["llm-monitor:models[1].alarms.cost"]
    assert len(found) == 3


def test_model_is_not_blamed_for_the_stacks_window() -> None:
    found = config_problems(
        raw_config(
            [{**PLAIN, "alarms": {"latency": {"threshold": 100}}}], alarms={"latency": {"evaluationPeriods": 2000}}
        )
    )
    assert list(found) == ["llm-monitor:alarms.latency"]


# --- the spec guards (what the generator relies on) -----------------------------------------------


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


def test_plans_refuse_duplicate_alarm_names() -> None:
    current = settings()
    # Valid configs have unique model names; only a hand-made Settings can repeat one.
    twice = replace(current, models=(current.models[0], current.models[0]))
    with pytest.raises(ValueError, match="alarm names are not unique: llm-monitor-test-us-east-1-haiku-cost, "):
        build_alarms(twice, project="llm-monitor", stack="test")


def test_rollups_refuse_a_third_level() -> None:
    # 1,800 alarms named with nearly 255 characters: about 39 fit one rule, and 47 parts are more
    # than the top rule holds.
    current = settings(models(300, inputTokenPrice=0.001))
    with pytest.raises(ValueError, match="1800 alarms are more than two levels of roll-up hold"):
        build_alarms(current, project="p" * 200, stack="big")
