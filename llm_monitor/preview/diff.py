"""What changes between two previews: resources added, removed and changed, and which inputs changed.

Made to be read by people:

- **Resources** are matched by URN with the stack name taken out (``urn:pulumi:dev::p::t::n`` and
  ``urn:pulumi:prod::p::t::n`` are the same resource), so two stacks compare as well as one stack
  before and after a change; a resource whose alias is an old URN is that old resource, moved.
- **Stack and Region** are taken out of values too when the two sides differ in them:
  ``llm-monitor-dev-us-east-1-nova-latency`` and ``llm-monitor-prod-eu-west-1-nova-latency`` both
  read ``llm-monitor-<stack>-<region>-nova-latency`` (``Normaliser``), so only real differences show.
- **JSON text** inside an input (dashboard bodies, policies, default tags) is compared as JSON, so a
  change is reported at the path inside it, e.g.
  ``inputs.dashboardBody.widgets[title="nova: Tokens"].properties.period``.
- **Lists are matched by identity**, not position: policy statements by ``Sid``, alarm metric
  queries by ``id``, widgets by title (a text widget by its first line), graph metrics by their
  ``id`` or namespace, name and dimensions, and lists of plain values as sets. Inserting a model in
  the middle adds its widgets; it does not shift every later widget into a "change".
- **Moves**: a widget whose only change is its place on the grid counts as moved, one count per
  dashboard, not one line per coordinate.
- **Replacements and warnings** come from ``diffrules``: inputs the provider cannot update in place,
  and changes that lose data or protection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from llm_monitor.aws import safe_name
from llm_monitor.preview import diffrules
from llm_monitor.preview.diffrules import MISSING

_URN = re.compile(r"^urn:pulumi:(?P<stack>[^:]*)::(?P<project>[^:]*)::(?P<type>.*)::(?P<name>[^:]*)$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Keys that name a list element, in order of preference.
_IDENTITY_KEYS = ("Sid", "id", "alarmName", "name", "Name", "key", "label")
_WIDGET_KEYS = {"type", "x", "y", "width", "height", "properties"}


@dataclass(frozen=True)
class Change:
    """One input (or option) that differs, at a JSON path. ``old`` is MISSING for an addition."""

    path: str
    old: Any
    new: Any
    within: str = ""
    """For an element joining or leaving a list matched by identity: the list's path."""
    item: str = ""
    """... and the element's identity (``title="Tokens"``, or the JSON of a plain value)."""


@dataclass(frozen=True)
class Changed:
    key: str
    type: str
    name: str
    changes: tuple[Change, ...]
    moved: int = 0
    """Dashboard widgets whose only change is their place on the grid."""
    replaced_by: tuple[str, ...] = ()
    """The changed inputs that make the provider replace the resource (delete and create)."""


@dataclass(frozen=True)
class Side:
    """Where one side of the comparison was previewed."""

    stack: str
    region: str
    project: str


@dataclass(frozen=True)
class Diff:
    """Resources keyed by stack-less URN."""

    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[Changed, ...]
    warnings: tuple[str, ...] = ()
    sides: tuple[Side, Side] | None = None
    """Set when stack or Region differ: values then show them as ``<stack>`` and ``<region>``."""

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
                    "replace": list(c.replaced_by),
                    "moved": c.moved,
                    "changes": [{"path": ch.path, "old": ch.old, "new": ch.new} for ch in c.changes],
                }
                for c in self.changed
            ],
            "warnings": list(self.warnings),
            "normalised": None if self.sides is None else {"old": vars(self.sides[0]), "new": vars(self.sides[1])},
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


def as_recorded(urn: str) -> str:
    """An engine URN written as the preview records URNs: Pulumi's mock monitor keeps only the
    parent's type in a URN's type (``pulumi:pulumi:Stack`` for a top-level resource), where the
    engine writes the whole chain of parent types (none for a top-level resource)."""
    match = _URN.fullmatch(urn)
    if match is None:
        return urn
    chain = match["type"].split("$")
    recorded = "$".join(chain[-2:]) if len(chain) > 1 else f"pulumi:pulumi:Stack${chain[0]}"
    return f"urn:pulumi:{match['stack']}::{match['project']}::{recorded}::{match['name']}"


