"""Service tiers: what a model that declares Priority, Flex or Reserved gets, priced by hand.

The metric math is evaluated by the simulator's CloudWatch evaluator (``tests/alarm_math.py``);
every figure below is worked out by hand from the prices in the config.
"""

from __future__ import annotations

from typing import Any

import pytest

from llm_monitor import catalogue as cat
from llm_monitor.alarms import AlarmPlan, MetricAlarmSpec, build_alarms
from llm_monitor.config import parse_settings
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard import build_dashboards
from llm_monitor.plan import build_plan
from llm_monitor.pricing import alarm_metrics, served_pairs, tier_adjustments
from llm_monitor.simulate.metrics import MetricStore, metric_key
from llm_monitor.simulate.scenario import Profile, ScenarioError, parse
from llm_monitor.simulate.selectors import Selection
from llm_monitor.simulate.traffic import Minute, Publisher, Readings, Target, effective, tier_factors
from tests.alarm_math import watched
from tests.program import config_problems

STANDARD = {"inputTokenPrice": 0.001, "outputTokenPrice": 0.005}
MODEL: dict[str, Any] = {
    "name": "pro",
    "id": "amazon.nova-pro-v1:0",
    **STANDARD,
    "serviceTiers": {
        "priority": {"inputTokenPrice": 0.00175, "outputTokenPrice": 0.00875},
        "flex": {"inputTokenPrice": 0.0005, "outputTokenPrice": 0.0025},
    },
}
ID = MODEL["id"]


def plan_of(*models: dict[str, Any], **sections: Any) -> AlarmPlan:
    raw = {"aws:region": "us-east-1", "llm-monitor:models": list(models)}
    raw |= {f"llm-monitor:{k}": v for k, v in sections.items()}
    return build_alarms(parse_settings(raw), project="llm-monitor", stack="test")


def alarm(plan: AlarmPlan, key: str) -> MetricAlarmSpec:
    (found,) = [a for a in plan.metric_alarms if a.key == key]
    return found


def model(entry: dict[str, Any]) -> ModelSettings:
    return ModelSettings.model_validate(entry)


def tier_dims(requested: str, served: str, model_id: str = ID) -> dict[str, str]:
    return {"ModelId": model_id, "ServiceTier": requested, "ResolvedServiceTier": served}


# --- config ----------------------------------------------------------------------------------------


def test_a_tier_left_out_costs_standard_and_reserved_tokens_cost_nothing() -> None:
    m = model({**MODEL, "serviceTiers": {"priority": {"inputTokenPrice": 0.002}, "reserved": {}}})
    tiers = m.service_tiers
    assert tiers is not None
    assert tiers.price("priority", "input", 0.001) == 0.002
    assert tiers.price("priority", "output", 0.005) == 0.005  # not given: the Standard price
    assert tiers.price("reserved", "output", 0.005) == 0.0  # the reservation is paid monthly
    assert tiers.price("reserved", "cacheRead", None) is None  # an unpriced kind stays unpriced
    assert tiers.price("default", "input", 0.001) == 0.001
    assert m.tiers == ("reserved", "priority", "default")


def test_service_tier_config_is_checked() -> None:
    problems = config_problems(
        {
            "aws:region": "us-east-1",
            "llm-monitor:models": [
                {**MODEL, "serviceTiers": {}},
                {"name": "b", "id": "amazon.nova-lite-v1:0", "serviceTiers": {"flex": {"inputTokenPrice": 0.1}}},
                {"name": "c", "id": "amazon.nova-micro-v1:0", "serviceTiers": {"standard": {}}},
            ],
        }
    )
    assert "declare at least one of priority, flex, reserved" in problems["llm-monitor:models[0].serviceTiers"]
    assert "give the Standard price too" in problems["llm-monitor:models[1]"]
    assert "unknown key 'standard'" in problems["llm-monitor:models[2].serviceTiers.standard"]


