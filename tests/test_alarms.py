"""The stack's alarm plan: which alarms each model gets, what they compute, who they notify.

What each alarm *does* over time is proven by the incident library (tests/test_incidents.py);
these tests pin down the pieces: the metric math (evaluated by the simulator's CloudWatch
evaluator, not re-implemented here), the urgency and routing, and the config that shapes them.
"""

from __future__ import annotations

import fnmatch
from datetime import UTC, datetime
from typing import Any

import pytest

from llm_monitor.alarms import TOPIC_TOKEN, AlarmPlan, MetricAlarmSpec, build_alarms
from llm_monitor.alarms.traffic import schedule_condition
from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.config import Settings, parse_settings
from llm_monitor.config.alarm_kinds import Schedule
from llm_monitor.dashboard import build_dashboards
from llm_monitor.dashboard import model as board
from llm_monitor.simulate.expression import Evaluator, Grid, parse
from tests.alarm_math import watched
from tests.program import PRICED, config_problems, fixture_config, models

PLAIN = {"name": "plain", "id": "amazon.nova-lite-v1:0"}
PAGER = "arn:aws:sns:us-east-1:123456789012:pager"


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


def all_plans() -> list[AlarmPlan]:
    many = models(30, inputTokenPrice=0.001, tokensPerMinuteQuota=100000)
    everything = {
        "invocationAnomaly": {"enabled": True},
        "throttles": {"enabled": True},
        "serverErrors": {"enabled": True},
        "trafficLoss": {"enabled": True, "threshold": 10, "schedule": {"startHour": 20, "endHour": 6}},
        "outputTokensPerSecond": {"enabled": True, "baseline": 60},
        "applications": {"names": ["search", "chat"]},
    }
    return [
        *(build_alarms(parse_settings(fixture_config(s)), project="llm-monitor", stack=s) for s in ("dev", "prod")),
        plan(many, alarms=everything, logs={"invocationLogging": {"enabled": True}}),
    ]


# --- what each model gets ------------------------------------------------------------------------


def test_default_kinds_follow_what_each_model_has() -> None:
    keys = {a.key for a in plan().metric_alarms if a.model}
    common = {"latency", "time-to-first-token", "latency-anomaly", "error-rate", "application-error-rate"}
    common |= {"throttle-rate"}
    assert keys == {f"haiku-{k}" for k in common | {"quota", "cost"}} | {f"plain-{k}" for k in common}


@pytest.mark.parametrize(
    ("kind", "metric", "threshold"),
    [("latency", "InvocationLatency", 30000), ("time-to-first-token", "TimeToFirstToken", 5000)],
)
def test_latency_alarms_watch_a_percentile_of_the_model(kind: str, metric: str, threshold: float) -> None:
    for model in (PRICED, PLAIN):
        inputs = by_key(plan())[f"{model['name']}-{kind}"].inputs()
        assert (inputs["namespace"], inputs["metric_name"]) == ("AWS/Bedrock", metric)
        assert inputs["dimensions"] == {"ModelId": model["id"]}
        assert inputs["extended_statistic"] == "p90"
        assert "statistic" not in inputs
        assert inputs["evaluate_low_sample_count_percentiles"] == "evaluate"
        assert (inputs["comparison_operator"], inputs["threshold"], inputs["period"]) == (
            "GreaterThanThreshold",
            threshold,
            60,
        )
        # 3 slow minutes in 30: fires fast, holds while latency hovers near the threshold.
        assert (inputs["datapoints_to_alarm"], inputs["evaluation_periods"]) == (3, 30)
        assert "unit" not in inputs


