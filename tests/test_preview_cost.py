"""The monthly cost estimate: figures recomputed by hand from the price table, and the CLI's flags."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.config.models import ModelSettings
from llm_monitor.preview import cli, cost, prices
from tests.program import Preview, fixture_config, run_preview

P = prices.load()
DAYS = 730 / 24  # a month, as AWS bills it
MODELS = [
    ModelSettings.model_validate(
        {"name": "alpha", "id": "provider.alpha-v1:0", "inputTokenPrice": 0.001, "outputTokenPrice": 0.002}
    ),
    ModelSettings.model_validate({"name": "beta", "id": "provider.beta-v1:0"}),
]


def resource(type_: str, logical: str, **inputs: Any) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:t::llm-monitor::{type_}::{logical}", "type": type_, "name": logical, "inputs": inputs}


def metric(name: str, period: int = 60) -> dict[str, Any]:
    return {"metricName": name, "namespace": "AWS/Bedrock", "period": float(period), "stat": "Sum"}


def small_stack() -> list[dict[str, Any]]:
    """Two models; one of each billable kind. Numbers are floats, as the engine delivers them."""
    body = {
        "start": "-PT12H",
        "widgets": [
            {"type": "metric", "x": 0, "y": 0, "width": 6, "height": 6, "properties": {"metrics": [["A", "B"]] * 10}},
            {
                "type": "log",
                "x": 6,
                "y": 0,
                "width": 6,
                "height": 6,
                "properties": {"title": "Errors", "query": "SOURCE '/app/logs' | fields x"},
            },
        ],
    }
    return [
        resource(cost.METRIC_ALARM, "alarms-alpha-latency", name="stack-alpha-latency", period=60.0),
        resource(cost.METRIC_ALARM, "alarms-alpha-fast", name="stack-alpha-fast", period=10.0),
        resource(
            cost.METRIC_ALARM,
            "alarms-beta-error-rate",
            metricQueries=[
                {"id": "e", "metric": metric("InvocationServerErrors")},
                {"id": "i", "metric": metric("Invocations")},
                {"id": "rate", "expression": "100*e/i", "returnData": True},
            ],
        ),
        resource(
            cost.METRIC_ALARM,
            "alarms-beta-invocations-anomaly",
            thresholdMetricId="band",
            metricQueries=[
                {"id": "m", "metric": metric("Invocations"), "returnData": True},
                {"id": "band", "expression": "ANOMALY_DETECTION_BAND(m, 2)", "returnData": True},
            ],
        ),
        resource(cost.COMPOSITE_ALARM, "alarms-health", alarmName="stack-health"),
        resource(cost.DASHBOARD, "dashboards-1", dashboardName="stack", dashboardBody=json.dumps(body)),
        resource(
            cost.METRIC_FILTER,
            "logs-tokens-by-model",
            metricTransformation={"name": "Tokens", "namespace": "LLM/Logs", "dimensions": {"ModelId": "$.modelId"}},
        ),
        resource(
            cost.METRIC_FILTER,
            "logs-calls-by-tenant",
            metricTransformation={
                "name": "Calls",
                "namespace": "LLM/Logs",
                "dimensions": {"Tenant": "$.requestMetadata.team", "ModelId": "$.modelId"},
            },
        ),
        resource(
            cost.METRIC_FILTER, "logs-alpha-large", metricTransformation={"name": "Large", "namespace": "LLM/Logs"}
        ),
        resource(cost.LOG_GROUP, "logs-app", name="/app/logs", retentionInDays=30.0, logGroupClass="STANDARD"),
        resource(cost.DATA_PROTECTION, "logs-app-masking", logGroupName="/app/logs"),
        resource(cost.KMS_KEY, "logs-key"),
        resource("aws:sns/topic:Topic", "alarms-topic"),
    ]


ASSUMPTIONS = cost.Assumptions(
    tenants=4,
    log_gb_by_group={"/app/logs": 10.0},
    dashboard_loads_per_day=20,
    traffic={"*": cost.Traffic(1000, 100, 10)},
)


def test_small_stack_figures_match_the_price_table_by_hand() -> None:
    e = cost.estimate(small_stack(), MODELS, ASSUMPTIONS, P)
    # Each model's series of the stack-wide filters: Tokens by ModelId (1), Calls by Tenant (4) × ModelId.
    per_model_series = (1 + 4) * P.custom_metric
    # alpha: a standard alarm, a 10-second (high-resolution) alarm, its own filter's metric.
    alpha = P.alarm_metric_standard + P.alarm_metric_high_resolution + P.custom_metric + per_model_series
    # beta: a math alarm over two metrics, an anomaly alarm billed as three alarm metrics.
    beta = 2 * P.alarm_metric_standard + 3 * P.alarm_metric_standard + per_model_series
    stored_gb_months = 10 * 30 / DAYS
    scanned_gb = 20 * DAYS * (10 / DAYS * 0.5)  # loads a month × a 12-hour window of 10 GB a month
    shared = (
        P.composite_alarm
        + P.dashboard
        + 10 * P.log_ingestion_standard
        + stored_gb_months * P.log_storage
        + 10 * P.log_data_protection
        + P.kms_key
        + scanned_gb * P.logs_insights_scanned
    )
    assert e.total("alpha") == pytest.approx(alpha)
    assert e.total("beta") == pytest.approx(beta)
    assert e.total(None) == pytest.approx(shared)
    assert e.total() == pytest.approx(alpha + beta + shared)
    assert e.shared_share == pytest.approx(shared / 2)
    assert e.total(category=cost.ANOMALY_ALARMS) == pytest.approx(0.30)
    assert e.total(category=cost.LOGS_INSIGHTS) == pytest.approx(100 * 0.005)
    # Free tier if nothing else used it: the dashboard (10 metrics ≤ 50), the 6 standard-resolution
    # alarm metrics (the high-resolution one is not covered), 10 of the 11 custom metrics, 5 GB of logs.
    free = P.dashboard + 6 * P.alarm_metric_standard + 10 * P.custom_metric + 5 * P.log_ingestion_standard
    assert e.free_tier_credit == pytest.approx(-free)
    # Bedrock: alpha is priced, beta is not.
    (alpha_spend, beta_spend) = e.bedrock
    assert alpha_spend.monthly == pytest.approx(1000 * DAYS * (100 * 0.001 + 10 * 0.002) / 1000)
    assert beta_spend.monthly is None


def test_bedrock_spend_prices_each_service_tier_at_its_own_prices_by_hand() -> None:
    tiered = ModelSettings.model_validate(
        {
            "name": "pro",
            "id": "amazon.nova-pro-v1:0",
            "inputTokenPrice": 0.001,
            "outputTokenPrice": 0.004,
            "serviceTiers": {
                "priority": {"inputTokenPrice": 0.00175, "outputTokenPrice": 0.007},
                "flex": {"inputTokenPrice": 0.0005, "outputTokenPrice": 0.002},
                "reserved": {},
            },
        }
    )
    # 1,000 requests a day of 2,000 input and 500 output tokens: 20 % Priority, 30 % Flex, 10 %
    # Reserved (prepaid: nothing per token), the other 40 % Standard. Per request, in USD:
    #   Standard  2 × 0.001   + 0.5 × 0.004 = 0.004
    #   Priority  2 × 0.00175 + 0.5 × 0.007 = 0.007
    #   Flex      2 × 0.0005  + 0.5 × 0.002 = 0.002
    per_request = 0.4 * 0.004 + 0.2 * 0.007 + 0.3 * 0.002 + 0.1 * 0
    assert per_request == pytest.approx(0.0036)
    traffic = cost.Traffic(1000, 2000, 500, {"priority": 0.2, "flex": 0.3, "reserved": 0.1})
    e = cost.estimate([], [tiered], cost.Assumptions(traffic={"pro": traffic}), P)
    (spend,) = e.bedrock
    assert spend.monthly == pytest.approx(1000 * DAYS * per_request)
    # A share for a tier the model does not declare is Standard's: its callers cannot ask for it.
    plain = MODELS[0]
    (spend,) = cost.estimate([], [plain], cost.Assumptions(traffic={"alpha": traffic}), P).bedrock
    assert spend.monthly == pytest.approx(1000 * DAYS * (2000 * 0.001 + 500 * 0.002) / 1000)
    assert "20% priority" in " ".join(cost.Assumptions(traffic={"pro": traffic}).describe(P, "us-east-1"))


def test_the_traffic_flag_takes_tier_shares() -> None:
    name, traffic = cli._traffic("pro=1000:2000:500:priority=0.2,flex=0.3")
    assert (name, traffic.tiers) == ("pro", {"priority": 0.2, "flex": 0.3})
    with pytest.raises(argparse.ArgumentTypeError, match="tier shares"):
        cli._traffic("1000:2000:500:standard=0.2")
    with pytest.raises(argparse.ArgumentTypeError, match="more than 1"):
        cli._traffic("1000:2000:500:priority=0.6,flex=0.6")


def test_expected_figure_bills_each_series_for_the_hours_it_gets_calls() -> None:
    # 24 calls a day is one an hour per model: a ModelId series reports in 1 - e^-1 of the hours,
    # each of its 4 Tenant × ModelId siblings in 1 - e^-(1/4).
    traffic = cost.Assumptions(tenants=4, traffic={"*": cost.Traffic(24, 100, 10)})
    e = cost.estimate(small_stack(), MODELS, traffic, P)
    worst = cost.estimate(small_stack(), MODELS, cost.Assumptions(tenants=4), P)
    by_model, by_tenant = 1 - math.exp(-1), 1 - math.exp(-1 / 4)
    series = P.custom_metric * (by_model + 4 * by_tenant)
    assert e.total("beta") - e.expected("beta") == pytest.approx(5 * P.custom_metric - series)
    assert worst.expected() == pytest.approx(worst.total())
    # One more tenant: one more Calls series per model, reporting in 1 - e^-(1/4) of the hours.
    assert e.per_tenant == pytest.approx(2 * P.custom_metric * by_tenant)
    assert worst.per_tenant == pytest.approx(2 * P.custom_metric)


def test_a_contributor_rule_costs_its_fee_and_its_matched_events() -> None:
    definition = json.dumps({"LogGroupNames": ["/inv"], "AggregateOn": "Sum"})
    rule = resource(cost.CONTRIBUTOR_RULE, "logs-rule", ruleName="r", ruleDefinition=definition)
    by_volume = cost.estimate([rule], MODELS, cost.Assumptions(log_gb_by_group={"/inv": 4.0}), P)
    assert by_volume.total() == pytest.approx(
        P.contributor_insights_rule + 4 * 500_000 / 1e6 * P.contributor_insights_events_per_million
    )
    by_calls = cost.estimate([rule], MODELS, cost.Assumptions(traffic={"*": cost.Traffic(1000, 1, 1)}), P)
    calls = 2 * 1000 * DAYS  # both models
    assert by_calls.total() == pytest.approx(
        P.contributor_insights_rule + calls / 1e6 * P.contributor_insights_events_per_million
    )


def test_alarm_kinds_and_attribution() -> None:
    e = cost.estimate(small_stack(), MODELS, ASSUMPTIONS, P)
    kinds = {
        line.item: (line.category, line.model, line.quantity)
        for line in e.lines
        if line.category in cost.ALARM_CATEGORIES
    }
    assert kinds == {
        "stack-alpha-latency": (cost.STANDARD_ALARMS, "alpha", 1),
        "stack-alpha-fast": (cost.HIGH_RESOLUTION_ALARMS, "alpha", 1),
        "alarms-beta-error-rate": (cost.MATH_ALARMS, "beta", 2),
        "alarms-beta-invocations-anomaly": (cost.ANOMALY_ALARMS, "beta", 3),
        "stack-health": (cost.COMPOSITE_ALARMS, None, 1),
    }


def test_named_dimension_counts_and_unexpiring_logs() -> None:
    resources = [
        resource(
            cost.METRIC_FILTER,
            "logs-app-latency",
            metricTransformation={"name": "Latency", "namespace": "N", "dimensions": {"App": "$.app", "Tenant": "$.t"}},
        ),
        resource(cost.LOG_GROUP, "logs-forever", name="/forever", logGroupClass="INFREQUENT_ACCESS"),
    ]
    a = cost.Assumptions(tenants=7, dimension_values={"App": 3}, log_gb_per_month=2, unexpiring_log_months=12)
    e = cost.estimate(resources, MODELS, a, P)
    assert e.total(category=cost.CUSTOM_METRICS) == pytest.approx(3 * 7 * P.custom_metric)
    assert e.total(category=cost.LOG_INGESTION) == pytest.approx(2 * P.log_ingestion_infrequent_access)
    assert e.total(category=cost.LOG_STORAGE) == pytest.approx(2 * 12 * P.log_storage)


def test_the_same_series_from_two_filters_is_one_metric() -> None:
    transformation = {"name": "Calls", "namespace": "N", "dimensions": {"ModelId": "$.modelId"}}
    resources = [
        resource(cost.METRIC_FILTER, "logs-a", metricTransformation=transformation),
        resource(cost.METRIC_FILTER, "logs-b", metricTransformation=transformation),
    ]
    e = cost.estimate(resources, MODELS, cost.Assumptions(), P)
    assert e.total(category=cost.CUSTOM_METRICS) == pytest.approx(2 * P.custom_metric)
    assert e.total("alpha", cost.CUSTOM_METRICS) == pytest.approx(P.custom_metric)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alarms-nova-lite-latency", "nova-lite"),
        ("alarms-nova-latency", "nova"),
        ("dashboards-nova", "nova"),
        ("alarms-novaX-latency", None),
        ("alarms-health", None),
    ],
)
def test_model_of_takes_the_longest_delimited_name(name: str, expected: str | None) -> None:
    assert cost.model_of(name, ["nova", "nova-lite", "lite"]) == expected


@pytest.mark.parametrize(
    ("start", "days"),
    [("-PT12H", 0.5), ("-PT30M", 1 / 48), ("-P7D", 7), ("-P1W", 7), ("-P1DT6H", 1.25), ("2026-01-01T00:00:00Z", 0.125)],
)
def test_window_days(start: str, days: float) -> None:
    assert cost.window_days(start) == pytest.approx(days)


def test_price_table_says_where_and_when() -> None:
    assert P.region == "us-east-1"
    assert P.taken.startswith("2026-")
    assert P.sources


def test_bad_price_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "prices.json"
    data = json.loads(prices.DEFAULT_FILE.read_text())
    data["dashboard"] = -3
    bad.write_text(json.dumps(data))
    with pytest.raises(prices.PriceError, match="dashboard"):
        prices.load(bad)
    # The price table is read before the program runs, so this needs no fresh process.
    assert cli.main(["preview", "--stack", "dev", "--out", str(tmp_path / "o"), "--prices", str(bad)]) == 2
    assert "not a valid price table" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# --- the whole program ----------------------------------------------------------------------


def test_dev_cost_covers_what_the_program_registers(dev: Preview) -> None:
    """Counts come from resources.json; the arithmetic is redone here from the price table."""
    report = json.loads((dev.out_dir / "cost.json").read_text())
    by_category: dict[str, float] = {}
    for line in report["lines"]:
        by_category[line["category"]] = by_category.get(line["category"], 0.0) + line["monthly"]
    assert by_category[cost.DASHBOARDS] == pytest.approx(len(dev.of_type(cost.DASHBOARD)) * P.dashboard)
    composites = len(dev.of_type(cost.COMPOSITE_ALARM))
    assert by_category.get(cost.COMPOSITE_ALARMS, 0.0) == pytest.approx(composites * P.composite_alarm)
    groups = dev.of_type(cost.LOG_GROUP)
    assert by_category.get(cost.LOG_INGESTION, 0.0) == pytest.approx(len(groups) * 1.0 * P.log_ingestion_standard)
    alarm_lines = [line for line in report["lines"] if line["category"] in cost.ALARM_CATEGORIES]
    assert len(alarm_lines) == len(dev.of_type(cost.METRIC_ALARM)) + composites
    totals = report["totals"]
    assert sum(totals["byModel"].values()) + totals["shared"] == pytest.approx(totals["total"])
    assert set(totals["byModel"]) == {m["name"] for m in fixture_config("dev")["llm-monitor:models"]}
    summary = (dev.out_dir / "summary.md").read_text()
    assert "## Monthly cost of the monitoring" in summary
    assert f"**${totals['total']:,.2f}**" in summary
    assert "### Assumptions" in summary


def test_flags_change_the_assumptions(tmp_path: Path) -> None:
    out = tmp_path / "o"
    completed = run_preview(
        "--stack",
        "dev",
        "--out",
        str(out),
        "--no-pictures",
        "--tenants",
        "3",
        "--log-gb-per-month",
        "4",
        "--dashboard-loads-per-day",
        "0",
        "--traffic",
        "claude-haiku=1000:2000:100",
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads((out / "cost.json").read_text())
    resources = json.loads((out / "resources.json").read_text())
    groups = [r for r in resources if r["type"] == cost.LOG_GROUP]
    ingestion = sum(line["monthly"] for line in report["lines"] if line["category"] == cost.LOG_INGESTION)
    assert ingestion == pytest.approx(len(groups) * 4 * P.log_ingestion_standard)
    assert all(line["monthly"] == 0 for line in report["lines"] if line["category"] == cost.LOGS_INSIGHTS)
    assert not list((out / "dashboards").glob("*.png"))
    haiku = next(m for m in fixture_config("dev")["llm-monitor:models"] if m["name"] == "claude-haiku")
    expected = 1000 * DAYS * (2000 * haiku["inputTokenPrice"] + 100 * haiku["outputTokenPrice"]) / 1000
    assert report["bedrock"] == [{"model": "claude-haiku", "monthly": pytest.approx(expected)}]
    assert "3 distinct values of any other (tenants)" in " ".join(report["assumptions"])


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--tenants", "0"], "--tenants"),
        (["--traffic", "100:1"], "REQUESTS_PER_DAY:INPUT_TOKENS:OUTPUT_TOKENS"),
        (["--log-gb-per-month", "lots"], "is not a number"),
        (["--dimension-values", "5"], "DIMENSION=COUNT"),
    ],
)
def test_bad_flags_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:  # argparse: usage message, exit code 2, before any run
        cli.main(["preview", "--stack", "dev", "--out", str(tmp_path / "o"), *flags])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_traffic_for_an_unknown_model_is_a_clear_error(tmp_path: Path) -> None:
    completed = run_preview(
        "--stack", "dev", "--out", str(tmp_path / "o"), "--no-pictures", "--traffic", "nobody=1:1:1"
    )
    assert completed.returncode == 2
    assert "--traffic names nobody, not a model of this stack" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_dashboard_over_50_metrics_is_outside_the_free_tier() -> None:
    widgets = [{"type": "metric", "properties": {"metrics": [["A", "B"]] * 51}}]
    dashboard = resource(
        cost.DASHBOARD, "dashboards-1", dashboardName="d", dashboardBody=json.dumps({"widgets": widgets})
    )
    e = cost.estimate([dashboard], MODELS, cost.Assumptions(), P)
    assert e.total() == pytest.approx(P.dashboard)
    assert e.free_tier == ()
    assert any("more than 50 metrics" in note for note in e.notes)