def test_the_cost_alarm_beyond_ten_metrics_is_a_config_error_naming_the_tiers() -> None:
    cached = {**MODEL, "cacheReadTokenPrice": 0.0001, "cacheWriteTokenPrice": 0.00125}
    # Every kind priced (6 Standard series: the cache kinds under both names); Priority differs in input
    # and both cache kinds (1 + 2 + 2), Flex in input and output (2): 13.
    cached["serviceTiers"] = {
        "priority": {"inputTokenPrice": 0.00175, "cacheReadTokenPrice": 0.0002, "cacheWriteTokenPrice": 0.002},
        "flex": {"inputTokenPrice": 0.0005, "outputTokenPrice": 0.0025},
    }
    assert alarm_metrics(model(cached)) == 13
    problems = config_problems({"aws:region": "us-east-1", "llm-monitor:models": [cached]})
    assert "would read 13 metrics" in problems["llm-monitor:models[0].serviceTiers"]
    # Without the cost alarm there is nothing to fit.
    off = {**cached, "alarms": {"cost": {"enabled": False}}}
    assert "cost" not in {a.kind for a in plan_of(off).metric_alarms}


# --- cost: every tier's tokens at its own price ---------------------------------------------------


def test_the_cost_alarm_prices_each_tier_at_its_own_prices_by_hand() -> None:
    spec = alarm(plan_of(MODEL), "pro-cost")
    metrics = {q.id: (q.metric.namespace, q.metric.name, dict(q.dimensions), q.stat) for q in spec.queries if q.metric}
    assert metrics == {
        "tin0": ("AWS/Bedrock", "InputTokenCount", {"ModelId": ID}, "Sum"),
        "tout0": ("AWS/Bedrock", "OutputTokenCount", {"ModelId": ID}, "Sum"),
        "ptin0": ("AWS/Bedrock", "InputTokenCount", tier_dims("priority", "priority"), "Sum"),
        "ptout0": ("AWS/Bedrock", "OutputTokenCount", tier_dims("priority", "priority"), "Sum"),
        "ftin0": ("AWS/Bedrock", "InputTokenCount", tier_dims("flex", "flex"), "Sum"),
        "ftout0": ("AWS/Bedrock", "OutputTokenCount", tier_dims("flex", "flex"), "Sum"),
    }
    for namespace, name, dims, stat in metrics.values():
        assert cat.lookup(namespace, name).has_dimensions(tuple(dims))
        assert stat in cat.lookup(namespace, name).statistics
    # One hour: 100,000 input and 20,000 output tokens in all; Priority served 30,000 / 5,000 of
    # them, Flex 20,000 / 4,000, Standard the other 50,000 / 11,000.
    #   Standard: 50 × 0.001 + 11 × 0.005      = 0.05 + 0.055   = 0.105
    #   Priority: 30 × 0.00175 + 5 × 0.00875   = 0.0525 + 0.04375 = 0.09625
    #   Flex:     20 × 0.0005 + 4 × 0.0025     = 0.01 + 0.01    = 0.02
    tokens = {"tin0": 100_000, "tout0": 20_000, "ptin0": 30_000, "ptout0": 5_000, "ftin0": 20_000, "ftout0": 4_000}
    assert watched(spec, tokens) == pytest.approx(0.105 + 0.09625 + 0.02)
    # Everything at Standard prices would have been 0.1 + 0.1 = 0.2.
    assert watched(spec, {"tin0": 100_000, "tout0": 20_000}) == pytest.approx(0.2)


def test_reserved_tokens_cost_nothing_and_its_overflow_costs_standard() -> None:
    reserved = {"name": "h", "id": "global.anthropic.claude-haiku-4-5-20251001-v1:0", **STANDARD}
    reserved["serviceTiers"] = {"reserved": {}}
    spec = alarm(plan_of(reserved), "h-cost")
    # 80,000 input / 10,000 output tokens in the hour; the reservation served 60,000 / 8,000, the
    # overflow to Standard the rest: (20 × 0.001) + (2 × 0.005) = 0.03 USD.
    assert watched(spec, {"tin0": 80_000, "tout0": 10_000, "rtin0": 60_000, "rtout0": 8_000}) == pytest.approx(0.03)


def test_a_tier_priced_like_standard_adds_no_metric() -> None:
    same = {**MODEL, "serviceTiers": {"priority": {}, "flex": {"inputTokenPrice": 0.0005}}}
    (flex,) = tier_adjustments(model(same))
    assert (flex.tier, [s.id for s in flex.series]) == ("flex", ["ftin0"])
    assert alarm_metrics(model(same)) == 3


