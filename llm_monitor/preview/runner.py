"""Run ``__main__.py`` under Pulumi's mock runtime, exactly as ``pulumi up`` would run it.

The recipe (set mocks, then config, then run the program inside ``pulumi.runtime.test``) is the
one Pulumi documents for unit tests; the monitor below also records each registration's parent
and resource options, which the SDK's own MockMonitor drops.

Nothing secret is recorded: a value that reaches the monitor with the SDK's secret signature (the
program wrapped it in ``Output.secret``), or an output that is secret, is recorded as ``[secret]``,
and every recorded string has the stack's secret placeholders scrubbed (``secrets``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import runpy
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from llm_monitor.components import monitoring
from llm_monitor.config import Settings
from llm_monitor.config.estate import ACCOUNTS_KEY, pinned_accounts
from llm_monitor.config.models import ModelSettings
from llm_monitor.preview.mocks import MOCK_ACCOUNT, AwsMocks
from llm_monitor.preview.secrets import REDACTED, Secrets
from llm_monitor.preview.stackconfig import StackConfig, StackConfigError, read_yaml


@dataclass
class Registration:
    """One resource the program registered."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]
    options: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "provider": self.provider,
            "options": self.options,
            "inputs": self.inputs,
        }


@dataclass
class RunResult:
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: list[str] = field(default_factory=list)
    error: str | None = None
    """The program's own error report (invalid config), if it stopped with one."""
    settings: list[Settings] = field(default_factory=list)
    """What each BedrockMonitoring the program built was built from, in the order built."""

    @property
    def models(self) -> tuple[ModelSettings, ...]:
        """The models of every BedrockMonitoring the program built."""
        return tuple(model for settings in self.settings for model in settings.models)


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks, secrets: Secrets | None = None) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.secrets = secrets or Secrets()

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            options = {
                "protect": bool(request.protect),
                "retainOnDelete": bool(request.retainOnDelete),
                "dependsOn": [self.secrets.scrub(d) for d in sorted(request.dependencies)],
                "aliases": [self.secrets.scrub(a) for a in _alias_urns(request, response.urn)],
            }
            scrub = self.secrets.scrub
            self.registrations.append(
                Registration(
                    urn=scrub(response.urn),
                    type=request.type,
                    name=scrub(request.name),
                    parent=scrub(request.parent),
                    custom=bool(request.custom),
                    provider=scrub(request.provider),
                    # Deserialized with secrets kept wrapped (the SDK's signature), so they can be redacted.
                    inputs=self.secrets.redact(rpc.deserialize_properties(request.object)),
                    options=options,
                )
            )
        return response


def _alias_urns(request: Any, urn: str) -> list[str]:
    """The URNs a registration's aliases stand for (alias specs resolved as the engine resolves them)."""
    found = list(request.aliasURNs)
    stack, project = urn.split("::")[0].removeprefix("urn:pulumi:"), urn.split("::")[1]
    for alias in request.aliases:
        if alias.urn:
            found.append(alias.urn)
            continue
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        chain = (
            parent.split("::")[2] + "$" if parent and not parent.split("::")[2].endswith("pulumi:pulumi:Stack") else ""
        )
        found.append(
            f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{chain}{spec.type or request.type}"
            f"::{spec.name or request.name}"
        )
    return sorted(found)


def program_file(project_dir: Path) -> Path:
    """The file the Python language host runs: ``main`` of ``Pulumi.yaml`` (a file, or a folder's
    ``__main__.py``), or the project folder's ``__main__.py``."""
    main = read_yaml(project_dir / "Pulumi.yaml").get("main")
    path = project_dir / main if isinstance(main, str) and main else project_dir
    path = path / "__main__.py" if path.is_dir() else path
    if not path.is_file():
        raise StackConfigError(f"{path} does not exist: no Python program to run in {project_dir}")
    return path


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """No cyclic garbage collection during the run. A run makes millions of long-lived objects
    (resources, outputs, futures) and little cyclic garbage: each sweep walked them all for next
    to nothing. Measured at 1,000 and 2,000 models (benchmarks/scale.py): a quarter of the run's
    processor time saved, peak memory 3-5 % higher. Reference counting still frees everything
    that is not in a cycle; the collector resumes after the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(
    project_dir: Path, config: StackConfig, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None
) -> RunResult:
    """Run the program once in this process (call it in a fresh process: the SDK keeps global state).

    As the language host does: in the project folder, with the program's folder first on ``sys.path``.
    The mocked account is the stack's ``aws:allowedAccountIds`` (when it names one); ``stack_outputs``:
    what each stack a ``pulumi.StackReference`` reads exports (the estate preview's earlier stacks).
    """
    main = program_file(project_dir).resolve()
    # A fresh loop: the SDK needs a current one (and Python 3.14 no longer creates it implicitly).
    asyncio.set_event_loop(asyncio.new_event_loop())
    region = str(config.values.get("aws:region") or "us-east-1")
    pinned = pinned_accounts(config.values.get(ACCOUNTS_KEY))
    account = pinned[0] if pinned and len(pinned) == 1 else MOCK_ACCOUNT
    monitor = RecordingMonitor(AwsMocks(region, account, stack_outputs), config.secrets)
    pulumi.runtime.set_mocks(monitor.mocks, project=config.project, stack=config.stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config.as_pulumi_strings(), list(config.secret_keys))
    result = RunResult()
    monitoring.on_built.append(lambda built: result.settings.append(built.settings))

    @pulumi.runtime.test
    def program() -> Any:
        sys.path.insert(0, str(main.parent))
        with contextlib.chdir(project_dir):
            runpy.run_path(str(main), run_name="__main__")
        root = pulumi.runtime.settings.get_root_resource()
        exported = dict(root.outputs) if root is not None else {}  # type: ignore[attr-defined]

        async def resolve() -> None:
            for key, value in sorted(exported.items()):
                output = pulumi.Output.from_input(value)
                if await output.is_secret():
                    result.secret_outputs.append(key)
                    result.outputs[key] = REDACTED
                else:
                    known = await output.future() if await output.is_known() else "<unknown>"
                    result.outputs[key] = config.secrets.redact(known)

        return resolve()

    try:
        with _no_collections():
            program()
    except pulumi.RunError as exc:
        # What `pulumi up` prints without a traceback; what was registered until then is kept
        # so that tests can prove an invalid config registers nothing.
        result.error = config.secrets.explain(str(exc))
    # The SDK registers from worker threads; sort so the same program always gives the same file.
    result.resources = sorted(monitor.registrations, key=lambda r: r.urn)
    # The engine refuses a second resource with the same URN; the SDK's mock monitor does not check.
    twice = sorted({a.urn for a, b in itertools.pairwise(result.resources) if a.urn == b.urn})
    if twice and result.error is None:
        result.error = (
            f"the program registers {len(twice)} URNs twice, which `pulumi up` refuses: {', '.join(twice[:5])}"
        )
    return result
