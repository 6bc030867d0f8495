"""Diffs between previews: by stack-less URN, with the JSON paths of changed inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from llm_monitor.preview import cost, diff, diffreport
from tests.program import DASHBOARD, Preview, fixture_config, run_preview

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def resource(stack: str, type_: str, logical: str, **inputs: Any) -> dict[str, Any]:
    root = f"urn:pulumi:{stack}::llm-monitor::pulumi:pulumi:Stack::llm-monitor-{stack}"
    return {
        "urn": f"urn:pulumi:{stack}::llm-monitor::{type_}::{logical}",
        "type": type_,
        "name": logical,
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
        # Stack and Region differ, so names and values show them as <stack> and <region>: the
        # provider's region is no change of its own (the summary says so once, from d.sides).
        "aws": [
            ("inputs.defaultTags.tags.Stack", "dev", "prod"),
            ("options.protect", False, True),
        ],
        "dashboards-1": [
            ("inputs.dashboardBody.widgets[0].properties.period", 300, 60),
            ("inputs.dashboardBody.widgets[1].properties.period", 300, 60),
            ("inputs.dashboardBody.widgets[2]", diff.MISSING, {"type": "metric", "properties": {"period": 60}}),
        ],
    }
    assert d.sides == (diff.Side("dev", "us-east-1", "llm-monitor"), diff.Side("prod", "eu-west-1", "llm-monitor"))
    assert diff.compare(new, new).empty
    assert diff.compare(new, new).sides is None


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    old = [resource("s", ALARM, "a", **{"odd.key": 1})]
    new = [resource("s", ALARM, "a", **{"odd.key": 2})]
    (changed,) = diff.compare(old, new).changed
    assert [c.path for c in changed.changes] == ['inputs["odd.key"]']


def test_a_config_change_shows_up_as_resources_and_input_paths(dev: Preview, tmp_path: Path) -> None:
    """Add a model and tighten a threshold in a stack file; diff against the dev preview directory."""
    config = fixture_config("dev")
    config["llm-monitor:models"].append(
        {"name": "nova-micro", "id": "amazon.nova-micro-v1:0", "inputTokenPrice": 0.000035, "outputTokenPrice": 0.00014}
    )
    old_threshold = config["llm-monitor:alarms"]["errorRate"]["threshold"]
    config["llm-monitor:alarms"]["errorRate"]["threshold"] = old_threshold - 7
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text(yaml.safe_dump({"config": config}))
    out = tmp_path / "o"
    completed = run_preview(
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
    retuned = {
        r["name"] for r in dev.of_type(ALARM) if re.fullmatch(r"monitoring-alarms-[a-z-]+?-error-rate", r["name"])
    }
    retuned -= {r["name"] for r in dev.of_type(ALARM) if r["name"].endswith("-application-error-rate")}
    assert retuned
    assert {n for n, t in thresholds.items() if t} == retuned
    assert all(t == [(old_threshold, old_threshold - 7)] for n, t in thresholds.items() if t)
    for dashboard in dev.of_type(DASHBOARD):
        paths = [ch["path"] for ch in changed[dashboard["name"]]["changes"]]
        assert all(p.startswith("inputs.dashboardBody.") for p in paths)
    # Besides the new model's resources (its own roll-up among them), only aggregates (the
    # dashboards, the stopped-delivery alarm that watches every model) and the retuned alarms change.
    for c in report["changed"]:
        assert c["type"] == DASHBOARD or c["name"] in {*retuned, "monitoring-alarms-invocation-log-delivery-stopped"}, (
            c["name"]
        )
    summary = (out / "summary.md").read_text()
    assert f"## Diff against the preview in {dev.out_dir}" in summary
    assert "`inputs.threshold`" in summary
    assert f"{len(report['added'])} added, 0 removed, {len(report['changed'])} changed" in completed.stdout


def test_diff_against_a_stack_by_name(tmp_path: Path) -> None:
    out = tmp_path / "o"
    completed = run_preview("--stack", "dev", "--out", str(out), "--no-pictures", "--diff", "dev")
    assert completed.returncode == 0, completed.stderr
    assert json.loads((out / "diff.json").read_text()) == {
        "against": "stack `dev`",
        "added": [],
        "removed": [],
        "changed": [],
        "warnings": [],
        "normalised": None,
    }
    assert "No resource is added, removed or changed." in (out / "summary.md").read_text()


def test_unknown_diff_target_is_a_clear_error(tmp_path: Path) -> None:
    completed = run_preview("--stack", "dev", "--out", str(tmp_path / "o"), "--no-pictures", "--diff", "qa")
    assert completed.returncode == 2
    assert "--diff qa: not a preview directory" in completed.stderr
    assert "stacks here: dev, prod" in completed.stderr
    assert "Traceback" not in completed.stderr


# --- lists matched by identity --------------------------------------------------------------------


def widget(title: str, y: int, period: int = 300, markdown: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"markdown": markdown} if markdown else {"title": title, "period": period}
    return {"type": "text" if markdown else "metric", "x": 0, "y": y, "width": 24, "height": 6, "properties": props}


def dashboard(stack: str, widgets: list[dict[str, Any]]) -> dict[str, Any]:
    return resource(stack, DASHBOARD, "dashboards-1", dashboardName="d", dashboardBody=json.dumps({"widgets": widgets}))


def test_a_section_inserted_in_the_middle_is_one_addition_and_moves() -> None:
    a = [widget("", 0, markdown="## haiku\nid"), widget("haiku: Tokens", 2), widget("nova: Tokens", 8)]
    b = [*a[:2], widget("", 8, markdown="## mistral"), widget("mistral: Tokens", 10), {**a[2], "y": 16}]
    (changed,) = diff.compare([dashboard("s", a)], [dashboard("s", b)]).changed
    assert [(c.path, c.within, c.item) for c in changed.changes] == [
        ('inputs.dashboardBody.widgets[text="## mistral"]', "inputs.dashboardBody.widgets", 'text="## mistral"'),
        (
            'inputs.dashboardBody.widgets[title="mistral: Tokens"]',
            "inputs.dashboardBody.widgets",
            'title="mistral: Tokens"',
        ),
    ]
    assert changed.moved == 1  # nova's section, one widget lower: not a change of its own


def test_a_changed_widget_is_named_by_its_title_whatever_its_place() -> None:
    a = [widget("haiku: Tokens", 0), widget("nova: Tokens", 6)]
    b = [widget("nova: Tokens", 0, period=60), widget("haiku: Tokens", 6)]
    (changed,) = diff.compare([dashboard("s", a)], [dashboard("s", b)]).changed
    assert [(c.path, c.old, c.new) for c in changed.changes] == [
        ('inputs.dashboardBody.widgets[title="nova: Tokens"].properties.period', 300, 60)
    ]
    assert changed.moved == 2


def test_statements_by_sid_queries_by_id_and_plain_values_as_sets() -> None:
    def policy(statements: list[dict[str, Any]]) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    allow = {"Sid": "Allow", "Effect": "Allow", "Action": "sns:Publish"}
    deny = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Action": "sns:*"}
    old = [
        resource("s", "aws:sns/topicPolicy:TopicPolicy", "p", policy=policy([allow, deny])),
        resource("s", ALARM, "a", alarmActions=["arn:1", "arn:2"], metricQueries=[{"id": "m", "period": 60}]),
    ]
    new = [
        resource("s", "aws:sns/topicPolicy:TopicPolicy", "p", policy=policy([deny, {**allow, "Action": "sns:*"}])),
        resource(
            "s",
            ALARM,
            "a",
            alarmActions=["arn:2", "arn:1", "arn:3"],
            metricQueries=[{"id": "e", "expression": "m*2"}, {"id": "m", "period": 300}],
        ),
    ]
    changes = {c.name: [(ch.path, ch.old, ch.new) for ch in c.changes] for c in diff.compare(old, new).changed}
    assert changes == {
        "p": [('inputs.policy.Statement[Sid="Allow"].Action', "sns:Publish", "sns:*")],
        "a": [
            ("inputs.alarmActions", diff.MISSING, "arn:3"),  # reordering the others is no change
            ('inputs.metricQueries[id="e"]', diff.MISSING, {"id": "e", "expression": "m*2"}),
            ('inputs.metricQueries[id="m"].period', 60, 300),
        ],
    }


def test_graph_metrics_are_named_by_id_or_by_what_they_measure() -> None:
    def graph(metrics: list[Any]) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": 0,
            "y": 0,
            "width": 6,
            "height": 6,
            "properties": {"title": "g", "metrics": metrics},
        }

    haiku = ["AWS/Bedrock", "Invocations", "ModelId", "haiku", {"label": "haiku"}]
    nova = ["AWS/Bedrock", "Invocations", "ModelId", "nova", {"label": "nova"}]
    total = [{"expression": "SUM(METRICS())", "id": "t", "label": "All"}]
    a = [graph([haiku, total])]
    b = [graph([nova, haiku, [{**total[0], "label": "Total"}]])]
    (changed,) = diff.compare([dashboard("s", a)], [dashboard("s", b)]).changed
    assert [(c.path, c.old, c.new) for c in changed.changes] == [
        (
            'inputs.dashboardBody.widgets[title="g"].properties.metrics["AWS/Bedrock Invocations ModelId nova"]',
            diff.MISSING,
            nova,
        ),
        ('inputs.dashboardBody.widgets[title="g"].properties.metrics[id="t"].label', "All", "Total"),
    ]


# --- stacks and Regions taken out of names --------------------------------------------------------


def test_two_stacks_compare_without_their_stack_and_region_in_names() -> None:
    def stack(name: str, region: str, stack_in_text: str) -> list[dict[str, Any]]:
        return [
            resource(name, "pulumi:providers:aws", "aws", region=region),
            resource(name, ALARM, "alarms-x", name=f"llm-monitor-{name}-{region}-x-latency", description=stack_in_text),
            resource(name, "aws:cloudwatch/logGroup:LogGroup", "g", name=f"/llm-monitor/{name}/inference"),
            resource(name, DASHBOARD, "d", dashboardName=f"team-{name.replace('.', '-')}-{region}"),
            resource(name, "aws:kms/alias:Alias", "k", name=f"alias/llm-monitor-{name.replace('.', '-')}-logs"),
        ]

    old = stack("dev.eu", "eu-west-1", "LLM health of stack dev.eu in eu-west-1; see the device list")
    new = stack("prod", "us-east-1", "LLM health of stack prod in us-east-1; see the device list")
    d = diff.compare(old, new)
    assert d.changed == ()
    assert d.sides is not None
    # A word that merely contains the stack name is left alone.
    new[1]["inputs"]["description"] = new[1]["inputs"]["description"].replace("device", "devices")
    (changed,) = diff.compare(old, new).changed
    assert [(c.old, c.new) for c in changed.changes] == [
        (
            "LLM health of stack <stack> in <region>; see the device list",
            "LLM health of stack <stack> in <region>; see the devices list",
        )
    ]


# --- replacements and warnings --------------------------------------------------------------------


def test_force_new_inputs_are_replacements() -> None:
    old = [
        resource("s", DASHBOARD, "d", dashboardName="a-dev", dashboardBody="{}"),
        resource("s", "aws:cloudwatch/logGroup:LogGroup", "g", name="/a", retentionInDays=30),
        resource("s", ALARM, "x", name="n", threshold=1.0),
    ]
    new = [
        resource("s", DASHBOARD, "d", dashboardName="b-dev", dashboardBody="{}"),
        resource("s", "aws:cloudwatch/logGroup:LogGroup", "g", name="/a", retentionInDays=60),
        resource("s", ALARM, "x", name="n", threshold=2.0),
    ]
    d = diff.compare(old, new)
    assert {c.name: c.replaced_by for c in d.changed} == {"d": ("dashboardName",), "g": (), "x": ()}
    assert d.warnings == ()  # a longer retention loses nothing
    assert diff.compare(
        new, [new[0], {**new[1], "inputs": {"name": "/b", "retentionInDays": 60}}, new[2]]
    ).warnings == (
        "`g` is replaced (name changes): a new, empty one is created, and its log events stay with the old one.",
    )


def test_changes_that_lose_data_or_protection_are_warnings() -> None:
    def protection(identifiers: list[str]) -> str:
        return json.dumps({"Statement": [{"Sid": "audit", "DataIdentifier": identifiers}]})

    group = "aws:cloudwatch/logGroup:LogGroup"
    logging = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
    old = [
        resource("s", group, "g", retentionInDays=90, deletionProtectionEnabled=True),
        resource(
            "s",
            "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
            "p",
            policyDocument=protection(["arn:x/EmailAddress", "arn:x/IpAddress"]),
        ),
        resource("s", logging, "logging"),
    ]
    old[0]["options"].update(protect=True, retainOnDelete=True)
    new = [
        resource("s", group, "g", retentionInDays=7, deletionProtectionEnabled=False),
        resource(
            "s",
            "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
            "p",
            policyDocument=protection(["arn:x/EmailAddress"]),
        ),
    ]
    warnings = diff.compare(old, new).warnings
    assert warnings == (
        "`p`: masks fewer identifiers; no longer IpAddress.",
        "`g`: `protect` is switched off, so it can be deleted.",
        "`g`: `retainOnDelete` is switched off, so it can be deleted.",
        "`g`: `deletionProtectionEnabled` is switched off, so it can be deleted.",
        "`g`: retention drops from 90 to 7 days; events older than 7 days are deleted.",
        "Bedrock invocation logging is no longer configured here: `pulumi up` deletes the account's logging "
        "configuration in this Region; configure it in the stack that takes it over first.",
    )
    assert "now configures Bedrock invocation logging" in diff.compare(new, old).warnings[-1]
    assert not any("switched off" in w or "drops" in w for w in diff.compare(new, old).warnings)


# --- what people read -----------------------------------------------------------------------------


def test_a_model_inserted_in_the_middle_reads_as_one_added_section(prod: Preview, tmp_path: Path) -> None:
    config = fixture_config("prod")
    config["llm-monitor:models"].insert(
        3, {"name": "mistral-large", "id": "mistral.mistral-large-2407-v1:0", "inputTokenPrice": 0.002}
    )
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(yaml.safe_dump({"config": config}))
    out = tmp_path / "o"
    args = ["--stack", "prod", "--stack-file", str(stack_file), "--out", str(out), "--no-pictures"]
    completed = run_preview(*args, "--diff", str(prod.out_dir))
    assert completed.returncode == 0, completed.stderr
    report = json.loads((out / "diff.json").read_text())
    assert report["removed"] == []
    assert {cost.model_of(r["name"], ["mistral-large"]) for r in report["added"]} == {"mistral-large"}
    # Each model pages through its own roll-up: no other model's alarms change, only aggregates.
    assert sorted(c["name"] for c in report["changed"]) == [
        "monitoring-alarms-invocation-log-delivery-stopped",
        "monitoring-dashboards-1",
    ]
    (board,) = [c for c in report["changed"] if c["type"] == DASHBOARD]
    added = [ch for ch in board["changes"] if ch["old"] == diff.MISSING]
    widgets = [ch["path"] for ch in added if re.fullmatch(r"inputs\.dashboardBody\.widgets\[[^\]]+\]", ch["path"])]
    assert all("mistral-large" in p for p in widgets)
    assert len(widgets) == 12  # its section: a heading, the totals and ten graphs (the cache hit rate one)
    alarms = [ch["new"] for ch in added if ch["path"].endswith(".properties.alarms")]  # the alarm-status widget
    new_alarms = [r for r in report["added"] if r["type"] in (ALARM, "aws:cloudwatch/compositeAlarm:CompositeAlarm")]
    assert len(alarms) == len(new_alarms) > 0
    assert all("mistral-large" in a for a in alarms)
    assert board["moved"] > 20  # every later widget moved down, counted once
    section = (out / "summary.md").read_text().split("## Diff against", 1)[1].splitlines()
    assert len(section) < 25
    assert any('widgets`: added 12: `text="## mistral-large"`' in line for line in section)


def test_dev_against_prod_compares_names_without_stack_and_region(tmp_path: Path) -> None:
    out = tmp_path / "o"
    completed = run_preview("--stack", "dev", "--out", str(out), "--no-pictures", "--diff", "prod")
    assert completed.returncode == 0, completed.stderr
    report = json.loads((out / "diff.json").read_text())
    assert report["normalised"]["old"] == {"stack": "prod", "region": "eu-west-1", "project": "llm-monitor"}
    name_paths = {"inputs.name", "inputs.alarmName", "inputs.dashboardName"}
    assert not [c["name"] for c in report["changed"] for ch in c["changes"] if ch["path"] in name_paths]
    assert not any(
        "prod" in json.dumps(ch) or "eu-west-1" in json.dumps(ch)
        for c in report["changed"]
        for ch in c["changes"]
        # Tag values are values, not names: Environment: prod → dev shows, as it should.
        if c["type"] != "pulumi:providers:aws" and not ch["path"].startswith("inputs.tags")
    )
    assert any("retention drops from 90 to 7 days" in w for w in report["warnings"])
    assert any("masks fewer identifiers" in w for w in report["warnings"])
    summary = (out / "summary.md").read_text()
    assert "Stack and Region differ (`prod` in eu-west-1 before, `dev` in us-east-1 now)" in summary
    assert "warnings in summary.md" in completed.stdout


def test_many_resources_of_a_type_changed_each_its_own_way_are_summed_up() -> None:
    old = [resource("s", ALARM, f"alarms-m{i}-latency", threshold=float(i)) for i in range(8)]
    new = [resource("s", ALARM, f"alarms-m{i}-latency", threshold=float(i + 1)) for i in range(8)]
    new[0]["inputs"]["alarmDescription"] = "now described"
    lines = diffreport.section(diff.compare(old, new), "x")
    changed = lines[lines.index("### Changed") + 2 :]
    assert changed == [
        f"- 8 × `{ALARM}`, each its own way (values in diff.json): alarms-m0-latency, alarms-m1-latency, "
        "alarms-m2-latency, alarms-m3-latency, alarms-m4-latency, alarms-m5-latency, … (2 more)",
        "  - `inputs.threshold` in 8",
        "  - `inputs.alarmDescription` in 1",
    ]
    # The same change everywhere is one entry with its values (whole numbers without ".0").
    same = [resource("s", ALARM, f"alarms-m{i}-latency", threshold=9.0) for i in range(8)]
    lines = diffreport.section(diff.compare(same, [{**r, "inputs": {"threshold": 10.0}} for r in same]), "x")
    assert lines[lines.index("### Changed") + 2 :] == [
        f"- `{ALARM}` alarms-m0-latency, alarms-m1-latency, alarms-m2-latency, alarms-m3-latency, "
        "alarms-m4-latency, alarms-m5-latency, … (2 more)",
        "  - `inputs.threshold`: `` 9 `` → `` 10 ``",
    ]