def test_the_cost_graph_and_tiles_count_the_tiers_like_the_alarm() -> None:
    settings = parse_settings({"aws:region": "us-east-1", "llm-monitor:models": [MODEL]})
    plan = build_plan(settings, project="llm-monitor", stack="test")
    widgets = {w["properties"].get("title"): w for w in plan.dashboards[0].body["widgets"]}
    cost = widgets["pro: Cost (USD per hour)"]["properties"]["metrics"]
    ids = {e[-1]["id"]: e for e in cost if isinstance(e[-1], dict) and "id" in e[-1]}
    assert ids["ptin0"][:2] == ["AWS/Bedrock", "InputTokenCount"]
    assert ids["ptin0"][2:8] == ["ModelId", ID, "ServiceTier", "priority", "ResolvedServiceTier", "priority"]
    total = next(e[0] for e in cost if isinstance(e[0], dict) and e[0]["id"] == "ctotal")
    assert total["expression"] == "cin+cout+tpriority+tflex"
    tiles = widgets["pro: totals for the time range"]["properties"]["metrics"]
    assert next(e[0] for e in tiles if isinstance(e[0], dict) and e[0]["id"] == "cost")["expression"] == (
        "cin+cout+tpriority+tflex"
    )


# --- latency: Flex kept out, with its own alarm -----------------------------------------------------


def test_latency_alarms_of_a_flex_model_watch_the_slowest_other_tier() -> None:
    plan = plan_of(MODEL)
    for key, metric in (("pro-latency", "InvocationLatency"), ("pro-time-to-first-token", "TimeToFirstToken")):
        spec = alarm(plan, key)
        assert spec.urgency == "page"
        served = {q.id: dict(q.dimensions) for q in spec.queries if q.metric}
        assert served == {"l0": tier_dims("priority", "priority"), "l1": tier_dims("default", "default")}
        assert {(q.metric.name, q.stat) for q in spec.queries if q.metric} == {(metric, "p90")}
        # The slowest non-Flex tier is what breaches; Flex cannot, whatever it does.
        assert watched(spec, {"l0": 4_000, "l1": 31_000}) == 31_000
        assert watched(spec, {"l0": 4_000}) == 4_000
    # Without Flex the alarms watch the ModelId series as before.
    plain = alarm(plan_of({**MODEL, "serviceTiers": {"priority": {}}}), "pro-latency")
    assert (plain.metric, dict(plain.dimensions)) == (cat.INVOCATION_LATENCY, {"ModelId": ID})


def test_flex_gets_its_own_looser_latency_alarm_by_email() -> None:
    spec = alarm(plan_of(MODEL), "pro-flex-latency")
    inputs = spec.inputs()
    assert (inputs["namespace"], inputs["metric_name"]) == ("AWS/Bedrock", "InvocationLatency")
    assert inputs["dimensions"] == tier_dims("flex", "flex")
    assert (inputs["extended_statistic"], inputs["threshold"], spec.urgency) == ("p90", 120_000, "notify")
    overridden = {**MODEL, "alarms": {"flexLatency": {"threshold": 300_000}}}
    assert alarm(plan_of(overridden), "pro-flex-latency").threshold == 300_000
    problems = config_problems(
        {
            "aws:region": "us-east-1",
            "llm-monitor:models": [{"name": "x", "id": "amazon.nova-lite-v1:0", "alarms": {"flexLatency": {}}}],
        }
    )
    assert "declare serviceTiers.flex" in problems["llm-monitor:models[0].alarms.flexLatency"]


def test_reserved_overflow_is_the_share_of_reserved_requests_standard_served() -> None:
    model_id = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    entry = {"name": "h", "id": model_id, "serviceTiers": {"reserved": {}}}
    spec = alarm(plan_of(entry), "h-reserved-overflow")
    dims = {q.id: dict(q.dimensions) for q in spec.queries if q.metric}
    assert dims == {
        "kept": tier_dims("reserved", "reserved", model_id),
        "over": tier_dims("reserved", "default", model_id),
    }
    assert {q.metric.name for q in spec.queries if q.metric} == {"Invocations"}
    assert (spec.urgency, spec.threshold, spec.comparison) == ("notify", 5, "GreaterThanThreshold")
    assert watched(spec, {"kept": 60, "over": 40}) == pytest.approx(40)
    assert watched(spec, {"kept": 60}) == 0
    assert "reserved-overflow" not in {a.kind for a in plan_of(MODEL).metric_alarms}


