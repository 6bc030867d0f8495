"""Stack configuration as the Pulumi CLI assembles it: project defaults merged with a stack file.

The SDK never reads ``Pulumi.yaml``; the CLI does. To run the program offline exactly as
``pulumi up`` would, this module applies the CLI's rules:

- keys in the project's own namespace are written without prefix in ``Pulumi.yaml`` and with
  ``<project>:`` in stack files; provider keys (``aws:region``) keep their prefix in both;
- project-level ``config:`` entries are either a scalar (the default itself), a typed declaration
  with ``default``, or ``{value: ...}``;
- a stack value replaces the project default for the same key (objects are not deep-merged,
  pulumi/pulumi#17948);
- the program receives every value as a string; structured values as JSON text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_DECLARATION_KEYS = {"type", "description", "secret", "default", "items", "value"}


class StackConfigError(Exception):
    """The project or stack file is missing or unreadable."""


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, Any]
    """Full key → decoded value (``llm-monitor:models`` → list)."""
    secret_keys: tuple[str, ...]

    def as_pulumi_strings(self) -> dict[str, str]:
        """What the language host hands the program: strings, JSON text for structured values."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackConfigError(f"{path} does not exist") from None
    except yaml.YAMLError as exc:
        raise StackConfigError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path} must hold a YAML mapping")
    return data


def project_defaults(project_file: dict[str, Any], project: str) -> dict[str, Any]:
    """Defaults declared in ``Pulumi.yaml``'s ``config:`` block, keyed by full name."""
    defaults: dict[str, Any] = {}
    for key, entry in (project_file.get("config") or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(entry, dict) and entry.keys() <= _DECLARATION_KEYS:
            if "value" in entry:
                defaults[full] = entry["value"]
            elif "default" in entry:
                defaults[full] = entry["default"]
        else:
            defaults[full] = entry
    return defaults


def load(project_dir: Path, stack: str, stack_file: Path | None = None) -> StackConfig:
    """Config for ``stack``, read from ``Pulumi.<stack>.yaml`` (or ``stack_file``) over project defaults."""
    project_file = read_yaml(project_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str):
        raise StackConfigError(f"{project_dir / 'Pulumi.yaml'} has no project name")
    path = stack_file or project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackConfigError(f"no stack {stack!r}: {path} does not exist (stacks here: {', '.join(known) or 'none'})")
    stack_values = read_yaml(path).get("config") or {}
    values = project_defaults(project_file, project)
    secret_keys = []
    for key, value in stack_values.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            # Ciphertext needs the CLI to decrypt; offline runs get a marked placeholder.
            value = f"<secret {key}>"
            secret_keys.append(key)
        values[key] = value
    return StackConfig(project, stack, values, tuple(secret_keys))