def side(resources: Sequence[dict[str, Any]]) -> Side:
    """Stack and project from the URNs, Region from the AWS provider's inputs."""
    match = next((m for r in resources if (m := _URN.fullmatch(r.get("urn", "")))), None)
    regions = [r["inputs"].get("region") for r in resources if r["type"] == "pulumi:providers:aws"]
    region = next((r for r in regions if isinstance(r, str)), "")
    return Side(match["stack"] if match else "", region, match["project"] if match else "")


class Normaliser:
    """Writes one side's stack and Region as ``<stack>`` and ``<region>`` in every string."""

    def __init__(self, where: Side | None = None) -> None:
        """``where``: the side to normalise; None for none (a stack compared with itself)."""
        self.rules: list[tuple[re.Pattern[str], str]] = []
        if where is None:
            return
        stack = "|".join(sorted({re.escape(where.stack), re.escape(safe_name(where.stack))}, key=len, reverse=True))
        project = re.escape(where.project)
        if where.region:
            self.rules.append((re.compile(rf"(?<![A-Za-z0-9]){re.escape(where.region)}(?![0-9])"), "<region>"))
        if where.stack:
            self.rules += [
                # <project>-<stack>, /<project>/<stack>: names, log groups, query folders
                (re.compile(rf"(?<={project}[-/])(?:{stack})(?![A-Za-z0-9_])"), "<stack>"),
                # <prefix>-<stack>-<region>: dashboard names with a namePrefix
                (re.compile(rf"(?<=-)(?:{stack})(?=-<region>)"), "<stack>"),
                # "stack <stack>" in descriptions (the Stack tag is a value, not a name: it shows)
                (re.compile(rf"(?<=\bstack )(?:{stack})\b"), "<stack>"),
            ]

    def text(self, value: str) -> str:
        for pattern, replacement in self.rules:
            value = pattern.sub(replacement, value)
        return value

    def __call__(self, value: Any) -> Any:
        if not self.rules:
            return value
        if isinstance(value, str):
            decoded = _decoded(value)
            if decoded is not value:  # JSON text: normalise inside it, so it still compares as JSON
                return json.dumps(self(decoded), sort_keys=True)
            return self.text(value)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


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


def identity(item: Any) -> str | None:
    """What names ``item`` in its list, e.g. ``Sid="audit"``; None if nothing does."""
    if item is None or isinstance(item, str | int | float | bool):
        return json.dumps(item)
    if isinstance(item, dict):
        for name in _IDENTITY_KEYS:
            if isinstance(item.get(name), str | int) and not isinstance(item.get(name), bool):
                return f"{name}={json.dumps(item[name])}"
        props = item.get("properties")
        if isinstance(props, dict):  # a dashboard widget
            if isinstance(props.get("title"), str):
                return f"title={json.dumps(props['title'])}"
            if isinstance(props.get("markdown"), str):
                lines = props["markdown"].strip().splitlines()
                return f"text={json.dumps(lines[0] if lines else '')}"
        return None
    if isinstance(item, list):  # a graph metric: [namespace, name, dim, value, ..., {options}]
        options = item[-1] if item and isinstance(item[-1], dict) else {}
        if isinstance(options.get("id"), str):
            return f"id={json.dumps(options['id'])}"
        spec = [v for v in item if not isinstance(v, dict)]
        if spec and all(isinstance(v, str) for v in spec):
            return json.dumps(" ".join(spec))
    return None


def _identities(items: list[Any]) -> list[str] | None:
    ids = [identity(i) for i in items]
    if any(i is None for i in ids):
        return None
    seen: dict[str, int] = {}
    unique = []
    for i in ids:
        assert i is not None
        seen[i] = seen.get(i, 0) + 1
        unique.append(i if seen[i] == 1 else f"{i}#{seen[i]}")
    return unique


def paths(old: Any, new: Any, path: str, moves: list[str] | None = None) -> Iterator[Change]:
    """Every leaf that differs between ``old`` and ``new``, with its JSON path under ``path``.

    ``moves`` collects the paths of dashboard widgets that only moved.
    """
    old, new = _decoded(old), _decoded(new)
    if isinstance(old, dict) and isinstance(new, dict):
        if moves is not None and old.keys() >= _WIDGET_KEYS and new.keys() >= _WIDGET_KEYS:
            if (old["x"], old["y"]) != (new["x"], new["y"]):
                moves.append(path)
            old = {k: v for k, v in old.items() if k not in ("x", "y")}
            new = {k: v for k, v in new.items() if k not in ("x", "y")}
        for name in sorted(old.keys() | new.keys()):
            yield from paths(old.get(name, MISSING), new.get(name, MISSING), _step(path, name), moves)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _list_paths(old, new, path, moves)
    elif old != new:
        yield Change(path, old, new)


