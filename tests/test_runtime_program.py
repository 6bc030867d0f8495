"""The whole program under mocks with every runtime feature on: service tiers, quotas read from
Service Quotas, daily quotas, application inference profiles looked up and created, cache hit rates.

Checked as registered (``resources.json``): namespaces, metric names, dimensions and statistics
against the catalogue, every body against the dashboard schema, every deploy-time value in place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_monitor import resource_types as rt
from llm_monitor.preview.mocks import MOCK_ACCOUNT, PREVIEW_QUOTA
from tests.aws_constraints import layout_errors, schema_errors
from tests.program import Preview, feature_config, preview
from tests.test_dashboard_schema import catalogue_problems


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(Path(tmp_path_factory.mktemp("features")), "features", feature_config())


def alarm(run: Preview, key: str) -> dict[str, Any]:
    return dict(run.named(f"monitoring-alarms-{key}")["inputs"])


def widgets(run: Preview) -> dict[str, dict[str, Any]]:
    return {w["properties"].get("title", ""): w for body in run.dashboard_bodies().values() for w in body["widgets"]}


def lines(widget: dict[str, Any]) -> dict[str, Any]:
    return {a["label"]: a["value"] for a in widget["properties"]["annotations"]["horizontal"]}


def test_every_metric_is_catalogued_and_every_body_valid(run: Preview) -> None:
    assert catalogue_problems(run.resources) == []
    for name, body in run.dashboard_bodies().items():
        assert schema_errors(body) + layout_errors(body) == [], name


def test_no_placeholder_is_left_in_anything_registered(run: Preview) -> None:
    text = json.dumps(run.resources)
    for placeholder in ("${quota:", "${profile:", "${AWS::AccountId}"):
        assert placeholder not in text


def test_a_quota_read_by_code_reaches_the_alarms_and_the_graphs(run: Preview) -> None:
    # nova-pro-direct: a bare ID (on-demand quota) whose TPM quota is read from Service Quotas (the
    # preview answers PREVIEW_QUOTA); the daily quota is AWS's default, the live value × 1440.
    quota = alarm(run, "nova-pro-direct-quota")
    assert quota["metricQueries"][-1]["expression"] == f"100*(q/(PERIOD(q)/60))/{PREVIEW_QUOTA:.0f}"
    assert quota["metricQueries"][-1]["label"] == "On-demand TPM quota used (%)"
    daily = alarm(run, "nova-pro-direct-daily-quota")
    assert daily["metricQueries"][-1]["expression"] == f"100*d/{PREVIEW_QUOTA * 1440:.0f}"
    assert daily["evaluationWindow"] == {"wallClockWindow": {"timezone": "UTC"}}
    assert daily["metricQueries"][0]["metric"]["period"] == 86400
    graphs = widgets(run)
    assert lines(graphs["nova-pro-direct: Estimated TPM quota usage"]) == {
        "On-demand TPM quota": PREVIEW_QUOTA,
        "Quota alarm: 80% of On-demand TPM quota": PREVIEW_QUOTA * 0.8,
    }
    assert lines(graphs["nova-pro-direct: Daily token quota: used today (UTC)"]) == {
        "Daily token quota (on-demand)": PREVIEW_QUOTA * 1440,
        "Daily quota alarm: 80% of the daily token quota (on-demand)": PREVIEW_QUOTA * 1440 * 0.8,
    }


def test_a_typed_daily_quota_of_a_global_profile(run: Preview) -> None:
    daily = alarm(run, "haiku-45-daily-quota")
    assert daily["metricQueries"][-1]["expression"] == "100*d/1000000000"
    assert "evaluationWindow" not in daily
    assert "Global cross-region model inference tokens per day" in daily["alarmDescription"]
    assert lines(widgets(run)["haiku-45: Estimated TPM quota usage"])["Global cross-Region TPM quota"] == 2_000_000


def test_tier_alarms_read_the_tier_series(run: Preview) -> None:
    latency = alarm(run, "nova-pro-direct-latency")
    served = {
        (q["metric"]["dimensions"]["ServiceTier"], q["metric"]["dimensions"]["ResolvedServiceTier"])
        for q in latency["metricQueries"]
        if "metric" in q
    }
    assert served == {("priority", "priority"), ("default", "default")}
    flex = alarm(run, "nova-pro-direct-flex-latency")
    assert flex["dimensions"] == {
        "ModelId": "amazon.nova-pro-v1:0",
        "ServiceTier": "flex",
        "ResolvedServiceTier": "flex",
    }
    overflow = alarm(run, "haiku-45-reserved-overflow")
    assert {q["metric"]["dimensions"]["ResolvedServiceTier"] for q in overflow["metricQueries"] if "metric" in q} == {
        "reserved",
        "default",
    }
    cost = alarm(run, "nova-pro-direct-cost")
    metrics = [q for q in cost["metricQueries"] if "metric" in q]
    assert len(metrics) == 6
    assert cost["metricQueries"][-1]["expression"] == (
        "((FILL(tin0,0))*0.001+(FILL(tout0,0))*0.004+(FILL(ptin0,0))*0.00075+(FILL(ptout0,0))*0.003"
        "-(FILL(ftin0,0))*0.0005-(FILL(ftout0,0))*0.002)/1000*3600/3600"
    )


def test_a_looked_up_profile_gets_its_models_prices_and_quota(run: Preview) -> None:
    # team-search: GetInferenceProfile (mocked) answers amazon.nova-lite-v1:0 in the stack's Region
    # only, so the calls draw on the on-demand quota and the price list's nova-lite prices apply.
    cost = alarm(run, "team-search-cost")
    assert cost["metricQueries"][-1]["expression"] == "((FILL(tin0,0))*0.00006+(FILL(tout0,0))*0.00024)/1000*3600/3600"
    assert {q["metric"]["dimensions"]["ModelId"] for q in cost["metricQueries"] if "metric" in q} == {"a1b2c3d4e5f6"}


def test_a_created_profile_carries_its_cost_tags_and_its_id_reaches_graphs_and_alarms(run: Preview) -> None:
    (profile,) = run.of_type(rt.INFERENCE_PROFILE)
    inputs = profile["inputs"]
    assert inputs["name"] == "llm-monitor-features-team-support"
    assert inputs["modelSource"] == {
        "copyFrom": f"arn:aws:bedrock:eu-west-1:{MOCK_ACCOUNT}:inference-profile/eu.amazon.nova-pro-v1:0"
    }
    assert inputs["tags"] == {"Team": "support", "CostCenter": "cc-42"}
    assert profile["parent"].endswith("llm-monitor:index:ApplicationInferenceProfiles::monitoring-profiles")
    # The mock's ID of the created profile is what the graphs and alarms read as ModelId.
    (created_id,) = {alarm(run, "team-support-cost")["metricQueries"][0]["metric"]["dimensions"]["ModelId"]}
    assert len(created_id) == 12
    assert created_id.isalnum()
    header = widgets(run)["team-support: Estimated TPM quota usage"]["properties"]["metrics"][0]
    assert header[3] == created_id
    # Priced from the list by the model it copies (Nova Pro), and on the cross-Region quota it copies.
    assert "0.001" in alarm(run, "team-support-cost")["metricQueries"][-1]["expression"]


def test_every_model_has_a_cache_hit_rate_graph(run: Preview) -> None:
    titles = widgets(run)
    for model in ("nova-pro-direct", "haiku-45", "team-search", "team-support"):
        assert f"{model}: Prompt-cache hit rate (% of input tokens)" in titles