def test_error_rate_counts_failures_not_just_their_share() -> None:
    alarm = by_key(plan())["haiku-error-rate"]
    metrics = {q.id: (q.metric.name, q.stat, q.period) for q in alarm.queries if q.metric}
    assert metrics == {
        "inv": ("Invocations", "Sum", 60),
        "ce": ("InvocationClientErrors", "Sum", 60),
        "se": ("InvocationServerErrors", "Sum", 60),
    }
    assert watched(alarm, {"inv": 200, "ce": 6, "se": 4}) == pytest.approx(5.0)
    assert watched(alarm, {"inv": 200, "ce": None, "se": 4}) == pytest.approx(2.0)
    # Two unlucky calls out of three in a minute: fewer than minErrors (3), not an incident...
    assert watched(alarm, {"inv": 3, "ce": 2, "se": None}) == 0
    # ...but a quiet model whose every call fails is, however few its calls.
    assert watched(alarm, {"inv": 2, "ce": 2, "se": None}) == pytest.approx(100.0)
    # Under the older reading of Invocations (successful calls only) a total outage has errors and
    # no Invocations datapoint: it must read 100%, not go quiet.
    assert watched(alarm, {"inv": None, "ce": 15, "se": 15}) == pytest.approx(100.0)
    # No traffic at all: 0, never a breach.
    assert watched(alarm, {}) == 0


def test_throttle_rate_is_a_share_of_attempts() -> None:
    alarm = by_key(plan())["haiku-throttle-rate"]
    assert watched(alarm, {"inv": 90, "th": 10}) == pytest.approx(10.0)
    assert watched(alarm, {"inv": 90, "th": 2}) == 0  # fewer than minThrottles
    assert watched(alarm, {"inv": None, "th": 2}) == pytest.approx(100.0)  # every attempt throttled


def test_application_error_rate_reads_the_applications_view_of_the_model() -> None:
    alarm = by_key(plan(logs={"applicationNamespace": "Team/LLM"}))["plain-application-error-rate"]
    metrics = {q.id: (q.metric.namespace, q.metric.name, q.dimensions) for q in alarm.queries if q.metric}
    assert metrics == {
        "calls": ("Team/LLM", "InferenceRequests", (("ModelId", PLAIN["id"]),)),
        "failed": ("Team/LLM", "InferenceErrors", (("ModelId", PLAIN["id"]),)),
    }
    # Calls that never reached Bedrock (Bedrock's metrics are silent) still read 100 %.
    assert watched(alarm, {"calls": 40, "failed": 40}) == pytest.approx(100.0)
    assert watched(alarm, {"calls": 40, "failed": None}) == 0
    assert alarm.urgency == "page"


def test_per_application_alarms_notify_about_each_named_application() -> None:
    alarm_plan = plan(alarms={"applications": {"names": ["search-api", "chat"]}}, notifications={"topicArns": [PAGER]})
    apps = [a for a in alarm_plan.metric_alarms if a.kind == "application-error-rate" and a.model is None]
    assert len(apps) == 2
    assert [a.name for a in apps] == [
        "llm-monitor-test-us-east-1/app-search-api-error-rate",
        "llm-monitor-test-us-east-1/app-chat-error-rate",
    ]
    assert [dict(q.dimensions) for q in apps[0].queries if q.metric] == [{"Application": "search-api"}] * 2
    # An application's failures already page through each model's health: an e-mail here.
    assert alarm_plan.targets(apps[0]) == (TOPIC_TOKEN,)
    paging = plan(alarms={"applications": {"names": ["chat"], "urgency": "page"}}, notifications={"topicArns": [PAGER]})
    (app,) = [a for a in paging.metric_alarms if a.key == "app-chat-error-rate"]
    assert paging.targets(app) == (TOPIC_TOKEN, PAGER)


