"""Run the whole program the way `pulumi up` does, under mocks, in a fresh process.

A fresh process per run: the Pulumi SDK keeps global state (root stack, config, event loop), so
runs in one process would leak into each other (pulumi/pulumi#8280).
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from llm_monitor.config import ConfigError, parse_settings
from llm_monitor.resource_types import DASHBOARD

ROOT = Path(__file__).resolve().parents[1]
#: The tests' own stack files (copies of the shipped examples as the expectations were written).
FIXTURES = ROOT / "tests" / "stacks"
#: A model with every token price and a TPM quota: it gets every per-model alarm and widget.
PRICED: dict[str, Any] = {
    "name": "haiku",
    "id": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "inputTokenPrice": 0.0008,
    "outputTokenPrice": 0.004,
    "cacheReadTokenPrice": 0.00008,
    "cacheWriteTokenPrice": 0.001,
    "tokensPerMinuteQuota": 400000,
}


@dataclass
class Preview:
    """What one program run registered and exported."""

    resources: list[dict[str, Any]]
    outputs: dict[str, Any]
    out_dir: Path

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_]

    def named(self, name: str) -> dict[str, Any]:
        (match,) = [r for r in self.resources if r["name"] == name]
        return match

    def by_urn(self, urn: str) -> dict[str, Any]:
        (match,) = [r for r in self.resources if r["urn"] == urn]
        return match

    def dashboard_bodies(self) -> dict[str, dict[str, Any]]:
        return {r["inputs"]["dashboardName"]: json.loads(r["inputs"]["dashboardBody"]) for r in self.of_type(DASHBOARD)}


@dataclass
class Failure:
    returncode: int
    stdout: str
    stderr: str
    out_dir: Path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llm_monitor", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@functools.cache
def fixture_project() -> Path:
    """This project's program with the tests' own stack files: ``Pulumi.yaml`` and ``__main__.py``
    linked from the project, ``Pulumi.<stack>.yaml`` from tests/stacks (once per test process)."""
    project = Path(tempfile.mkdtemp(prefix="llm-monitor-fixture-project-"))
    atexit.register(shutil.rmtree, project, ignore_errors=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        (project / name).symlink_to(ROOT / name)
    for stack_file in FIXTURES.glob("Pulumi.*.yaml"):
        shutil.copy(stack_file, project / stack_file.name)
    return project


def run_preview(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m llm_monitor preview ARGS`` on the fixture project (``--stack dev`` is tests/stacks' dev)."""
    return run_cli("preview", "--program", str(fixture_project()), *args)


def preview(
    tmp_path: Path, stack: str = "dev", config: dict[str, Any] | None = None, *, pictures: bool = False
) -> Preview:
    """Run ``python -m llm_monitor preview``; ``config`` (if given) is the whole stack file's config.

    Dashboard pictures take longer to draw than a small stack takes to run, so only runs that
    check them (``pictures=True``) draw them.
    """
    result = _run(tmp_path, stack, config, pictures)
    if isinstance(result, Failure):
        raise AssertionError(f"preview failed ({result.returncode}):\n{result.stderr}")
    return result


def preview_failure(tmp_path: Path, config: dict[str, Any], stack: str = "test") -> Failure:
    """Run a preview that must fail; returns its exit code and output."""
    result = _run(tmp_path, stack, config)
    if isinstance(result, Preview):
        raise AssertionError(f"preview succeeded with {len(result.resources)} resources; expected a config error")
    return result


def _run(tmp_path: Path, stack: str, config: dict[str, Any] | None, pictures: bool = False) -> Preview | Failure:
    out = tmp_path / f"preview-{stack}"
    args = ["--stack", stack, "--out", str(out), *([] if pictures else ["--no-pictures"])]
    if config is not None:
        stack_file = tmp_path / f"Pulumi.{stack}.yaml"
        stack_file.write_text(yaml.safe_dump({"config": config}, sort_keys=False), encoding="utf-8")
        args += ["--stack-file", str(stack_file)]
    completed = run_preview(*args)
    if completed.returncode != 0:
        return Failure(completed.returncode, completed.stdout, completed.stderr, out)
    resources = json.loads((out / "resources.json").read_text())
    outputs = json.loads((out / "outputs.json").read_text())
    return Preview(resources, outputs, out)


_REGISTERED = """
import json, pathlib, sys
from llm_monitor.preview import runner, stackconfig
root, stack_file = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
stack = stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
result = runner.run(root, stackconfig.load(root, stack, stack_file))
print(json.dumps({"error": result.error, "registered": len(result.resources)}))
"""


