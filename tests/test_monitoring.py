"""BedrockMonitoring in programs of its users: the CDK example in five statements, parts alone, own
widgets, argument errors, all previewed with ``python -m llm_monitor preview --program DIR``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

from llm_monitor.resource_types import DASHBOARD, LOG_GROUP
from tests.aws_constraints import layout_errors, schema_errors
from tests.program import ROOT, Preview, run_cli

EXAMPLE = ROOT / "examples" / "bedrock-dashboard"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"


def program(tmp_path: Path, body: str, config: dict[str, Any] | None = None) -> Path:
    """A Pulumi project of a user's: Pulumi.yaml, __main__.py and Pulumi.dev.yaml."""
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: my-platform\nruntime: python\n")
    (project / "__main__.py").write_text(textwrap.dedent(body))
    stack = {"config": {"aws:region": "eu-central-1", **(config or {})}}
    (project / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    return project


def preview(tmp_path: Path, project: Path) -> Preview:
    out = tmp_path / "out"
    completed = run_cli("preview", "--program", str(project), "--stack", "dev", "--out", str(out), "--no-pictures")
    assert completed.returncode == 0, completed.stderr
    return Preview(
        json.loads((out / "resources.json").read_text()), json.loads((out / "outputs.json").read_text()), out
    )


def test_the_cdk_example_takes_five_statements_and_builds_its_dashboard(tmp_path: Path) -> None:
    """CDK: the construct, addAllModelsMonitoring() and addModelMonitoring(label, id, prices) twice."""
    statements = ast.parse((EXAMPLE / "__main__.py").read_text()).body
    code = [s for s in statements if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    assert len(code) <= 5
    run = preview(tmp_path, EXAMPLE)
    assert {r["type"] for r in run.resources if r["type"].startswith("aws:")} == {DASHBOARD}  # dashboards only
    (body,) = run.dashboard_bodies().values()
    text = json.dumps(body)
    for label in ("Claude 3 Haiku", "Claude 3 Sonnet"):
        assert f"## {label}" in text  # the model's section, under its label
        assert f"{label}: Cost (USD per hour)" in text  # priced: the cost graph
    assert "Invocations by model (every model in the account)" in text  # the all-models section
    assert not [w for w in body["widgets"] if w["type"] in ("alarm", "log")]
    assert schema_errors(body) + layout_errors(body) == []
    summary = (run.out_dir / "summary.md").read_text()
    assert "use the name `claude-3-haiku` derived from the label" in summary
    assert run.outputs == {"dashboardUrls": [run.outputs["dashboardUrls"][0]]}


def test_alarms_alone_build_the_alarms_and_their_topic(tmp_path: Path) -> None:
    project = program(
        tmp_path,
        """
        from llm_monitor import BedrockMonitoring
        BedrockMonitoring("ml", {"models": [{"name": "nova", "id": "amazon.nova-lite-v1:0"}], "parts": ["alarms"],
                                 "notifications": {"emails": ["oncall@example.com"]}})
        """,
    )
    run = preview(tmp_path, project)
    types = {r["type"] for r in run.resources}
    assert {ALARM, TOPIC} <= types
    assert not types & {DASHBOARD, LOG_GROUP}
    descriptions = [r["inputs"]["alarmDescription"] for r in run.of_type(ALARM)]
    assert descriptions
    assert all("console.aws.amazon.com" not in d for d in descriptions)  # no dashboard to link
    assert not [r for r in run.of_type(ALARM) if "application-error-rate" in r["name"]]  # no logs, no such alarm


SERVER_ERRORS = """SUM(SEARCH('{AWS/Bedrock,ModelId} MetricName="InvocationServerErrors"', 'Sum', 300))"""
#: The tile the CDK construct's README adds with dashboard.addWidgets, as a widget argument.
TILE = {
    "type": "metric",
    "width": 6,
    "height": 3,
    "properties": {
        "title": "Server Errors (All Models)",
        "view": "singleValue",
        "setPeriodToTimeRange": True,
        "metrics": [[{"expression": SERVER_ERRORS, "id": "se", "label": "Server errors"}]],
    },
}


def test_own_widgets_join_the_first_dashboard(tmp_path: Path) -> None:
    project = program(
        tmp_path,
        f"""
        import json
        from llm_monitor import BedrockMonitoring
        tile = json.loads({json.dumps(TILE)!r})
        models = [{{"name": "nova", "id": "amazon.nova-lite-v1:0"}}]
        BedrockMonitoring("ml", {{"models": models, "parts": ["dashboards"],
                                 "dashboard": {{"widgets": [tile], "models_first": True}}}})
        """,
    )
    run = preview(tmp_path, project)
    (body,) = run.dashboard_bodies().values()
    (tile,) = [w for w in body["widgets"] if w["properties"].get("title") == "Server Errors (All Models)"]
    assert tile["properties"]["region"] == "eu-central-1"  # the stack's, as every widget of ours
    assert (tile["width"], tile["height"]) == (6, 3)
    heading = next(w for w in body["widgets"] if w["type"] == "text")
    assert heading["properties"]["markdown"].startswith("## nova")  # models first
    assert tile["y"] > heading["y"]
    assert schema_errors(body) + layout_errors(body) == []


_REGISTERED = """
import json, pathlib, sys
from llm_monitor.preview import runner, stackconfig
project = pathlib.Path(sys.argv[1])
result = runner.run(project, stackconfig.load(project, "dev"))
print(json.dumps({"error": result.error, "registered": len(result.resources)}))
"""


def test_invalid_arguments_register_nothing_and_name_every_argument(tmp_path: Path) -> None:
    project = program(
        tmp_path,
        """
        import pulumi_aws as aws
        from llm_monitor import BedrockMonitoring
        BedrockMonitoring("ml", {"models": [{"id": "amazon.nova-lite-v1:0"}, {"name": "x", "id": "x"}],
                                 "dashboard": {"period_seconds": 61}, "parts": ["dashboards"]})
        aws.sns.Topic("after")  # never reached
        """,
    )
    completed = run_cli("preview", "--program", str(project), "--stack", "dev", "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert "invalid BedrockMonitoring arguments (3 problems):" in completed.stderr
    for path in ("args.models[0].name", "args.models[1].id", "args.dashboard.period_seconds"):
        assert f"  - {path}: " in completed.stderr
    assert "Traceback" not in completed.stderr
    report = subprocess.run(
        [sys.executable, "-c", _REGISTERED, str(project)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(report.stdout)["registered"] == 0
