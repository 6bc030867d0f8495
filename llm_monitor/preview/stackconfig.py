"""Stack configuration as the Pulumi CLI assembles it: project defaults merged with a stack file.

The SDK never reads ``Pulumi.yaml``; the CLI does. To run the program offline exactly as
``pulumi up`` would, this module applies the CLI's rules (pulumi/pulumi ``sdk/go/common/workspace``
and ``sdk/go/common/resource/config``):

- both files are read as gopkg.in/yaml.v3 reads them (``cliyaml``: ``7e-05`` is a number, ``yes``
  a string, a repeated key an error);
- stack names are 1-100 letters, digits, ``-``, ``_`` or ``.`` (``tokens.ParseStackName``); the
  stack file is ``Pulumi.<stack>.yaml`` in ``stackConfigDir`` (default: the project directory);
- keys in the project's own namespace are written without prefix in ``Pulumi.yaml``, and may be in
  stack files too (``stackConfigNamespacedWithProject``); provider keys (``aws:region``) keep theirs;
- project-level ``config:`` entries are either a scalar (the default itself), a typed declaration
  with ``default``, or ``{value: ...}``;
- a stack value replaces the project default for the same key (objects are not deep-merged,
  pulumi/pulumi#17948);
- ``secure:`` values, at the top level or at any path inside structured config, are secrets; a
  top-level key holding one anywhere is secret for the program (``Map.SecureKeys``). The preview
  cannot decrypt them and stands in placeholders (``secrets``);
- a stack that imports a Pulumi ESC environment (``environment:``) gets its values from Pulumi
  Cloud, which the preview cannot reach: that is an error saying which keys to set instead;
- the program receives every value as a string; structured values as JSON text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llm_monitor.preview import cliyaml
from llm_monitor.preview.secrets import Secrets

_DECLARATION_KEYS = {"type", "description", "secret", "default", "items", "value"}
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
REGION_KEY = "aws:region"


class StackConfigError(Exception):
    """The project or stack file is missing or unreadable, or the stack name is invalid."""


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, Any]
    """Full key → decoded value (``llm-monitor:models`` → list); secrets hold their placeholders."""
    secret_keys: tuple[str, ...]
    secrets: Secrets = field(default_factory=Secrets)

    def as_pulumi_strings(self) -> dict[str, str]:
        """What the language host hands the program: strings, JSON text for structured values."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = cliyaml.load(path.read_text(encoding="utf-8-sig"))  # the CLI strips a UTF-8 BOM too
    except FileNotFoundError:
        raise StackConfigError(f"{path} does not exist") from None
    except cliyaml.DuplicateKeyError as exc:
        raise StackConfigError(f"{path}: {exc}; the Pulumi CLI refuses a repeated key, remove one") from None
    except yaml.YAMLError as exc:
        raise StackConfigError(f"{path} is not valid YAML: {exc}") from None
    if data is None:
        return {}  # an empty stack file is an empty config, for the CLI too
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


def check_stack_name(stack: str) -> None:
    """Pulumi's rule for stack names (the part after ``org/project/``)."""
    if not STACK_NAME.fullmatch(stack):
        raise StackConfigError(
            f"invalid stack name {stack!r}: a stack name is 1-100 letters, digits, '-', '_' or '.' "
            "(write the stack's own name, not org/project/stack)"
        )


def stack_dir(project_dir: Path, project_file: dict[str, Any]) -> Path:
    config_dir = project_file.get("stackConfigDir")
    return project_dir / config_dir if isinstance(config_dir, str) and config_dir else project_dir


def known_stacks(directory: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in directory.glob("Pulumi.?*.yaml"))


def load(project_dir: Path, stack: str, stack_file: Path | None = None, *, reads: Sequence[str] = ()) -> StackConfig:
    """Config for ``stack``, read from ``Pulumi.<stack>.yaml`` (or ``stack_file``) over project defaults.

    ``reads``: the keys the program reads, named in the message to a stack that imports an ESC
    environment.
    """
    check_stack_name(stack)
    project_file = read_yaml(project_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str):
        raise StackConfigError(f"{project_dir / 'Pulumi.yaml'} has no project name")
    directory = stack_dir(project_dir, project_file)
    path = stack_file or directory / f"Pulumi.{stack}.yaml"
    if not path.exists():
        known = ", ".join(known_stacks(directory)) or "none"
        raise StackConfigError(f"no stack {stack!r}: {path} does not exist (stacks here: {known})")
    data = read_yaml(path)
    stack_values = data.get("config") or {}
    if not isinstance(stack_values, dict):
        raise StackConfigError(f"{path}: `config:` must be a mapping of keys to values")
    namespaced: dict[str, Any] = {}
    for key, value in stack_values.items():
        full = str(key) if ":" in str(key) else f"{project}:{key}"
        if full in namespaced:
            raise StackConfigError(f"{path}: two keys name {full!r} (with and without the project prefix); keep one")
        namespaced[full] = value
    if data.get("environment"):
        unset = [k for k in reads if k not in namespaced]
        raise StackConfigError(_esc_message(path, data["environment"], unset))
    values = {**project_defaults(project_file, project), **namespaced}
    region = values.get(REGION_KEY)
    secrets = Secrets(region if isinstance(region, str) else "us-east-1")
    for full in namespaced:
        values[full] = secrets.replace_secure(values[full], full)
    secret_keys = tuple(k for k in namespaced if secrets.under(k))
    return StackConfig(project, stack, values, secret_keys, secrets)


def _esc_message(path: Path, environment: Any, unset: Sequence[str]) -> str:
    if isinstance(environment, list):
        names = ", ".join(str(e) for e in environment)
    elif isinstance(environment, dict) and isinstance(environment.get("imports"), list):
        names = ", ".join(str(e) for e in environment["imports"]) or "an inline environment"
    else:
        names = "an inline environment"
    keys = f" ({', '.join(unset)} are not set in the file)" if unset else ""
    return (
        f"{path} imports the Pulumi ESC environment {names}, which the offline preview cannot resolve "
        f"(it needs Pulumi Cloud): copy the stack file without `environment:`, set under `config:` "
        f"the keys the environment provides{keys}, and preview the copy with --stack-file"
    )
