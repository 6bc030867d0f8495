"""The monitoring's cost targets (issue "Scale and cost"), computed by hand from the price table:
at most $3 a month per added model with default settings and at most $15 for the stack's shared
part, at us-east-1 prices, with 10 applications and 10 tenants (the estimate's defaults)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.preview import cost, prices
from tests.program import Preview, fixture_config, preview

P = prices.load()
PER_MODEL_TARGET = 3.0
SHARED_TARGET = 15.0
APPLICATIONS = TENANTS = 10
#: A model with nothing but its ID and token prices: the per-model defaults.
ADDED: dict[str, Any] = {
    "name": "added",
    "id": "amazon.nova-micro-v1:0",
    "inputTokenPrice": 0.000035,
    "outputTokenPrice": 0.00014,
}


@pytest.fixture(scope="module")
def with_added(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    config = fixture_config("dev")
    config["llm-monitor:models"] = [*config["llm-monitor:models"], ADDED]
    return preview(tmp_path_factory.mktemp("added"), config=config)


def totals(run: Preview) -> dict[str, Any]:
    totals: dict[str, Any] = json.loads((run.out_dir / "cost.json").read_text())["totals"]
    return totals


def test_an_added_model_costs_what_its_alarms_and_three_series_cost_and_at_most_3_dollars(
    with_added: Preview,
) -> None:
    standard = P.alarm_metric_standard
    by_hand = (
        standard  # latency: one metric
        + standard  # time to first token: one metric
        + P.anomaly_alarm_metrics * standard  # latency anomaly band
        + 3 * standard  # error rate: invocations, client and server errors
        + 2 * standard  # throttle rate: invocations and throttles
        + 2 * standard  # application error rate: logged calls and failures
        + 2 * standard  # cost: input and output tokens
        + P.composite_alarm  # the model's health roll-up
        + 3 * P.custom_metric  # its application calls, failures and latency series (ModelId)
    )
    assert totals(with_added)["byModel"]["added"] == pytest.approx(by_hand)
    assert by_hand <= PER_MODEL_TARGET


def test_the_shared_part_costs_what_the_price_table_says_and_at_most_15_dollars(with_added: Preview) -> None:
    days = P.days_per_month
    gb, retention, loads, window_days = 1.0, 7, 50, 0.5  # the estimate's defaults; dev keeps 7 days, shows 12 h
    log_groups, log_widgets, tenant_rules, keys, models = 2, 5, 1, 2, 3
    by_hand = (
        P.dashboard
        + keys * P.kms_key
        + log_groups * gb * (P.log_ingestion_standard + P.log_data_protection + P.log_storage * retention / days)
        + log_widgets * (gb / days * window_days) * loads * days * P.logs_insights_scanned
        # Delivery failures, notification failures, delivery stopped (records, and each model's calls).
        + P.alarm_metric_standard * (1 + 1 + 1 + models)
        + 2 * APPLICATIONS * P.custom_metric  # calls and failures per application
        + P.custom_metric  # large prompts
        + tenant_rules * (P.contributor_insights_rule + gb * 500_000 / 1e6 * P.contributor_insights_events_per_million)
    )
    assert totals(with_added)["shared"] == pytest.approx(by_hand)
    assert by_hand <= SHARED_TARGET


def test_tenants_cost_nothing_per_tenant_and_pairs_cost_per_pair_when_bought_back(tmp_path: Path) -> None:
    config = fixture_config("dev")
    config["llm-monitor:logs"] = {**config["llm-monitor:logs"], "applicationPairMetrics": True}
    bought = totals(preview(tmp_path, config=config))
    (tmp_path / "default").mkdir()
    default = totals(preview(tmp_path / "default", config=fixture_config("dev")))
    # Latency, time to first token, input and output tokens per (application, model) pair.
    pairs = 4 * APPLICATIONS * P.custom_metric
    for model in default["byModel"]:
        assert bought["byModel"][model] - default["byModel"][model] == pytest.approx(pairs)
    # The pair view's log widget gives way to a graph of the pair series: its scans are saved.
    widget_scans = (1.0 / P.days_per_month * 0.5) * 50 * P.days_per_month * P.logs_insights_scanned
    assert bought["shared"] == pytest.approx(default["shared"] - widget_scans)
    resources = json.loads((tmp_path / "default" / "preview-dev" / "resources.json").read_text())
    filters = [r for r in resources if r["type"] == cost.METRIC_FILTER]
    assert not [f for f in filters if "Tenant" in (f["inputs"]["metricTransformation"].get("dimensions") or {})]