def test_only_a_model_that_declares_tiers_gets_tier_graphs() -> None:
    settings = parse_settings(
        {"aws:region": "us-east-1", "llm-monitor:models": [MODEL, {"name": "plain", "id": "amazon.nova-lite-v1:0"}]}
    )
    titles = [
        w["properties"].get("title", "") for w in build_dashboards(settings, project="p", stack="s")[0].body["widgets"]
    ]
    assert "pro: Requests by service tier (per minute)" in titles
    assert "pro: Latency by service tier (p90, ms)" in titles
    assert not any(t.startswith("plain:") and "tier" in t for t in titles)
    assert served_pairs(model(MODEL)) == [("priority", "priority"), ("default", "default"), ("flex", "flex")]


# --- the simulator publishes tiers as Bedrock does --------------------------------------------------


def test_tier_series_add_up_to_the_model_series_and_reserved_overflows_to_standard() -> None:
    store = MetricStore(0, 0)
    target = Target("h", "m.x-v1:0", ("reserved", "default"))
    publisher = Publisher(store, target, Readings(), "LLM/Inference")
    # 40 reserved calls of 1,000 + 300 tokens; the reservation takes 20,000 tokens a minute: 15 calls.
    profile = Profile.model_validate(
        {
            "tiers": {"reserved": 1.0},
            "reservedTokensPerMinute": 20_000,
            "inputTokens": 1000,
            "outputTokens": {"p50": 300, "p90": 300},
        }
    )
    publisher.publish(0, Minute(40, 0, 0, 0, 0, 40, 0), profile, 1, 1)

    def value(metric: cat.Metric, dims: dict[str, str]) -> float | None:
        return store.statistic(metric_key(metric.namespace, metric.name, dims.items()), 0, 1, "Sum")

    by_model = {"ModelId": "m.x-v1:0"}
    kept, over = tier_dims("reserved", "reserved", "m.x-v1:0"), tier_dims("reserved", "default", "m.x-v1:0")
    assert (value(cat.INVOCATIONS, kept), value(cat.INVOCATIONS, over), value(cat.INVOCATIONS, by_model)) == (
        15,
        25,
        40,
    )
    tokens = [value(cat.INPUT_TOKEN_COUNT, dims) for dims in (kept, over, by_model)]
    assert tokens == [15 * 1000, 25 * 1000, 40 * 1000]
    # The reservation's tokens are not drawn from the on-demand quota: only the overflow's 25 × 1,300.
    assert value(cat.ESTIMATED_TPM_QUOTA_USAGE, by_model) == 25 * 1300


def test_a_model_without_declared_tiers_publishes_no_tier_series() -> None:
    store = MetricStore(0, 0)
    publisher = Publisher(store, Target("m", "m.x-v1:0"), Readings(), "LLM/Inference")
    publisher.publish(0, Minute(10, 0, 0, 0, 0, 10, 5), Profile.model_validate({"tiers": {"flex": 0.5}}), 1, 1)
    assert all(cat.SERVICE_TIER not in dict(key[2]) for key in store.data)


def test_scenarios_name_tiers_and_say_which_models_they_need() -> None:
    with pytest.raises(ScenarioError, match="add up to 120%"):
        parse({"name": "x", "traffic": {"default": {"tiers": {"flex": 0.7, "priority": 0.5}}}}, "t")
    with pytest.raises(ScenarioError, match=r"events\[0\]\.tier"):
        parse({"name": "x", "events": [{"from": 1, "tier": "standard"}]}, "t")
    scenario = parse(
        {"name": "x", "needs": ["reserved"], "events": [{"from": 1, "tier": "flex", "latency": "x3"}]}, "t"
    )
    selection = Selection(parse_settings({"aws:region": "us-east-1", "llm-monitor:models": [MODEL]}))
    assert selection.missing(scenario.needs) == (
        "'reserved': no model of this stack declares the reserved service tier (serviceTiers.reserved)"
    )
    assert selection.missing(["flex"]) is None
    assert [m.name for m in selection.models("priority", "x")] == ["pro"]
    # A tier's event slows that tier alone.
    assert effective(Profile(), scenario.events, 1, 10)[1] == 1
    assert tier_factors(scenario.events, 1) == {"flex": (3.0, 1.0)}