def test_traffic_loss_is_for_models_marked_busy_and_reads_silence_as_loss() -> None:
    assert not any(a.kind == "traffic-loss" for a in plan().metric_alarms)
    haiku = {**PRICED, "alarms": {"trafficLoss": {"enabled": True, "threshold": 100}}}
    alarm = by_key(plan([haiku, PLAIN]))["haiku-traffic-loss"]
    assert "plain-traffic-loss" not in by_key(plan([haiku, PLAIN]))
    inputs = alarm.inputs()
    assert (inputs["comparison_operator"], inputs["threshold"]) == ("LessThanThreshold", 100)
    # Bedrock publishes nothing for a minute without requests: silence is the signal.
    assert inputs["treat_missing_data"] == "breaching"
    assert watched(alarm, {}) == 0
    assert watched(alarm, {"inv": 80, "th": 30}) == 110  # throttled requests reached Bedrock too
    assert alarm.urgency == "page"


def test_a_schedule_expects_traffic_only_in_its_hours() -> None:
    schedule = {"days": ["mon", "tue", "wed", "thu", "fri"], "startHour": 8, "endHour": 18}
    rule = {"enabled": True, "threshold": 100, "schedule": schedule}
    alarm = by_key(plan([{**PRICED, "alarms": {"trafficLoss": rule}}]))["haiku-traffic-loss"]
    tuesday = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    evening = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert watched(alarm, {}, at=tuesday) == 0  # silence in working hours: breaching
    assert watched(alarm, {}, at=evening) == 100  # outside: the threshold itself, never below it
    assert watched(alarm, {}, at=saturday) == 100
    assert watched(alarm, {"inv": 150}, at=tuesday) == 150


@pytest.mark.parametrize(
    ("schedule", "inside", "outside"),
    [
        ({"days": ["mon", "tue", "wed", "thu", "fri"]}, ["Mon 00", "Fri 23"], ["Sat 10", "Sun 00"]),
        ({"days": ["sat", "sun", "mon"]}, ["Sat 10", "Mon 05"], ["Tue 10", "Fri 23"]),
        ({"days": ["wed"], "startHour": 9, "endHour": 17}, ["Wed 09", "Wed 16"], ["Wed 17", "Wed 08", "Thu 10"]),
        (
            {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "startHour": 20, "endHour": 6},
            ["Mon 20", "Tue 05", "Sun 23"],
            ["Mon 06", "Mon 19"],
        ),
    ],
)
def test_schedule_conditions_read_metric_maths_clock(
    schedule: dict[str, Any], inside: list[str], outside: list[str]
) -> None:
    condition = parse(schedule_condition(Schedule.model_validate(schedule), "m"))

    def holds(when: str) -> bool:
        day, hour = when.split()
        # 2026-03-02 is a Monday.
        moment = datetime(
            2026, 3, 2 + ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].index(day), int(hour), 30, tzinfo=UTC
        )
        grid = Grid((0,), 60, moment)

        class Inputs:
            def series(self, id: str) -> dict[int, float]:
                return {}

            def period_of(self, id: str) -> int:
                return 60

            def ids(self) -> list[str]:
                return ["m"]

            def band(self, id: str, width: float) -> tuple[dict[int, float], dict[int, float]]:
                raise AssertionError

        value = Evaluator(grid, Inputs(), lambda id: {}).evaluate(condition)
        return bool(value.get(0) if isinstance(value, dict) else value)

    assert [holds(w) for w in inside] == [True] * len(inside)
    assert [holds(w) for w in outside] == [False] * len(outside)


@pytest.mark.parametrize("period", [60, 300])
def test_quota_alarm_is_percent_of_the_per_minute_quota(period: int) -> None:
    alarm = by_key(plan(alarms={"quota": {"periodSeconds": period}}))["haiku-quota"]
    (q,) = [x for x in alarm.queries if x.metric]
    assert (q.metric.name if q.metric else None, q.stat, q.period) == ("EstimatedTPMQuotaUsage", "Sum", period)
    # 320,000 tokens in each minute of the period against a quota of 400,000: 80 %.
    assert watched(alarm, {"q": 320000 * period / 60}) == pytest.approx(80.0)
    assert alarm.threshold == 80
    assert alarm.urgency == "notify"


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
    per_period = (1_000_000 * 0.0008 + 200_000 * 0.004 + 400_000 * 0.00008 + 50_000 * 0.001) / 1000
    assert watched(alarm, values) == pytest.approx(per_period * 3600 / period)
    assert alarm.threshold == 12.5
    assert "e-" not in alarm.inputs()["metric_queries"][-1]["expression"]