def _list_paths(old: list[Any], new: list[Any], path: str, moves: list[str] | None) -> Iterator[Change]:
    old_ids, new_ids = _identities(old), _identities(new)
    if old_ids is None or new_ids is None:
        for i in range(max(len(old), len(new))):
            a, b = old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING
            yield from paths(a, b, f"{path}[{i}]", moves)
        return
    before, after = dict(zip(old_ids, old, strict=True)), dict(zip(new_ids, new, strict=True))
    scalar = all(not isinstance(v, dict | list) for v in [*old, *new])
    for ident in [*(i for i in old_ids if i not in after), *new_ids]:
        a, b = before.get(ident, MISSING), after.get(ident, MISSING)
        if a is MISSING or b is MISSING:
            # A set of plain values is reported at the list's path; other elements by identity.
            yield Change(path if scalar else f"{path}[{ident}]", a, b, within=path, item=ident)
        elif not scalar:
            # An expression in a graph is a list around one dict: name it once, then go into the dict.
            if _wrapped(a) and _wrapped(b):
                a, b = a[0], b[0]
            yield from paths(a, b, f"{path}[{ident}]", moves)


def _wrapped(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)


def _comparable(resource: dict[str, Any], renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """What a change review cares about: inputs, protection options and the place in the tree.

    ``renamed``: a new URN → the old one it aliases, so that a resource moved with an alias keeps
    its parent and dependencies (Pulumi sees the same resources).
    """
    options, renamed = resource.get("options", {}), renamed or {}

    def same(urn: str) -> str:
        return renamed.get(stackless(urn), stackless(urn))

    return {
        "inputs": resource.get("inputs", {}),
        "options": {
            "protect": options.get("protect"),
            "retainOnDelete": options.get("retainOnDelete"),
            "dependsOn": [same(u) for u in options.get("dependsOn", [])],
        },
        "parent": same(resource.get("parent") or ""),
    }


def _aliased(old: dict[str, dict[str, Any]], new: Sequence[dict[str, Any]]) -> dict[str, str]:
    """New resources (by key) that alias an old one of another URN: the old key each stands for."""
    keys = {key(r) for r in new}
    renamed = {}
    for resource in new:
        if key(resource) in old:
            continue
        aliases = resource.get("options", {}).get("aliases") or []
        for alias in aliases if isinstance(aliases, list) else []:
            was = stackless(as_recorded(alias))
            if was in old and was not in keys:
                renamed[key(resource)] = was
                break
    return renamed


def compare(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> Diff:
    """Resources of ``new`` that ``old`` lacks, those it had that ``new`` lacks, and those that differ."""
    sides = (side(old), side(new))
    differ = (sides[0].stack, sides[0].region) != (sides[1].stack, sides[1].region)
    norm_old, norm_new = (Normaliser(sides[0]), Normaliser(sides[1])) if differ else (Normaliser(), Normaliser())
    before = {key(r): r for r in old}
    renamed = _aliased(before, new)
    after = {renamed.get(key(r), key(r)): r for r in new}
    changed = []
    for k in sorted(before.keys() & after.keys()):
        a, b = norm_old(_comparable(before[k])), norm_new(_comparable(after[k], renamed))
        moves: list[str] = []
        found = tuple(c for name in a for c in paths(a[name], b[name], name, moves))
        if found or moves:
            type_ = after[k]["type"]
            forcing = diffrules.replacing(type_, [c.path for c in found])
            changed.append(Changed(k, type_, after[k]["name"], found, len(moves), forcing))
    diff = Diff(
        added=tuple(after[k] for k in sorted(after.keys() - before.keys())),
        removed=tuple(before[k] for k in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        sides=sides if differ else None,
    )
    return replace(diff, warnings=tuple(diffrules.warnings(diff)))


__all__ = ["MISSING", "Change", "Changed", "Diff", "Side", "compare", "key", "paths", "stackless"]
