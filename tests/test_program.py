"""The whole program under mocks, run the way `pulumi up` runs it (fresh process, real __main__.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.resource_types import LOG_GROUP
from tests.bodies import model_ids_in
from tests.program import (
    DASHBOARD,
    Preview,
    fixture_config,
    models,
    preview,
    preview_failure,
    registered,
    run_preview,
)

COMPONENT = "llm-monitor:index:BedrockDashboards"


def check_dashboards(run: Preview, config: dict[str, Any]) -> None:
    """Every configured model is on exactly one registered dashboard, built as the outputs say."""
    region = config["aws:region"]
    (component,) = run.of_type(COMPONENT)
    (provider,) = run.of_type("pulumi:providers:aws")
    dashboards = run.of_type(DASHBOARD)
    assert dashboards
    for dashboard in dashboards:
        assert dashboard["parent"] == component["urn"]
        assert dashboard["provider"].startswith(provider["urn"] + "::")
        assert dashboard["name"].startswith(component["name"] + "-")
    bodies = run.dashboard_bodies()
    ids_per_dashboard = [model_ids_in(body) for body in bodies.values()]
    for model in config["llm-monitor:models"]:
        assert sum(model["id"] in ids for ids in ids_per_dashboard) == 1, model["id"]
    names = run.outputs["dashboardNames"]
    assert sorted(names) == sorted(d["inputs"]["dashboardName"] for d in dashboards)
    assert names[1:] == [f"{names[0]}-{page}" for page in range(2, len(names) + 1)]
    assert run.outputs["dashboardUrls"] == [
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards:name={n}" for n in names
    ]
    for body in bodies.values():
        regions = {w["properties"]["region"] for w in body["widgets"] if w["type"] in ("metric", "log")}
        assert regions == {region}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_deploy_every_model(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    check_dashboards(run, fixture_config(stack))
    assert sorted(p.name for p in (run.out_dir / "dashboards").glob("*.json")) == sorted(
        f"{n}.json" for n in run.outputs["dashboardNames"]
    )


def test_provider_carries_region_and_default_tags(prod: Preview) -> None:
    (provider,) = prod.of_type("pulumi:providers:aws")
    assert provider["inputs"]["region"] == "eu-west-1"
    tags = json.loads(provider["inputs"]["defaultTags"])["tags"]
    # The program's own tags; llm-monitor:tags are on each taggable resource (tests/test_monitoring_program.py).
    assert tags == {"Project": "llm-monitor", "Stack": "prod", "ManagedBy": "pulumi"}


def test_prod_dashboard_has_guardrails_and_image_sections(prod: Preview) -> None:
    (body,) = prod.dashboard_bodies().values()
    text = json.dumps(body)
    assert "AWS/Bedrock/Guardrails" in text
    assert "OutputImageCount" in text
    assert body["start"] == "-PT6H"


@pytest.mark.parametrize("count", [1, 5, pytest.param(300, marks=pytest.mark.slow)])
def test_parametrized_model_counts(tmp_path: Path, count: int) -> None:
    config = {"aws:region": "us-west-2", "llm-monitor:models": models(count, inputTokenPrice=0.001)}
    run = preview(tmp_path, "scale", config)
    check_dashboards(run, config)
    if count == 300:
        assert len(run.of_type(DASHBOARD)) > 1


def test_other_partitions_get_their_console_host(tmp_path: Path) -> None:
    config = {"aws:region": "cn-north-1", "llm-monitor:models": models(1)}
    run = preview(tmp_path, "china", config)
    (url,) = run.outputs["dashboardUrls"]
    assert url.startswith("https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards:name=")


def test_invalid_config_fails_with_key_paths_and_no_traceback(tmp_path: Path) -> None:
    config = fixture_config("dev")
    config["llm-monitor:models"][1]["id"] = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
    config["llm-monitor:models"][0]["inputTokenPrice"] = -0.1
    failure = preview_failure(tmp_path, config)
    assert failure.returncode == 2
    assert "llm-monitor:models[1].id" in failure.stderr
    assert "llm-monitor:models[0].inputTokenPrice" in failure.stderr
    assert "Traceback" not in failure.stderr
    assert not failure.out_dir.exists()


def test_configs_aws_would_refuse_at_pulumi_up_stop_the_program_first(tmp_path: Path) -> None:
    """Each of these passed validation once and failed only at CreateLogGroup or CreateRole."""
    config = {
        "aws:region": "us-east-1",
        "llm-monitor:models": [],
        "llm-monitor:tags": {"Team": "ml,platform", "team": "x", "project": "y"},
        # The application group's default name in stack "test" (the file name below).
        "llm-monitor:logs": {"invocationLogGroupName": "/llm-monitor/test/inference"},
    }
    failure = preview_failure(tmp_path, config, stack="test")
    assert failure.returncode == 2
    assert "Traceback" not in failure.stderr
    reported = set(re.findall(r"^  - (\S+?): ", failure.stderr, flags=re.MULTILINE))
    assert reported == {
        "llm-monitor:models",
        "llm-monitor:tags.Team",
        "llm-monitor:tags.team",
        "llm-monitor:tags.project",
        "llm-monitor:logs.invocationLogGroupName",
    }
    assert not failure.out_dir.exists()
    count, error = registered(tmp_path / "Pulumi.test.yaml")
    assert count == 0
    assert "llm-monitor:logs.invocationLogGroupName: '/llm-monitor/test/inference'" in (error or "")


def test_an_account_wide_only_stack_shows_the_account_and_its_logs(tmp_path: Path) -> None:
    config = {"aws:region": "eu-west-1", "llm-monitor:models": [], "llm-monitor:accountWideOnly": True}
    run = preview(tmp_path, "wide", config)
    (body,) = run.dashboard_bodies().values()
    titles = [w["properties"].get("title") or w["properties"].get("markdown", "") for w in body["widgets"]]
    assert any("Configured in this stack: none (account-wide only)." in t for t in titles)
    (everything,) = [w for w in body["widgets"] if w["properties"].get("title", "").startswith("Invocations by model")]
    assert everything["width"] == 24
    assert not [t for t in titles if "not in this stack's config" in t]
    assert [w for w in body["widgets"] if w["type"] == "log"]  # the logs section
    assert len(run.of_type(LOG_GROUP)) == 2
    # Only the alarm on the topic's own failed deliveries: the stack has a topic, no model alarms.
    assert run.outputs["alarmNames"] == ["llm-monitor-wide-eu-west-1/notification-failures"]
    assert model_ids_in(body) == set()


def test_invalid_config_registers_nothing(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.bad.yaml"
    stack_file.write_text(json.dumps({"config": {"aws:region": "us-east-1", "llm-monitor:models": [{"id": "x"}]}}))
    count, error = registered(stack_file)
    assert count == 0
    assert "llm-monitor:models[0].name" in (error or "")


def test_unknown_stack_is_a_clear_error(tmp_path: Path) -> None:
    completed = run_preview("--stack", "staging", "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert "no stack 'staging'" in completed.stderr
    assert "dev, prod" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_input_or_output_keeps_the_account_placeholder(stack: str, request: pytest.FixtureRequest) -> None:
    """The pure layer writes the placeholder into ARNs and policies; the components must swap in the account."""
    run: Preview = request.getfixturevalue(stack)
    leaked = [r["name"] for r in run.resources if ACCOUNT_ID_TOKEN in json.dumps(r["inputs"])]
    assert leaked == []
    assert ACCOUNT_ID_TOKEN not in json.dumps(run.outputs)
    # The mock account is there instead (the swap happened, rather than no ARN being built).
    assert any("123456789012" in json.dumps(r["inputs"]) for r in run.resources)
