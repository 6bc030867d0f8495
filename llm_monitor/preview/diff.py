"""What changes between two previews: resources added, removed and changed, and which inputs changed.

Resources are matched by URN with the stack name taken out (``urn:pulumi:dev::p::t::n`` and
``urn:pulumi:prod::p::t::n`` are the same resource), so two stacks can be compared as well as a
stack before and after a config change. Inputs that hold JSON text (dashboard bodies, policies,
default tags) are compared as JSON, so a change is reported at the path inside them that changed,
e.g. ``inputs.dashboardBody.widgets[3].properties.period``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

_URN = re.compile(r"^urn:pulumi:(?P<stack>[^:]*)::(?P<project>[^:]*)::(?P<type>.*)::(?P<name>[^:]*)$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MISSING = "<absent>"
"""Stands for a value one side does not have."""


@dataclass(frozen=True)
class Change:
    """One input (or option) that differs, at a JSON path."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Changed:
    key: str
    type: str
    name: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Diff:
    """Resources keyed by stack-less URN."""

    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[Changed, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": [{"urn": key(r), "type": r["type"], "name": r["name"]} for r in self.added],
            "removed": [{"urn": key(r), "type": r["type"], "name": r["name"]} for r in self.removed],
            "changed": [
                {
                    "urn": c.key,
                    "type": c.type,
                    "name": c.name,
                    "changes": [{"path": ch.path, "old": ch.old, "new": ch.new} for ch in c.changes],
                }
                for c in self.changed
            ],
        }


def stackless(urn: str) -> str:
    """The URN with the stack name replaced by ``*`` (also in the root stack resource's name)."""
    match = _URN.fullmatch(urn)
    if match is None:
        return urn
    name = match["name"]
    if match["type"] == "pulumi:pulumi:Stack" and name == f"{match['project']}-{match['stack']}":
        name = f"{match['project']}-*"
    return f"urn:pulumi:*::{match['project']}::{match['type']}::{name}"


def key(resource: dict[str, Any]) -> str:
    return stackless(resource["urn"])


def _decoded(value: Any) -> Any:
    """JSON text inside an input (a dashboard body, a policy) as the structure it encodes."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _step(path: str, name: str) -> str:
    return f"{path}.{name}" if _PLAIN_KEY.fullmatch(name) else f"{path}[{json.dumps(name)}]"


def paths(old: Any, new: Any, path: str) -> Iterator[Change]:
    """Every leaf that differs between ``old`` and ``new``, with its JSON path under ``path``."""
    old, new = _decoded(old), _decoded(new)
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(old.keys() | new.keys()):
            yield from paths(old.get(name, MISSING), new.get(name, MISSING), _step(path, name))
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            yield from paths(old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING, f"{path}[{i}]")
    elif old != new:
        yield Change(path, old, new)


def _comparable(resource: dict[str, Any]) -> dict[str, Any]:
    """What a change review cares about: inputs, protection options and the place in the tree."""
    options = resource.get("options", {})
    return {
        "inputs": resource.get("inputs", {}),
        "options": {
            "protect": options.get("protect"),
            "retainOnDelete": options.get("retainOnDelete"),
            "dependsOn": [stackless(u) for u in options.get("dependsOn", [])],
        },
        "parent": stackless(resource.get("parent") or ""),
    }


def compare(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> Diff:
    """Resources of ``new`` that ``old`` lacks, those it had that ``new`` lacks, and those that differ."""
    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    changed = []
    for k in sorted(before.keys() & after.keys()):
        a, b = _comparable(before[k]), _comparable(after[k])
        found = tuple(c for name in a for c in paths(a[name], b[name], name))
        if found:
            changed.append(Changed(k, after[k]["type"], after[k]["name"], found))
    return Diff(
        added=tuple(after[k] for k in sorted(after.keys() - before.keys())),
        removed=tuple(before[k] for k in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )
