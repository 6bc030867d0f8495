"""The shipped stack files are examples: every ``Pulumi.*.yaml`` at the top is checked the same way.

A user who edits them into real stacks (other models, prices, addresses, secrets) gets these checks
on their own stacks and no failure about the examples' values: tests that need known values use the
tests' own stack files (tests/stacks, ``fixture_config``). The incident library runs on every
shipped stack too (tests/test_incidents.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tests.aws_constraints as ac
from llm_monitor.config import parse_settings
from llm_monitor.preview import stackconfig
from tests import provider_types
from tests.policy_harness import BY_NAME, violations
from tests.program import ROOT, run_cli

SHIPPED = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in ROOT.glob("Pulumi.?*.yaml"))


def test_there_are_shipped_stacks() -> None:
    assert SHIPPED, "the project ships at least one example stack"


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The preview of one shipped stack, as the README's first command makes it."""
    stack = request.param
    out = tmp_path_factory.mktemp(f"shipped-{stack}") / "preview"
    completed = run_cli("preview", "--stack", stack, "--out", str(out), "--no-pictures")
    assert completed.returncode == 0, completed.stderr
    return stack, out


def test_the_config_is_valid(shipped: tuple[str, Path]) -> None:
    stack, _ = shipped
    settings = parse_settings(stackconfig.load(ROOT, stack).values, project="llm-monitor", stack=stack)
    assert settings.models or settings.account_wide_only


def test_every_policy_of_the_pack_passes(shipped: tuple[str, Path]) -> None:
    _, out = shipped
    resources = json.loads((out / "resources.json").read_text())
    assert resources
    assert {name: violations(policy, resources) for name, policy in BY_NAME.items()} == {n: [] for n in BY_NAME}


def test_every_input_is_one_aws_and_the_provider_accept(shipped: tuple[str, Path]) -> None:
    _, out = shipped
    resources = json.loads((out / "resources.json").read_text())
    aws = [r for r in resources if r["type"].startswith("aws:")]
    assert [p for r in aws for p in ac.violations(r)] == []
    assert [p for r in aws for p in provider_types.problems(r)] == []


def test_the_summary_and_outputs_are_written(shipped: tuple[str, Path]) -> None:
    _, out = shipped
    outputs = json.loads((out / "outputs.json").read_text())
    assert set(outputs) == {
        "dashboardNames",
        "dashboardUrls",
        "logGroupNames",
        "logsKmsKeyArn",
        "alarmTopicArn",
        "alarmNames",
    }
    assert "## " in (out / "summary.md").read_text()
