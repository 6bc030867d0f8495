"""Which quota a model's calls draw on, the daily token quota, quotas read at deploy time, and the
cache hit rate: the pure layer, with metric math evaluated by the simulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from llm_monitor.alarms import AlarmPlan, MetricAlarmSpec, build_alarms
from llm_monitor.config import parse_settings
from llm_monitor.config.models import ModelSettings, scope_of
from llm_monitor.deployvalues import quota_lookups, substitute, typed_quotas
from llm_monitor.plan import build_plan
from llm_monitor.simulate import alarm as cw
from llm_monitor.simulate.engine import with_typed_quotas
from llm_monitor.simulate.expression import Evaluator, Grid, Series, parse
from llm_monitor.simulate.metrics import Datapoint, MetricStore, metric_key
from tests.program import config_problems, stack_config

MIDNIGHT = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)


def settings_of(*models: dict[str, Any], **sections: Any) -> Any:
    raw = {"aws:region": "us-east-1", "llm-monitor:models": list(models)}
    return parse_settings(raw | {f"llm-monitor:{k}": v for k, v in sections.items()})


def plan_of(*models: dict[str, Any], **sections: Any) -> AlarmPlan:
    return build_alarms(settings_of(*models, **sections), project="llm-monitor", stack="test")


def alarm(plan: AlarmPlan, key: str) -> MetricAlarmSpec:
    (found,) = [a for a in plan.metric_alarms if a.key == key]
    return found


def widget(settings: Any, title: str) -> dict[str, Any]:
    """A widget of the stack's dashboards, with the alarms' threshold lines drawn."""
    body = build_plan(settings, project="llm-monitor", stack="test").dashboards[0].body
    (found,) = [w for w in body["widgets"] if w["properties"].get("title") == title]
    return found


# --- which quota applies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "scope", "label", "name"),
    [
        ("amazon.nova-lite-v1:0", "onDemand", "On-demand TPM quota", "On-demand InvokeModel tokens per minute"),
        ("us.amazon.nova-lite-v1:0", "crossRegion", "Cross-Region TPM quota", "Cross-Region InvokeModel tokens"),
        ("apac.amazon.nova-lite-v1:0", "crossRegion", "Cross-Region TPM quota", "Cross-region model inference"),
        ("us-gov.anthropic.claude-3-haiku-20240307-v1:0", "crossRegion", "Cross-Region TPM quota", "Cross-Region"),
        (
            "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "global",
            "Global cross-Region TPM quota",
            "Global cross-Region model inference tokens per minute",
        ),
    ],
)
def test_the_quota_graph_and_alarm_name_the_quota_the_id_draws_on(
    model_id: str, scope: str, label: str, name: str
) -> None:
    entry = {"name": "m", "id": model_id, "tokensPerMinuteQuota": 500_000}
    assert scope_of(model_id) == scope
    settings = settings_of(entry)
    lines = widget(settings, "m: Estimated TPM quota usage")["properties"]["annotations"]["horizontal"]
    assert [line["label"] for line in lines] == [label, f"Quota alarm: 80% of {label}"]
    assert [line["value"] for line in lines] == [500_000, 400_000]
    spec = alarm(build_alarms(settings, project="llm-monitor", stack="test"), "m-quota")
    assert name in spec.description
    assert "500,000" in spec.description


def test_an_application_profile_says_which_quota_it_draws_on_once_known() -> None:
    aip = ModelSettings.model_validate({"name": "a", "id": "k3x9q2m7v4hz"})
    assert (aip.scope, scope_of(aip.id)) == (None, None)
    assert ModelSettings.model_validate({"name": "a", "id": "k3x9q2m7v4hz", "quotaScope": "global"}).scope == "global"
    settings = settings_of({"name": "a", "id": "k3x9q2m7v4hz", "tokensPerMinuteQuota": 100})
    lines = widget(settings, "a: Estimated TPM quota usage")["properties"]["annotations"]["horizontal"]
    assert lines[0]["label"] == "TPM quota"  # unknown until looked up or stated


def test_no_requests_per_minute_quota_is_assumed_anywhere() -> None:
    """Bedrock enforces token quotas only since May 2026: nothing the stacks create mentions one."""
    for stack in ("dev", "prod"):
        plan = build_plan(parse_settings(stack_config(stack)), project="llm-monitor", stack=stack)
        assert plan.alarms
        text = " ".join([a.description for a in plan.alarms.alarms] + [d.body_json() for d in plan.dashboards])
        assert "requests per minute" not in text.lower()
        assert "RPM" not in text


# --- the daily token quota ------------------------------------------------------------------------


def test_the_daily_quota_is_awss_default_unless_stated_and_its_alarm_is_opt_in() -> None:
    assert ModelSettings.model_validate({"name": "m", "id": "a.b-v1:0", "tokensPerMinuteQuota": 1000}).daily_quota == (
        1_440_000
    )
    entry = {"name": "m", "id": "us.amazon.nova-pro-v1:0", "tokensPerMinuteQuota": 1000}
    assert "daily-quota" not in {a.kind for a in plan_of(entry).metric_alarms}
    on = {**entry, "alarms": {"dailyQuota": {"enabled": True}}}
    spec = alarm(plan_of(on), "m-daily-quota")
    inputs = spec.inputs()
    ((metric,),) = [[q["metric"] for q in inputs["metric_queries"] if "metric" in q]]
    assert (metric["namespace"], metric["metric_name"], metric["stat"], metric["period"]) == (
        "AWS/Bedrock",
        "EstimatedTPMQuotaUsage",
        "Sum",
        86_400,
    )
    assert metric["dimensions"] == {"ModelId": "us.amazon.nova-pro-v1:0"}
    assert inputs["metric_queries"][-1]["expression"] == "100*d/1440000"
    assert "evaluation_window" not in inputs  # rolling: the last 24 hours, every minute
    assert (spec.urgency, spec.threshold, inputs["evaluation_periods"]) == ("notify", 80, 1)
    calendar = alarm(
        plan_of({**on, "alarms": {"dailyQuota": {"enabled": True, "window": "calendarDay"}}}), "m-daily-quota"
    )
    assert calendar.inputs()["evaluation_window"] == {"wall_clock_window": {"timezone": "UTC"}}
    assert "once the day has ended" in calendar.description


def test_daily_quota_config_is_checked() -> None:
    def problems(entry: dict[str, Any]) -> dict[str, str]:
        return config_problems({"aws:region": "us-east-1", "llm-monitor:models": [entry]})

    none = problems({"name": "a", "id": "a.b-v1:0", "alarms": {"dailyQuota": {"enabled": True}}})
    assert "needs tokensPerDayQuota" in none["llm-monitor:models[0].alarms.dailyQuota"]
    hourly = problems({"name": "b", "id": "a.c-v1:0", "alarms": {"dailyQuota": {"periodSeconds": 3600}}})
    assert "periodSeconds must be 86400" in hourly["llm-monitor:models[0].alarms.dailyQuota.periodSeconds"]


def _daily_run(window: str) -> dict[int, str]:
    """The daily alarm's state at each minute of a day with 600,000 quota tokens from 10:00 to 20:00
    (a daily quota of 700,000: the 80 % threshold is 560,000, reached at 19:20)."""
    entry = {"name": "m", "id": "a.b-v1:0", "tokensPerDayQuota": 700_000}
    entry["alarms"] = {"dailyQuota": {"enabled": True, "window": window}}
    spec = alarm(plan_of(entry), "m-daily-quota")
    store = MetricStore(-3 * 1440, 2 * 1440)
    key = metric_key("AWS/Bedrock", "EstimatedTPMQuotaUsage", [("ModelId", "a.b-v1:0")])
    for minute in range(600, 1200):
        store.put(key, minute, Datapoint.counted(1000))
    evaluator = cw.MetricAlarmEvaluator(cw.metric_alarm(spec.inputs()), store, MIDNIGHT)
    state, states = cw.OK, {}
    for end in range(1, 2 * 1440):
        state = evaluator.evaluate(end, state).state
        states[end] = state
    return states


def test_a_rolling_day_warns_while_the_day_is_on_and_a_calendar_day_reports_it_after_midnight() -> None:
    rolling = _daily_run("rolling")
    first = min(m for m, s in rolling.items() if s == cw.ALARM)
    assert first == 1161  # 19:20: 560 minutes of 1,000 tokens is 80 % of 700,000; evaluated at its end
    assert rolling[1440 + 600] == cw.ALARM  # the last 24 hours still hold the burst the next morning
    assert rolling[1440 + 1161] == cw.OK  # and no longer once it is 24 hours old
    calendar = _daily_run("calendarDay")
    first = min(m for m, s in calendar.items() if s == cw.ALARM)
    assert first == 1440  # the day is evaluated once it has ended, at midnight
    assert calendar[1439] == cw.OK


def test_the_daily_graph_counts_tokens_since_midnight_utc() -> None:
    settings = settings_of({"name": "m", "id": "a.b-v1:0", "tokensPerDayQuota": 700_000})
    graph = widget(settings, "m: Daily token quota: used today (UTC)")["properties"]
    lines = graph["annotations"]["horizontal"]
    assert (lines[0]["label"], lines[0]["value"]) == ("Daily token quota (on-demand)", 700_000)
    (today,) = [e[0] for e in graph["metrics"] if isinstance(e[0], dict) and e[0]["id"] == "today"]
    # Hourly periods from 20:00 to 03:00: 10 tokens each. After midnight only 00:00-03:00 count.
    start = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    hours = tuple(range(0, 8 * 60, 60))
    grid = Grid(hours, 3600, start)
    series: Series = dict.fromkeys(hours, 10.0)

    class Inputs:
        def series(self, id: str) -> Series:
            return series

        def period_of(self, id: str) -> int:
            return 3600

        def ids(self) -> list[str]:
            return ["dq"]

        def band(self, id: str, width: float) -> tuple[Series, Series]:
            raise AssertionError

    value = Evaluator(grid, Inputs(), lambda id: series).evaluate(parse(today["expression"]))
    assert isinstance(value, dict)
    assert [value[ts] for ts in hours] == [0, 0, 0, 0, 10, 20, 30, 40]


# --- quotas read at deploy time -------------------------------------------------------------------


def test_a_quota_code_makes_the_quota_a_deploy_time_value_with_the_typed_number_as_fallback() -> None:
    entry = {"name": "m", "id": "us.amazon.nova-pro-v1:0", "tokensPerMinuteQuota": 400_000}
    entry |= {"tokensPerMinuteQuotaCode": "L-1A2B3C4D", "alarms": {"dailyQuota": {"enabled": True}}}
    settings = settings_of(entry)
    plan = build_alarms(settings, project="llm-monitor", stack="test")
    quota, daily = alarm(plan, "m-quota"), alarm(plan, "m-daily-quota")
    assert quota.queries[-1].expression == "100*(q/(PERIOD(q)/60))/${quota:m:tpm}"
    assert daily.queries[-1].expression == "100*d/${quota:m:tpd}"
    assert "Service Quotas L-1A2B3C4D read at deploy time; typed fallback 400,000" in quota.description
    lookups = quota_lookups(settings)
    # The daily quota follows the live per-minute one (AWS's default): the same code, × 1440.
    assert [(q.kind, q.code, q.fallback, q.scale) for q in lookups] == [
        ("tpm", "L-1A2B3C4D", 400_000, 1),
        ("tpd", "L-1A2B3C4D", 576_000_000, 1440),
    ]
    lines = widget(settings, "m: Estimated TPM quota usage")["properties"]["annotations"]["horizontal"]
    assert [line["value"] for line in lines] == ["${quota:m:tpm}", "${quota:m:tpm*0.8}"]
    # The simulator, which reads no live quota, uses the typed numbers.
    typed = with_typed_quotas(plan, settings)
    assert alarm(typed, "m-quota").queries[-1].expression == "100*(q/(PERIOD(q)/60))/400000"
    assert substitute('{"value": "${quota:m:tpm*0.8}"}', typed_quotas(settings)) == '{"value": 320000}'


def test_a_quota_known_only_by_its_code_cannot_be_simulated() -> None:
    entry = {"name": "m", "id": "a.b-v1:0", "tokensPerMinuteQuotaCode": "L-1A2B3C4D"}
    settings = settings_of(entry)
    with pytest.raises(ValueError, match="give the typed number too"):
        with_typed_quotas(build_alarms(settings, project="llm-monitor", stack="test"), settings)


# --- prompt-cache hit rate ------------------------------------------------------------------------


def test_the_cache_hit_rate_is_cache_reads_over_all_input_under_both_metric_names() -> None:
    settings = settings_of({"name": "m", "id": "a.b-v1:0"})
    graph = widget(settings, "m: Prompt-cache hit rate (% of input tokens)")["properties"]
    plain = {e[-1]["id"]: e[1] for e in graph["metrics"] if not isinstance(e[0], dict)}
    assert plain == {
        "hin": "InputTokenCount",
        "hr0": "CacheReadInputTokens",
        "hr1": "CacheReadInputTokenCount",
        "hw0": "CacheWriteInputTokens",
        "hw1": "CacheWriteInputTokenCount",
    }
    exprs = {e[0]["id"]: e[0]["expression"] for e in graph["metrics"] if isinstance(e[0], dict)}
    # 600 uncached input tokens, 300 read from the cache (user-guide name) and 100 written to it
    # (blog name): 300 of 1,000 input tokens were cache hits.
    values: dict[str, Series] = {"hin": {0: 600.0}, "hr0": {0: 300.0}, "hw1": {0: 100.0}}

    class Inputs:
        def series(self, id: str) -> Series:
            return values.get(id, {})

        def period_of(self, id: str) -> int:
            return 300

        def ids(self) -> list[str]:
            return sorted(plain)

        def band(self, id: str, width: float) -> tuple[Series, Series]:
            raise AssertionError

    def resolve(id: str) -> Any:
        return evaluator.evaluate(parse(exprs[id])) if id in exprs else values.get(id, {})

    evaluator = Evaluator(Grid((0,), 300, MIDNIGHT), Inputs(), resolve)
    assert resolve("hit")[0] == pytest.approx(30)
    assert resolve("wrote")[0] == pytest.approx(10)