def test_cost_alarm_counts_clock_hours_so_hovering_spend_cannot_flap_every_minute() -> None:
    alarm = by_key(plan())["haiku-cost"]
    assert alarm.inputs()["evaluation_window"] == {"wall_clock_window": {"timezone": "UTC"}}
    assert "periods of 1 hour on the UTC clock" in alarm.description


def test_cost_alarm_period_must_be_a_clock_period() -> None:
    found = config_problems(raw_config([{**PRICED, "alarms": {"cost": {"periodSeconds": 900}}}, PLAIN]))
    assert "not a clock period" in found["llm-monitor:models[0].alarms.cost.periodSeconds"]
    assert "3600" in found["llm-monitor:models[0].alarms.cost.periodSeconds"]


def test_cost_alarm_queries_only_priced_token_kinds() -> None:
    only_input = {"name": "m", "id": "amazon.nova-lite-v1:0", "inputTokenPrice": 0.00006}
    alarm = by_key(plan([only_input]))["m-cost"]
    assert [q.metric.name for q in alarm.queries if q.metric] == ["InputTokenCount"]


def test_latency_anomaly_watches_the_percentile_against_its_band() -> None:
    inputs = by_key(plan())["plain-latency-anomaly"].inputs()
    assert "threshold" not in inputs
    assert inputs["comparison_operator"] == "GreaterThanUpperThreshold"
    assert [q["id"] for q in inputs["metric_queries"] if q["return_data"]] == ["lat", "band"]
    lat = next(q for q in inputs["metric_queries"] if q["id"] == "lat")
    assert (lat["metric"]["metric_name"], lat["metric"]["stat"], lat["metric"]["period"]) == (
        "InvocationLatency",
        "p90",
        60,
    )
    assert next(q for q in inputs["metric_queries"] if q["id"] == "band")["expression"] == (
        "ANOMALY_DETECTION_BAND(lat, 3)"
    )


def test_invocation_anomaly_is_off_by_default_and_shaped_as_documented() -> None:
    assert not any(a.kind == "invocation-anomaly" for a in plan().metric_alarms)
    alarm = by_key(plan(alarms={"invocationAnomaly": {"enabled": True, "bandWidth": 3, "direction": "above"}}))[
        "plain-invocation-anomaly"
    ]
    inputs = alarm.inputs()
    assert inputs["comparison_operator"] == "GreaterThanUpperThreshold"
    band = next(q for q in inputs["metric_queries"] if q["id"] == inputs["threshold_metric_id"])
    assert band["expression"] == "ANOMALY_DETECTION_BAND(calls, 3)"
    assert [q["id"] for q in inputs["metric_queries"] if q["return_data"]] == ["calls", "band"]
    # The watched series is filled, so zero traffic falls below the band instead of going missing.
    assert next(q for q in inputs["metric_queries"] if q["id"] == "calls")["expression"] == "FILL(inv,0)"
    assert watched(alarm, {}) == 0


def test_output_tokens_per_second_is_awss_figure_below_a_fraction_of_the_baseline() -> None:
    assert not any(a.kind == "output-tokens-per-second" for a in plan().metric_alarms)
    alarm = by_key(plan(alarms={"outputTokensPerSecond": {"enabled": True, "baseline": 80}}))[
        "plain-output-tokens-per-second"
    ]
    stats = {q.id: (q.metric.name, q.stat, q.period) for q in alarm.queries if q.metric}
    assert stats == {
        "out": ("OutputTokenCount", "p50", 300),
        "lat": ("InvocationLatency", "p50", 300),
        "ttft": ("TimeToFirstToken", "p50", 300),
    }
    # 300 tokens generated in the 3.75 s after the first token: 80 tokens/s, whatever the prompt's length.
    assert watched(alarm, {"out": 300, "lat": 4200, "ttft": 450}) == pytest.approx(80.0)
    assert watched(alarm, {"out": 300, "lat": 4200, "ttft": None}) == pytest.approx(300 / 4.2)
    assert watched(alarm, {"out": 300, "lat": 4200}) is not None
    assert watched(alarm, {}) is None  # no streaming call: no value, which is not a breach
    assert (alarm.comparison, alarm.threshold) == ("LessThanThreshold", 64)