def registered(stack_file: Path) -> tuple[int, str | None]:
    """Run the program on ``Pulumi.<stack>.yaml`` in a fresh process: resources registered, and its error."""
    completed = subprocess.run(
        [sys.executable, "-c", _REGISTERED, str(ROOT), str(stack_file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    report = json.loads(completed.stdout)
    return report["registered"], report["error"]


def config_problems(raw: dict[str, Any], **context: str) -> dict[str, str]:
    """The problems ``parse_settings`` reports for ``raw`` (which must be invalid), as {key path: message}.

    ``context``: ``project`` and ``stack``, as the program passes them.
    """
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, **context)
    return {p.path: p.message for p in caught.value.problems}


def stack_config(stack: str) -> dict[str, Any]:
    """The ``config:`` block of the shipped ``Pulumi.<stack>.yaml`` (an example users edit: only the
    generic checks of every shipped stack read it)."""
    data = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return dict(data["config"])


def fixture_config(stack: str) -> dict[str, Any]:
    """The ``config:`` block of the tests' own ``tests/stacks/Pulumi.<stack>.yaml``."""
    data = yaml.safe_load((FIXTURES / f"Pulumi.{stack}.yaml").read_text())
    return dict(data["config"])


def models(count: int, **fields: Any) -> list[dict[str, Any]]:
    """``count`` distinct, valid model entries (foundation-model IDs), with optional extra fields."""
    return [{"name": f"model-{i:03d}", "id": f"provider{i:03d}.model-v1:0", **fields} for i in range(count)]


# --- "Bedrock as it is in 2026": a config that turns every runtime feature on ----------------------

#: Called by its bare ID (the on-demand quota); Priority and Flex with their own prices; the
#: per-minute quota read from Service Quotas by code, the daily quota (AWS's default, from it)
#: alarmed on per UTC day.
TIERED: dict[str, Any] = {
    "name": "nova-pro-direct",
    "id": "amazon.nova-pro-v1:0",
    "inputTokenPrice": 0.001,
    "outputTokenPrice": 0.004,
    "tokensPerMinuteQuota": 1_000_000,
    "tokensPerMinuteQuotaCode": "L-1A2B3C4D",
    "serviceTiers": {
        "priority": {"inputTokenPrice": 0.00175, "outputTokenPrice": 0.007},
        "flex": {"inputTokenPrice": 0.0005, "outputTokenPrice": 0.002},
    },
    "alarms": {"dailyQuota": {"enabled": True, "window": "calendarDay"}},
}
#: A reservation (prepaid tokens), a global profile's quota, a typed daily quota alarmed on a rolling day.
RESERVED: dict[str, Any] = {
    "name": "haiku-45",
    "id": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "inputTokenPrice": 0.001,
    "outputTokenPrice": 0.005,
    "tokensPerMinuteQuota": 2_000_000,
    "tokensPerDayQuota": 1_000_000_000,
    "serviceTiers": {"reserved": {}},
    "alarms": {"dailyQuota": {"enabled": True}},
}
#: An existing application inference profile whose model is read with GetInferenceProfile (the
#: preview's mock answers amazon.nova-lite-v1:0 in the stack's Region), priced from llm-monitor:prices.
PROFILE_LOOKUP: dict[str, Any] = {"name": "team-search", "applicationInferenceProfile": {"id": "a1b2c3d4e5f6"}}
#: A profile the stack creates, with cost-allocation tags, from the EU cross-Region Nova Pro profile.
PROFILE_CREATED: dict[str, Any] = {
    "name": "team-support",
    "applicationInferenceProfile": {
        "create": {"copyFrom": "eu.amazon.nova-pro-v1:0", "tags": {"Team": "support", "CostCenter": "cc-42"}}
    },
}
FEATURE_PRICES: list[dict[str, Any]] = [
    {"model": "amazon.nova-lite-v1:0", "inputTokenPrice": 0.00006, "outputTokenPrice": 0.00024},
    {"model": "amazon.nova-pro-v1:0", "inputTokenPrice": 0.001, "outputTokenPrice": 0.004},
]


def feature_config(base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (an eu-west-1 stack by default) with the four feature models and the price list added."""
    config = dict(base or {"aws:region": "eu-west-1", "llm-monitor:models": []})
    config["llm-monitor:models"] = [*config["llm-monitor:models"], TIERED, RESERVED, PROFILE_LOOKUP, PROFILE_CREATED]
    config["llm-monitor:prices"] = [*config.get("llm-monitor:prices", []), *FEATURE_PRICES]
    return config
