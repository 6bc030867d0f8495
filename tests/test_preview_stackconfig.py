"""Stack files read as the Pulumi CLI reads them: YAML 1.2 scalars, duplicate keys, ESC, stack names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from llm_monitor.preview import cliyaml, stackconfig
from tests import aws_constraints as ac
from tests.program import FIXTURES, ROOT, fixture_config, run_cli, run_preview

# --- scalars: yaml.v3 (the CLI) where it differs from PyYAML ------------------------------------------


@pytest.mark.parametrize(
    ("text", "cli", "pyyaml"),
    [
        ("7e-05", 7e-05, "7e-05"),  # YAML 1.2 float; 1.1 floats need a dot and a signed exponent
        ("1e3", 1000.0, "1e3"),
        ("1.5e3", 1500.0, "1.5e3"),
        ("yes", "yes", True),  # YAML 1.1 booleans are strings in 1.2
        ("No", "No", False),
        ("on", "on", True),
        ("off", "off", False),
        ("0o17", 15, "0o17"),
        ("1:30", "1:30", 90),  # base 60 is gone in 1.2
        ("1e400", "1e400", "1e400"),  # out of float64 range: yaml.v3 keeps the text
    ],
)
def test_plain_scalars_resolve_as_the_cli_does(text: str, cli: Any, pyyaml: Any) -> None:
    assert cliyaml.load(f"v: {text}") == {"v": cli}
    assert yaml.safe_load(f"v: {text}") == {"v": pyyaml}  # why a PyYAML loader alone is not enough


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("", None),
        ("017", 15),
        ("0x1F", 31),
        ("-0b101", -5),
        ("1_000", 1000),
        (".5", 0.5),
        ("0.0008", 0.0008),
        ("us-east-1", "us-east-1"),
        ("-PT12H", "-PT12H"),
        ("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"),
        ("'7e-05'", "7e-05"),  # quoted: a string in both
        ("2024-01-31", "2024-01-31 00:00:00 +0000 UTC"),  # what pulumi's config/object.go makes of a time.Time
        ("2024-1-2T3:04:05.50Z", "2024-01-02 03:04:05.5 +0000 UTC"),
        ("2024-02-30", "2024-02-30"),  # not a date: a string
    ],
)
def test_scalars_both_readers_agree_on_and_timestamps(text: str, value: Any) -> None:
    assert cliyaml.load(f"v: {text}") == {"v": value}


def test_a_number_written_as_7e_05_is_a_price(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.sci.yaml"
    text = (FIXTURES / "Pulumi.dev.yaml").read_text().replace("inputTokenPrice: 0.00006", "inputTokenPrice: 6e-05")
    assert "6e-05" in text
    stack_file.write_text(text)
    config = stackconfig.load(ROOT, "sci", stack_file)
    assert config.values["llm-monitor:models"][1]["inputTokenPrice"] == 6e-05
    completed = run_preview(
        "--stack", "sci", "--stack-file", str(stack_file), "--out", str(tmp_path / "o"), "--no-pictures"
    )
    assert completed.returncode == 0, completed.stderr


def test_a_repeated_key_is_an_error_naming_the_file_the_key_and_both_lines(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.dup.yaml"
    stack_file.write_text(
        "config:\n  aws:region: us-east-1\n  llm-monitor:logs:\n    retentionDays: 7\n    protect: false\n"
        "    retentionDays: 30\n"
    )
    with pytest.raises(stackconfig.StackConfigError) as caught:
        stackconfig.load(ROOT, "dup", stack_file)
    message = str(caught.value)
    assert str(stack_file) in message
    assert "'retentionDays' already defined at line 4" in message
    assert "line 6" in message
    completed = run_preview("--stack", "dup", "--stack-file", str(stack_file), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr


def test_keys_without_the_project_prefix_are_the_projects_and_may_not_be_written_twice(tmp_path: Path) -> None:
    config = fixture_config("dev")
    config["models"] = config.pop("llm-monitor:models")
    stack_file = tmp_path / "Pulumi.short.yaml"
    stack_file.write_text(yaml.safe_dump({"config": config}))
    loaded = stackconfig.load(ROOT, "short", stack_file)
    assert "llm-monitor:models" in loaded.values
    assert "models" not in loaded.values
    config["llm-monitor:models"] = config["models"]
    stack_file.write_text(yaml.safe_dump({"config": config}))
    with pytest.raises(stackconfig.StackConfigError, match="two keys name 'llm-monitor:models'"):
        stackconfig.load(ROOT, "short", stack_file)


@pytest.mark.parametrize(
    ("environment", "names"),
    [
        (["acme/llm-dev"], "acme/llm-dev"),
        ({"imports": ["acme/aws-creds", "acme/llm"]}, "acme/aws-creds, acme/llm"),
    ],
)
def test_a_stack_that_imports_an_esc_environment_gets_one_clear_line(
    tmp_path: Path, environment: Any, names: str
) -> None:
    stack_file = tmp_path / "Pulumi.esc.yaml"
    stack_file.write_text(yaml.safe_dump({"environment": environment, "config": {"llm-monitor:tags": {"a": "b"}}}))
    completed = run_preview("--stack", "esc", "--stack-file", str(stack_file), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    (line,) = completed.stderr.strip().splitlines()
    assert f"imports the Pulumi ESC environment {names}" in line
    assert "cannot resolve" in line
    # The keys the program reads that the file does not set; tags is set, so it is not named.
    assert "aws:region, llm-monitor:models, llm-monitor:dashboard" in line
    assert "llm-monitor:tags" not in line
    assert "--stack-file" in line


# --- stack names ---------------------------------------------------------------------------------


def test_a_stack_name_with_a_dot_previews_and_every_aws_name_is_valid(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", project / "__main__.py")
    shutil.copy(FIXTURES / "Pulumi.prod.yaml", project / "Pulumi.prod.eu.yaml")
    out = tmp_path / "o"
    completed = run_cli("preview", "--program", str(project), "--stack", "prod.eu", "--out", str(out), "--no-pictures")
    assert completed.returncode == 0, completed.stderr
    resources = json.loads((out / "resources.json").read_text())
    problems = [p for r in resources if r["type"].startswith("aws:") for p in ac.violations(r)]
    assert problems == []
    dashboards = [r["inputs"]["dashboardName"] for r in resources if r["type"] == "aws:cloudwatch/dashboard:Dashboard"]
    assert dashboards == ["llm-monitor-prod-eu-eu-west-1"]
    (topic,) = [r["inputs"]["name"] for r in resources if r["type"] == "aws:sns/topic:Topic"]
    assert topic == "llm-monitor-prod-eu-eu-west-1-alarms"
    # Log group names and alarm names may hold dots: they keep the stack's own name.
    groups = sorted(r["inputs"]["name"] for r in resources if r["type"] == "aws:cloudwatch/logGroup:LogGroup")
    assert groups == ["/llm-monitor/prod.eu/bedrock/model-invocations", "/llm-monitor/prod.eu/inference"]
    assert json.loads((out / "outputs.json").read_text())["dashboardNames"] == ["llm-monitor-prod-eu-eu-west-1"]


@pytest.mark.parametrize("stack", ["org/project/dev", "dev eu", "", "x" * 101])
def test_a_name_pulumi_refuses_is_a_clear_error(tmp_path: Path, stack: str) -> None:
    completed = run_preview("--stack", stack, "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert "invalid stack name" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_stack_files_live_in_stack_config_dir(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    text = (ROOT / "Pulumi.yaml").read_text() + "stackConfigDir: stacks\n"
    (project / "Pulumi.yaml").write_text(text)
    shutil.copy(FIXTURES / "Pulumi.dev.yaml", project / "stacks" / "Pulumi.dev.yaml")
    assert stackconfig.load(project, "dev").values["aws:region"] == "us-east-1"
    with pytest.raises(stackconfig.StackConfigError, match=r"stacks here: dev\)"):
        stackconfig.load(project, "qa")


def test_an_empty_stack_file_is_an_empty_config(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.empty.yaml"
    stack_file.write_text("# nothing yet\n")
    assert stackconfig.load(ROOT, "empty", stack_file).values["llm-monitor:dashboard"]["periodSeconds"] == 300
    completed = run_preview("--stack", "empty", "--stack-file", str(stack_file), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert "llm-monitor:models: required" in completed.stderr