def test_log_delivery_alarms_only_with_invocation_logging() -> None:
    assert not any(a.kind.startswith("invocation-log") for a in plan().metric_alarms)
    logging_on = plan(logs={"invocationLogging": {"enabled": True}})
    alarm = by_key(logging_on)["invocation-log-delivery-failures"]
    inputs = alarm.inputs()
    assert inputs["metric_name"] == "ModelInvocationLogsCloudWatchDeliveryFailure"
    assert "dimensions" not in inputs
    assert (inputs["statistic"], inputs["threshold"], inputs["comparison_operator"]) == (
        "Sum",
        1,
        "GreaterThanOrEqualToThreshold",
    )
    assert logging_on.targets(alarm) == (TOPIC_TOKEN,)
    assert not any(alarm.name in c.children for c in logging_on.composites)


def test_stopped_delivery_is_invocations_without_records() -> None:
    alarm = by_key(plan(logs={"invocationLogging": {"enabled": True}}))["invocation-log-delivery-stopped"]
    metrics = {q.id: (q.metric.name, dict(q.dimensions)) for q in alarm.queries if q.metric}
    assert metrics == {
        "ok": ("ModelInvocationLogsCloudWatchDeliverySuccess", {}),
        "inv_haiku": ("Invocations", {"ModelId": PRICED["id"]}),
        "inv_plain": ("Invocations", {"ModelId": PLAIN["id"]}),
    }
    assert watched(alarm, {"inv_haiku": 30, "inv_plain": 5, "ok": None}) == 1
    assert watched(alarm, {"inv_haiku": 30, "inv_plain": 5, "ok": 35}) == 0
    assert watched(alarm, {"inv_haiku": 4, "inv_plain": 5, "ok": None}) == 0  # too little traffic to expect records
    assert (alarm.comparison, alarm.threshold, alarm.urgency) == ("GreaterThanOrEqualToThreshold", 1, "notify")
    # A model list reordered watches the same models.
    reordered = by_key(plan([PLAIN, PRICED], logs={"invocationLogging": {"enabled": True}}))
    assert reordered["invocation-log-delivery-stopped"].inputs() == alarm.inputs()


def test_the_topics_failed_deliveries_notify() -> None:
    alarm = by_key(plan())["notification-failures"]
    inputs = alarm.inputs()
    assert (inputs["namespace"], inputs["metric_name"]) == ("AWS/SNS", "NumberOfNotificationsFailed")
    assert inputs["dimensions"] == {"TopicName": "llm-monitor-test-us-east-1-alarms"}
    assert (inputs["statistic"], inputs["threshold"], alarm.urgency) == ("Sum", 1, "notify")


def test_every_metric_alarm_emails_when_cloudwatch_cannot_evaluate_it() -> None:
    alarm_plan = plan(notifications={"topicArns": [PAGER]})
    for alarm in alarm_plan.metric_alarms:
        assert alarm_plan.insufficient_data_targets(alarm) == (TOPIC_TOKEN,), alarm.name
        assert alarm.treat_missing_data in ("breaching", "notBreaching"), alarm.name
    for composite in alarm_plan.composites:
        assert alarm_plan.insufficient_data_targets(composite) == ()


# --- urgency and roll-ups -------------------------------------------------------------------------


