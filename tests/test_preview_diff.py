"""Diffs between previews: by stack-less URN, with the JSON paths of changed inputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from llm_monitor.preview import cost, diff
from tests.program import DASHBOARD, Preview, run_cli, stack_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def resource(stack: str, type_: str, name: str, **inputs: Any) -> dict[str, Any]:
    root = f"urn:pulumi:{stack}::llm-monitor::pulumi:pulumi:Stack::llm-monitor-{stack}"
    return {
        "urn": f"urn:pulumi:{stack}::llm-monitor::{type_}::{name}",
        "type": type_,
        "name": name,
        "parent": root,
        "options": {"protect": False, "retainOnDelete": False, "dependsOn": []},
        "inputs": inputs,
    }


def body(period: int, widgets: int) -> str:
    return json.dumps({"widgets": [{"type": "metric", "properties": {"period": period}} for _ in range(widgets)]})


def test_added_removed_and_changed_inputs_by_path() -> None:
    old = [
        resource("dev", "pulumi:providers:aws", "aws", region="us-east-1", defaultTags='{"tags":{"Stack":"dev"}}'),
        resource("dev", DASHBOARD, "dashboards-1", dashboardBody=body(300, 2)),
        resource("dev", ALARM, "alarms-a-latency", threshold=5.0),
        resource("dev", ALARM, "alarms-same", threshold=1.0, **{"odd.key": [1, 2]}),
    ]
    new = [
        resource("prod", "pulumi:providers:aws", "aws", region="eu-west-1", defaultTags='{"tags":{"Stack":"prod"}}'),
        resource("prod", DASHBOARD, "dashboards-1", dashboardBody=body(60, 3)),
        resource("prod", ALARM, "alarms-b-latency", threshold=5.0),
        resource("prod", ALARM, "alarms-same", threshold=1.0, **{"odd.key": [1, 2]}),
    ]
    new[0]["options"]["protect"] = True
    d = diff.compare(old, new)
    assert [r["name"] for r in d.added] == ["alarms-b-latency"]
    assert [r["name"] for r in d.removed] == ["alarms-a-latency"]
    changes = {c.name: [(ch.path, ch.old, ch.new) for ch in c.changes] for c in d.changed}
    assert changes == {
        "aws": [
            ("inputs.defaultTags.tags.Stack", "dev", "prod"),
            ("inputs.region", "us-east-1", "eu-west-1"),
            ("options.protect", False, True),
        ],
        "dashboards-1": [
            ("inputs.dashboardBody.widgets[0].properties.period", 300, 60),
            ("inputs.dashboardBody.widgets[1].properties.period", 300, 60),
            ("inputs.dashboardBody.widgets[2]", diff.MISSING, {"type": "metric", "properties": {"period": 60}}),
        ],
    }
    assert diff.compare(new, new).empty


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    old = [resource("s", ALARM, "a", **{"odd.key": 1})]
    new = [resource("s", ALARM, "a", **{"odd.key": 2})]
    (changed,) = diff.compare(old, new).changed
    assert [c.path for c in changed.changes] == ['inputs["odd.key"]']


def test_a_config_change_shows_up_as_resources_and_input_paths(dev: Preview, tmp_path: Path) -> None:
    """Add a model and tighten a threshold in a stack file; diff against the dev preview directory."""
    config = stack_config("dev")
    config["llm-monitor:models"].append(
        {"name": "nova-micro", "id": "amazon.nova-micro-v1:0", "inputTokenPrice": 0.000035, "outputTokenPrice": 0.00014}
    )
    old_threshold = config["llm-monitor:alarms"]["serverErrors"]["threshold"]
    config["llm-monitor:alarms"]["serverErrors"]["threshold"] = old_threshold - 7
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text(yaml.safe_dump({"config": config}))
    out = tmp_path / "o"
    completed = run_cli(
        "preview",
        "--stack",
        "dev",
        "--stack-file",
        str(stack_file),
        "--out",
        str(out),
        "--no-pictures",
        "--diff",
        str(dev.out_dir),
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads((out / "diff.json").read_text())
    assert report["removed"] == []
    assert report["added"]
    assert {cost.model_of(r["name"], ["nova-micro"]) for r in report["added"]} == {"nova-micro"}
    changed = {c["name"]: c for c in report["changed"]}
    thresholds = {
        name: [(ch["old"], ch["new"]) for ch in c["changes"] if ch["path"] == "inputs.threshold"]
        for name, c in changed.items()
    }
    server_error_alarms = {r["name"] for r in dev.of_type(ALARM) if r["name"].endswith("-server-errors")}
    assert server_error_alarms
    assert {n for n, t in thresholds.items() if t} == server_error_alarms
    assert all(t == [(old_threshold, old_threshold - 7)] for n, t in thresholds.items() if t)
    for dashboard in dev.of_type(DASHBOARD):
        paths = [ch["path"] for ch in changed[dashboard["name"]]["changes"]]
        assert all(p.startswith("inputs.dashboardBody.") for p in paths)
    # Besides the new model's resources, only aggregates and the retuned alarms change.
    aggregates = {DASHBOARD, "aws:cloudwatch/compositeAlarm:CompositeAlarm"}
    for c in report["changed"]:
        assert c["type"] in aggregates or c["name"] in server_error_alarms, c["name"]
    summary = (out / "summary.md").read_text()
    assert f"## Diff against the preview in {dev.out_dir}" in summary
    assert "`inputs.threshold`" in summary
    assert f"{len(report['added'])} added, 0 removed, {len(report['changed'])} changed" in completed.stdout


def test_diff_against_a_stack_by_name(tmp_path: Path) -> None:
    out = tmp_path / "o"
    completed = run_cli("preview", "--stack", "dev", "--out", str(out), "--no-pictures", "--diff", "dev")
    assert completed.returncode == 0, completed.stderr
    assert json.loads((out / "diff.json").read_text()) == {
        "against": "stack `dev`",
        "added": [],
        "removed": [],
        "changed": [],
    }
    assert "No resource is added, removed or changed." in (out / "summary.md").read_text()


def test_unknown_diff_target_is_a_clear_error(tmp_path: Path) -> None:
    completed = run_cli("preview", "--stack", "dev", "--out", str(tmp_path / "o"), "--no-pictures", "--diff", "qa")
    assert completed.returncode == 2
    assert "--diff qa: not a preview directory" in completed.stderr
    assert "stacks here: dev, prod" in completed.stderr
    assert "Traceback" not in completed.stderr
