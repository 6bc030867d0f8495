"""``preview --estate`` on the example estate (examples/estate), and on a broken copy of it.

The example: a monitoring account (111111111111) with a stack in us-east-1 and eu-west-1, and two
source accounts (222222222222, 333333333333) with a stack in each of those Regions.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from llm_monitor import resource_types as rt
from llm_monitor.estate.oam import admits
from tests.program import ROOT, run_cli

EXAMPLE = ROOT / "examples" / "estate"
MONITORING, SOURCES = "111111111111", {"222222222222", "333333333333"}
REGIONS = ("us-east-1", "eu-west-1")


@functools.cache
def example() -> tuple[subprocess.CompletedProcess[str], Path]:
    out = Path(tempfile.mkdtemp(prefix="estate-"))
    completed = run_cli(
        "preview", "--estate", "--project", str(EXAMPLE), "--out", str(out / "preview"), "--no-pictures"
    )
    return completed, out / "preview"


def resources(stack: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((example()[1] / stack / "resources.json").read_text())
    return found


def outputs(stack: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((example()[1] / stack / "outputs.json").read_text())
    return found


def of_type(stack: str, type_: str) -> list[dict[str, Any]]:
    return [r for r in resources(stack) if r["type"] == type_]


def test_the_example_estate_previews_every_stack_with_an_estate_summary() -> None:
    completed, out = example()
    assert completed.returncode == 0, completed.stderr
    assert "Estate of 6 stacks in 3 accounts" in completed.stdout
    summary = (out / "summary.md").read_text()
    for region in REGIONS:
        for stack in (f"monitoring-{region}", f"team-a-{region}", f"team-b-{region}"):
            assert f"[{stack}]({stack}/summary.md)" in summary
            assert (out / stack / "summary.md").is_file()
    for account in (MONITORING, *SOURCES):
        assert f"| {account} | 2 | eu-west-1, us-east-1 |" in summary
    assert "| **Total** | 6 |" in summary


def test_each_monitoring_stack_owns_a_sink_whose_policy_admits_both_source_accounts() -> None:
    for region in REGIONS:
        stack = f"monitoring-{region}"
        (sink,) = of_type(stack, rt.OAM_SINK)
        (policy,) = of_type(stack, rt.OAM_SINK_POLICY)
        arn = outputs(stack)["sinkArn"]
        assert arn.startswith(f"arn:aws:oam:{region}:{MONITORING}:sink/")
        assert policy["inputs"]["sinkIdentifier"] == arn
        document = json.loads(policy["inputs"]["policy"])
        assert all(admits(document, account) for account in SOURCES)
        assert not admits(document, "444444444444")
        assert sink["inputs"]["name"] == f"bedrock-estate-{stack}-{region}"


def test_each_source_links_to_the_sink_of_its_region_and_shares_only_its_own() -> None:
    for region in REGIONS:
        for team in ("team-a", "team-b"):
            stack = f"{team}-{region}"
            (link,) = of_type(stack, rt.OAM_LINK)
            assert link["inputs"]["sinkIdentifier"] == outputs(f"monitoring-{region}")["sinkArn"]
            assert link["inputs"]["resourceTypes"] == ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]
            configuration = link["inputs"]["linkConfiguration"]
            assert configuration["metricConfiguration"]["filter"].startswith("Namespace IN ('AWS/Bedrock'")
            groups = [g["inputs"]["name"] for g in of_type(stack, rt.LOG_GROUP)]
            quoted = ", ".join(f"'{g}'" for g in sorted(groups))
            assert configuration["logGroupConfiguration"]["filter"] == f"LogGroupName IN ({quoted})"
            exported = outputs(stack)["estateSource"]
            assert exported["region"] == region
            assert exported["accountId"] in SOURCES
            # Everything a standalone stack builds is there too.
            assert of_type(stack, rt.INVOCATION_LOGGING)
            assert of_type(stack, rt.METRIC_ALARM)


def test_estate_dashboards_read_each_source_account_in_the_stacks_region() -> None:
    for region in REGIONS:
        stack = f"monitoring-{region}"
        dashboards = {
            d["inputs"]["dashboardName"]: json.loads(d["inputs"]["dashboardBody"]) for d in of_type(stack, rt.DASHBOARD)
        }
        assert set(dashboards) == {
            f"bedrock-estate-{stack}-{region}-estate",
            *(f"bedrock-estate-{stack}-{account}-{region}" for account in SOURCES),
        }
        checked = 0
        for name, body in dashboards.items():
            for widget in (w for w in body["widgets"] if w["type"] == "metric"):
                assert widget["properties"]["region"] == region
                for entry in widget["properties"]["metrics"]:
                    options = entry[-1]
                    if "expression" in options and "SEARCH(" not in options["expression"]:
                        continue
                    assert options["region"] == region, (name, entry)
                    assert options["accountId"] in SOURCES, (name, entry)
                    if not name.endswith("-estate"):
                        assert options["accountId"] in name
                    checked += 1
        assert checked > 50


def test_central_alarms_watch_the_sources_accounts_with_one_roll_up_per_model() -> None:
    for region in REGIONS:
        stack = f"monitoring-{region}"
        prefix = f"bedrock-estate-{stack}-{region}"
        roll_ups = sorted(c["inputs"]["alarmName"] for c in of_type(stack, rt.COMPOSITE_ALARM))
        models = ("nova-lite", "claude-haiku") if region == "us-east-1" else ("nova-lite", "nova-micro")
        assert roll_ups == sorted(
            [f"{prefix}/222222222222/{m}-health" for m in models] + [f"{prefix}/333333333333/nova-pro-health"]
        )
        alarms = of_type(stack, rt.METRIC_ALARM)
        assert alarms
        for alarm in alarms:
            account = alarm["inputs"]["name"].split("/")[1]
            metrics = [q for q in alarm["inputs"]["metricQueries"] if "metric" in q]
            assert metrics
            assert all(q["accountId"] == account for q in metrics)
            actions = alarm["inputs"]["alarmActions"] + alarm["inputs"]["insufficientDataActions"]
            assert actions
            assert all(a.startswith(f"arn:aws:sns:{region}:{MONITORING}:") for a in actions)
        assert outputs(stack)["alarmTopicArn"].startswith(f"arn:aws:sns:{region}:{MONITORING}:")


def broken_estate(tmp_path: Path) -> Path:
    """The example with a link to another Region's sink, a sink policy missing an account, two owners of
    invocation logging in one account and Region, and a source that does not exist."""
    project = tmp_path / "estate"
    shutil.copytree(EXAMPLE, project)
    meta = yaml.safe_load((project / "Pulumi.yaml").read_text())
    meta["main"] = str(ROOT)
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(meta))

    edit(project, "team-b-us-east-1", lambda c: c["llm-monitor:estate"].update(monitoringStack="monitoring-eu-west-1"))
    edit(project, "monitoring-eu-west-1", lambda c: c["llm-monitor:estate"].update(sourceAccounts=["222222222222"]))
    edit(project, "monitoring-us-east-1", lambda c: c["llm-monitor:estate"]["sourceStacks"].append("team-c-us-east-1"))
    shutil.copy(project / "Pulumi.team-a-us-east-1.yaml", project / "Pulumi.team-a2-us-east-1.yaml")
    return project


def edit(project: Path, stack: str, change: Any) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["config"])
    path.write_text(yaml.safe_dump(data))


def test_a_broken_estate_fails_naming_each_problem(tmp_path: Path) -> None:
    project = broken_estate(tmp_path)
    completed = run_cli(
        "preview", "--estate", "--project", str(project), "--out", str(tmp_path / "out"), "--no-pictures"
    )
    assert completed.returncode == 2
    message = completed.stderr
    assert "Traceback" not in message
    assert (
        "stack team-b-us-east-1: its link targets a sink in eu-west-1; an OAM link reaches only a sink in its own "
        "Region us-east-1" in message
    )
    assert (
        "stack monitoring-eu-west-1: its sink policy does not admit account 333333333333, whose stack "
        "team-b-eu-west-1 links to it" in message
    )
    assert (
        "stacks team-a-us-east-1, team-a2-us-east-1 all own Bedrock invocation logging of account 222222222222 in "
        "us-east-1" in message
    )
    assert "llm-monitor:estate.sourceStacks[2] names team-c-us-east-1, which does not exist in this project" in message
    # The summary is written all the same, for the pull request that broke it.
    assert "team-a2-us-east-1" in (tmp_path / "out" / "summary.md").read_text()


def test_two_stacks_of_one_account_must_not_name_a_dashboard_the_same(tmp_path: Path) -> None:
    """bedrock-estate + x-team-a-us-east-1 and bedrock-estate-x + team-a-us-east-1 name the same dashboard."""
    project = broken_estate(tmp_path)
    for stale in (
        "team-a2-us-east-1",
        "team-b-us-east-1",
        "team-b-eu-west-1",
        "monitoring-eu-west-1",
        "team-a-eu-west-1",
    ):
        (project / f"Pulumi.{stale}.yaml").unlink()
    edit(project, "monitoring-us-east-1", lambda c: c["llm-monitor:estate"].update(sourceStacks=["team-a-us-east-1"]))
    shutil.copy(project / "Pulumi.team-a-us-east-1.yaml", project / "Pulumi.x-team-a-us-east-1.yaml")
    edit(project, "x-team-a-us-east-1", lambda c: c["llm-monitor:logs"]["invocationLogging"].update(enabled=False))
    edit(project, "team-a-us-east-1", lambda c: c.update({"llm-monitor:dashboard": {"namePrefix": "bedrock-estate-x"}}))
    completed = run_cli(
        "preview", "--estate", "--project", str(project), "--out", str(tmp_path / "out"), "--no-pictures"
    )
    assert completed.returncode == 2, completed.stdout
    assert (
        "stacks team-a-us-east-1 and x-team-a-us-east-1 both create the dashboard "
        "bedrock-estate-x-team-a-us-east-1-us-east-1 in account 222222222222" in completed.stderr
    )
    assert "invocation logging" not in completed.stderr


def test_one_stack_or_the_estate_not_both() -> None:
    completed = run_cli("preview", "--estate", "--stack", "dev", "--out", "build/x")
    assert completed.returncode == 2
    assert "give --stack STACK (one stack) or --estate" in completed.stderr
    completed = run_cli("preview", "--estate", "--diff", "prod", "--out", "build/x")
    assert completed.returncode == 2
    assert "--diff preview one stack; not with --estate" in completed.stderr


def test_every_resource_of_the_example_estate_is_a_request_aws_accepts() -> None:
    from tests import aws_constraints

    stacks = [f"{name}-{region}" for region in REGIONS for name in ("monitoring", "team-a", "team-b")]
    found = [
        p for s in stacks for r in resources(s) if r["type"].startswith("aws:") for p in aws_constraints.violations(r)
    ]
    assert found == []
    assert {r["type"] for s in stacks for r in resources(s)} >= {rt.OAM_SINK, rt.OAM_SINK_POLICY, rt.OAM_LINK}
    # The OAM requests are checked, not waved through: a link without its label template is refused.
    (link,) = of_type("team-a-us-east-1", rt.OAM_LINK)
    broken = {**link, "inputs": {k: v for k, v in link["inputs"].items() if k != "labelTemplate"}}
    assert any("LabelTemplate" in p for p in aws_constraints.violations(broken))


def test_the_preview_refuses_a_urn_registered_twice_as_the_engine_does(tmp_path: Path) -> None:
    """The estate's central alarms once repeated a name per account: the mock monitor let it pass."""
    (tmp_path / "Pulumi.yaml").write_text("name: twice\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\n\naws.sns.Topic('same')\naws.sns.Topic('same')\n")
    completed = run_cli("preview", "--project", str(tmp_path), "--stack", "dev", "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert (
        "registers 1 URNs twice, which `pulumi up` refuses: "
        "urn:pulumi:dev::twice::pulumi:pulumi:Stack$aws:sns/topic:Topic::same" in completed.stderr
    )


def test_a_source_with_a_sink_arn_previews_alone_and_links_to_it(tmp_path: Path) -> None:
    project = broken_estate(tmp_path)
    sink = "arn:aws:oam:us-east-1:111111111111:sink/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
    edit(project, "team-a-us-east-1", lambda c: c.update({"llm-monitor:estate": {"role": "source", "sinkArn": sink}}))
    out = tmp_path / "alone"
    completed = run_cli("preview", "--project", str(project), "--stack", "team-a-us-east-1", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    registered = json.loads((out / "resources.json").read_text())
    (link,) = [r for r in registered if r["type"] == rt.OAM_LINK]
    assert link["inputs"]["sinkIdentifier"] == sink
    # The mocked account is the stack's pinned one.
    (provider,) = [r for r in registered if r["type"] == "pulumi:providers:aws"]
    assert json.loads(provider["inputs"]["allowedAccountIds"]) == ["222222222222"]  # provider config: JSON text
    assert all(
        ":222222222222:" in a for r in registered if r["type"] == rt.METRIC_ALARM for a in r["inputs"]["alarmActions"]
    )