def test_each_model_pages_through_its_own_health_roll_up() -> None:
    alarm_plan = plan(notifications={"topicArns": [PAGER]})
    assert [c.name for c in alarm_plan.composites] == [
        "llm-monitor-test-us-east-1/haiku-health",
        "llm-monitor-test-us-east-1/plain-health",
    ]
    for composite in alarm_plan.composites:
        paging = sorted(a.name for a in alarm_plan.metric_alarms if a.model == composite.model and a.urgency == "page")
        assert sorted(composite.children) == paging
        assert composite.rule == " OR ".join(f'ALARM("{c}")' for c in composite.children)
        assert alarm_plan.targets(composite) == (TOPIC_TOKEN, PAGER)
    for alarm in alarm_plan.metric_alarms:
        # The roll-up speaks for its children; notify-only alarms e-mail the topic themselves.
        expected = () if alarm.urgency == "page" else (TOPIC_TOKEN,)
        assert alarm_plan.targets(alarm) == expected, alarm.name
    assert alarm_plan.names[:2] == [c.name for c in alarm_plan.composites]


def test_urgency_is_a_setting_per_kind_and_per_model() -> None:
    haiku = {**PRICED, "alarms": {"latency": {"urgency": "notify"}}}
    alarm_plan = plan([haiku, PLAIN], alarms={"cost": {"urgency": "page"}})
    alarms = by_key(alarm_plan)
    assert alarms["haiku-latency"].urgency == "notify"
    assert alarms["plain-latency"].urgency == "page"
    assert alarms["haiku-cost"].urgency == "page"
    (haiku_health, _) = alarm_plan.composites
    assert alarms["haiku-cost"].name in haiku_health.children
    assert alarms["haiku-latency"].name not in haiku_health.children


def test_without_roll_ups_paging_alarms_page_themselves() -> None:
    alarm_plan = plan(alarms={"health": {"enabled": False}}, notifications={"topicArns": [PAGER]})
    assert alarm_plan.composites == ()
    for alarm in alarm_plan.metric_alarms:
        assert alarm_plan.targets(alarm) == ((TOPIC_TOKEN, PAGER) if alarm.urgency == "page" else (TOPIC_TOKEN,))


def test_a_model_without_paging_alarms_has_no_roll_up() -> None:
    quiet = {"urgency": "notify"}
    kinds = ("latency", "timeToFirstToken", "errorRate", "applicationErrorRate", "throttleRate")
    haiku = {**PRICED, "alarms": dict.fromkeys(kinds, quiet)}
    assert [c.model for c in plan([haiku, PLAIN]).composites] == ["plain"]


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
        # Silence is good news except for lost traffic.
        expected = "breaching" if alarm.kind == "traffic-loss" else "notBreaching"
        assert inputs["treat_missing_data"] == expected, alarm.name
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
    for composite in alarm_plan.composites:
        assert 1 <= len(composite.children) <= 100
        assert len(composite.rule) <= 10_240


@pytest.mark.parametrize("alarm_plan", all_plans(), ids=["dev", "prod", "30-models"])
def test_names_are_unique_readable_and_scoped_to_stack_region_and_model(alarm_plan: AlarmPlan) -> None:
    names = alarm_plan.names
    assert len(names) == len(set(names))
    for alarm in alarm_plan.alarms:
        assert alarm.name.startswith(alarm_plan.prefix + "/")
        if alarm.model:
            assert alarm.name.startswith(f"{alarm_plan.prefix}/{alarm.model}-")
            assert alarm.key.startswith(f"{alarm.model}-")
    keys = [a.key for a in alarm_plan.alarms]
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


def test_no_other_stack_matches_the_sender_pattern() -> None:
    # A stack named like prod's prefix plus a suffix: with a "-" ending the prefix, its alarms
    # would match prod's pattern and could publish to prod's topic.
    prod = plan(stack="prod")
    lookalike = plan(stack="prod-us-east-1-x")
    assert lookalike.prefix.startswith(prod.prefix)
    assert not any(fnmatch.fnmatchcase(arn, prod.source_arn_pattern) for arn in lookalike.alarm_arns)


