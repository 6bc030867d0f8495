"""An AWS limit the settings exceed ends as the program's one clear config error (exit code 2), never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llm_monitor import plan
from llm_monitor.config import ConfigError, LimitError, Settings, parse_settings
from llm_monitor.config.args import ArgumentProblems, args_from_settings
from llm_monitor.preview import stackconfig
from tests.program import FIXTURES, ROOT, run_cli


def project_named(tmp_path: Path, name: str) -> Path:
    """A copy of the project (same program) under another project name."""
    project = tmp_path / "project"
    project.mkdir()
    text = (ROOT / "Pulumi.yaml").read_text().replace("name: llm-monitor\n", f"name: {name}\n", 1)
    assert f"name: {name}\n" in text
    (project / "Pulumi.yaml").write_text(text)
    shutil.copy(ROOT / "__main__.py", project / "__main__.py")
    return project


def test_names_too_long_for_aws_are_a_config_error(tmp_path: Path) -> None:
    """Project and stack names of 100 characters each (the most Pulumi allows) make names AWS refuses."""
    project = project_named(tmp_path, "p" * 100)
    name = "s" * 100
    shutil.copy(FIXTURES / "Pulumi.dev.yaml", project / f"Pulumi.{name}.yaml")
    completed = run_cli("preview", "--program", str(project), "--stack", name, "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: invalid stack configuration (1 problem):")
    assert "must be 1-255 characters" in completed.stderr
    assert "names are built from the project name" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "o").exists()


def dev_settings() -> Settings:
    config = stackconfig.load(ROOT, "dev", FIXTURES / "Pulumi.dev.yaml")
    return parse_settings(config.values)


def test_a_limit_error_names_its_key_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_many(*args: object, **kwargs: object) -> None:
        raise LimitError("data-protection policy 'x': 40000 characters (max 30720)", "llm-monitor:logs.dataProtection")

    monkeypatch.setattr(plan, "build_log_spec", too_many)
    with pytest.raises(ConfigError) as caught:
        plan.build_plan(dev_settings(), project="llm-monitor", stack="dev")
    (problem,) = caught.value.problems
    assert problem.path == "llm-monitor:logs.dataProtection"
    assert problem.message == "data-protection policy 'x': 40000 characters (max 30720)"


def test_any_other_limit_of_the_pure_layer_is_a_config_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_many(*args: object, **kwargs: object) -> None:
        raise ValueError("1800 alarms are more than two levels of roll-up hold")

    monkeypatch.setattr(plan, "build_alarms", too_many)
    with pytest.raises(ConfigError) as caught:
        plan.build_plan(dev_settings(), project="llm-monitor", stack="dev")
    (problem,) = caught.value.problems
    assert problem.path == "llm-monitor"
    assert problem.message.startswith("1800 alarms are more than two levels of roll-up hold")
    assert "stack name 'dev'" in problem.message


def test_a_limit_names_the_argument_for_the_component_and_the_key_for_the_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The component writes argument paths; the program (``in_config``) the stack config's key paths."""

    def too_long(*args: object, **kwargs: object) -> None:
        raise LimitError("dashboard name 'x' has 300 characters", "llm-monitor:dashboard.namePrefix")

    monkeypatch.setattr(plan, "build_dashboards", too_long)
    with pytest.raises(ArgumentProblems) as caught:
        plan.plan_arguments(args_from_settings(dev_settings()), project="llm-monitor", stack="dev")
    assert "  - args.dashboard.name_prefix: dashboard name 'x' has 300 characters" in str(caught.value)
    assert "llm-monitor:dashboard.namePrefix: dashboard name 'x' has 300" in caught.value.in_config()


def test_the_dashboard_name_check_names_the_prefix() -> None:
    from llm_monitor.dashboard import dashboard_names

    with pytest.raises(LimitError) as caught:
        dashboard_names("p" * 250, "dev", "us-east-1", 1)
    assert caught.value.path == "llm-monitor:dashboard.namePrefix"
    assert dashboard_names("llm-monitor", "dev.eu", "us-east-1", 2) == [
        "llm-monitor-dev-eu-us-east-1",
        "llm-monitor-dev-eu-us-east-1-2",
    ]