def test_plans_refuse_duplicate_alarm_names() -> None:
    current = settings()
    # Valid configs have unique model names; only a hand-made Settings can repeat one.
    twice = current.__class__(**{**current.__dict__, "models": (current.models[0], current.models[0])})
    with pytest.raises(ValueError, match="alarm names are not unique: llm-monitor-test-us-east-1/haiku-application-"):
        build_alarms(twice, project="llm-monitor", stack="test")


# --- descriptions and dashboards -------------------------------------------------------------


def test_descriptions_say_what_to_check_and_link_the_models_dashboard_page() -> None:
    current = settings(models(3, inputTokenPrice=0.001), dashboard={"maxModelsPerDashboard": 1})
    dashboards = build_dashboards(current, project="llm-monitor", stack="test")
    linked = build_alarms(current, project="llm-monitor", stack="test").linked(dashboards)
    assert len(dashboards) == 3
    for alarm in linked.alarms:
        # Stack-wide alarms link the first page.
        (page,) = [d for d in dashboards if alarm.model in d.model_names] if alarm.model else dashboards[:1]
        assert alarm.description.endswith(f"#dashboards:name={page.name}")
        assert "Check first: " in alarm.description
    for alarm in linked.metric_alarms:
        if alarm.threshold is not None:
            assert f"{alarm.threshold:g}" in alarm.description, alarm.name


def test_thresholds_are_drawn_on_the_matching_graphs_in_their_units() -> None:
    notes = plan(alarms={"latency": {"statistic": "p99", "threshold": 12000}, "serverErrors": {"enabled": True}})
    lines = notes.annotations
    assert lines[("haiku", board.LATENCY)] == [{"label": "p99 alarm: 12000 ms", "value": 12000, "color": "#d62728"}]
    assert [n["value"] for n in lines[("haiku", board.QUOTA)]] == [320000]
    assert [n["value"] for n in lines[("haiku", board.RATES)]] == [5, 5, 10]  # error, logged failure, throttle %
    # 5 server errors per 5 minutes on the per-minute graph is 1 per minute; USD per hour as such.
    assert [n["value"] for n in lines[("haiku", board.ACTIVITY)]] == [1]
    assert [n["value"] for n in lines[("haiku", board.COST)]] == [10]
    assert ("plain", board.QUOTA) not in lines


# --- overrides and switches ---------------------------------------------------------------------


def test_model_override_replaces_only_the_fields_it_sets() -> None:
    haiku = {**PRICED, "alarms": {"latency": {"threshold": 9000}, "errorRate": {"enabled": False}}}
    alarms = by_key(plan([haiku, PLAIN], alarms={"latency": {"statistic": "p99", "evaluationPeriods": 10}}))
    assert alarms["haiku-latency"].inputs()["threshold"] == 9000
    assert alarms["haiku-latency"].inputs()["extended_statistic"] == "p99"
    assert alarms["haiku-latency"].evaluation_periods == 10
    assert alarms["plain-latency"].inputs()["threshold"] == 30000
    assert "haiku-error-rate" not in alarms
    assert "plain-error-rate" in alarms


def test_stack_switch_off_with_one_model_switched_back_on() -> None:
    plain = {**PLAIN, "alarms": {"timeToFirstToken": {"enabled": True, "threshold": 800}}}
    alarms = by_key(plan([PRICED, plain], alarms={"timeToFirstToken": {"enabled": False}}))
    assert [k for k in alarms if k.endswith("time-to-first-token")] == ["plain-time-to-first-token"]
    assert alarms["plain-time-to-first-token"].threshold == 800


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
                "quota": {"datapointsToAlarm": 61},
                "cost": {"periodSeconds": 3600, "evaluationPeriods": 169},
                "throttles": {"threshold": 0},
                "latencyAnomaly": {"urgency": "wake-everyone"},
                "trafficLoss": {"enabled": True},
                "outputTokensPerSecond": {"enabled": True},
                "applications": {"names": ["ok", "not ok"]},
            }
        )
    )
    assert "greater than or equal to 1" in found["llm-monitor:alarms.serverErrors.threshold"]
    assert "p0 to p99.99" in found["llm-monitor:alarms.latency.statistic"]
    assert "'P90' is not a percentile" in found["llm-monitor:alarms.timeToFirstToken.statistic"]
    assert "90,000 s" in found["llm-monitor:alarms.errorRate"]
    assert "whole number of minutes" in found["llm-monitor:alarms.throttleRate.periodSeconds"]
    assert "M ≤ N" in found["llm-monitor:alarms.quota"]
    assert "604,800" in found["llm-monitor:alarms.cost"]
    assert "llm-monitor:alarms.throttles.threshold" in found
    assert "'page' or 'notify'" in found["llm-monitor:alarms.latencyAnomaly.urgency"]
    assert "threshold" in found["llm-monitor:alarms.trafficLoss"]
    assert "baseline" in found["llm-monitor:alarms.outputTokensPerSecond"]
    assert "'not ok'" in found["llm-monitor:alarms.applications.names"]


def test_the_renamed_gate_says_what_replaced_it() -> None:
    found = config_problems(raw_config(alarms={"errorRate": {"minInvocations": 20}}))
    assert "replaced by minErrors" in found["llm-monitor:alarms.errorRate"]


@pytest.mark.parametrize("statistic", ["p0", "p0.0", "p50", "p90", "p99", "p99.9", "p99.99", "p100"])
def test_percentiles_the_provider_accepts_are_accepted(statistic: str) -> None:
    alarm = by_key(plan(alarms={"latency": {"statistic": statistic}}))["plain-latency"]
    assert alarm.inputs()["extended_statistic"] == statistic


# p100.0, p050 and p000 pass CloudWatch's own wording ("p0.0 to p100") but not the provider's pattern.
@pytest.mark.parametrize("statistic", ["p100.0", "p050", "p000", "p100.5", "p101", "p99.999", "90", "Average", "tm90"])
def test_percentiles_the_provider_refuses_are_refused(statistic: str) -> None:
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
                {
                    **PLAIN,
                    "name": "other",
                    "id": "amazon.nova-pro-v1:0",
                    "alarms": {"cost": {"threshold": 3}, "trafficLoss": {"enabled": True}},
                },
            ]
        )
    )
    assert "86,400" in found["llm-monitor:models[0].alarms.latency"]
    assert "tokensPerMinuteQuota" in found["llm-monitor:models[0].alarms.quota"]
    assert "token price" in found["llm-monitor:models[1].alarms.cost"]
    assert "threshold" in found["llm-monitor:models[1].alarms.trafficLoss"]
    assert len(found) == 4


def test_model_is_not_blamed_for_the_stacks_window() -> None:
    found = config_problems(
        raw_config(
            [{**PLAIN, "alarms": {"latency": {"threshold": 100}}}], alarms={"latency": {"evaluationPeriods": 2000}}
        )
    )
    assert list(found) == ["llm-monitor:alarms.latency"]


def test_a_stack_wide_busy_floor_marks_every_model() -> None:
    alarm_plan = plan(alarms={"trafficLoss": {"enabled": True, "threshold": 5}})
    assert sorted(a.key for a in alarm_plan.metric_alarms if a.kind == "traffic-loss") == [
        "haiku-traffic-loss",
        "plain-traffic-loss",
    ]


def test_expressions_hold_no_exponent_notation() -> None:
    # Metric math might not read 8e-05: every number is written as a plain decimal.
    for alarm_plan in all_plans():
        for alarm in alarm_plan.metric_alarms:
            for query in alarm.queries:
                assert "e-" not in (query.expression or ""), alarm.name
