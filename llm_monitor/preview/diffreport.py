"""The diff section of ``summary.md``: warnings first, then what is added, removed and changed.

Kept short: resources of one type added or removed together are one line; resources whose changes
are identical (every model's latency alarm getting the same threshold) are one entry; a long
string is cut around where it first differs; every detail stays in ``diff.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from llm_monitor.preview.diff import MISSING, Change, Changed, Diff

MAX_LINES_PER_RESOURCE = 12
#: More changed entries of one type than this are summed up as the paths that change and how often.
MAX_ENTRIES_PER_TYPE = 5
MAX_NAMES = 6
MAX_VALUE_CHARS = 60
#: A list element named by identity inside a path: ``[title="..."]``, ``[Sid="audit"]``, ``[id="e1"#2]``.
_IDENTIFIED = re.compile(r'\[(?:[A-Za-z]+=)?"(?:[^"\\]|\\.)*"(?:#\d+)?\]')


def _short(value: Any) -> Any:
    """Whole floats as integers (the mocks hand numbers back as floats: ``90.0`` days is 90)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


def values(old: Any, new: Any) -> tuple[str, str]:
    """Both sides as short JSON; long strings are cut around where they first differ."""
    a, b = (v if v == MISSING else json.dumps(_short(v), sort_keys=True) for v in (old, new))
    if len(a) <= MAX_VALUE_CHARS and len(b) <= MAX_VALUE_CHARS:
        return a, b
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, same - 20)

    def cut(text: str) -> str:
        part = text[start : start + MAX_VALUE_CHARS]
        return ("…" if start else "") + part + ("…" if start + MAX_VALUE_CHARS < len(text) else "")

    return (a, cut(b)) if a == MISSING else (cut(a), b) if b == MISSING else (cut(a), cut(b))


def _cut(text: str, limit: int = 50) -> str:
    """A list element's name, shortened: plain values (ARNs, URNs) differ at the end, names at the start."""
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1) :] if text.startswith('"') else text[: limit - 1] + "…"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f", … ({len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else "")


def _by_type(resources: Sequence[dict[str, Any]]) -> list[str]:
    types: dict[str, list[str]] = {}
    for r in resources:
        types.setdefault(r["type"], []).append(r["name"])
    return [f"- {len(n)} × `{t}`: {_names(n)}" for t, n in sorted(types.items())]


def _generic(path: str) -> str:
    """``widgets[title="a"].properties.period`` → ``widgets[*].properties.period``."""
    return _IDENTIFIED.sub("[*]", path)


def _same_changes(changes: Sequence[Change]) -> list[tuple[Change, int]]:
    """Each change once, with the number of list elements that change the same way (``[*]`` paths)."""
    counts: dict[tuple[str, str], list[Any]] = {}
    for ch in changes:
        signature = (_generic(ch.path), json.dumps([ch.old, ch.new], sort_keys=True))
        if ch.within or signature[0] == ch.path:
            signature = (ch.path, str(id(ch)))  # not a candidate for grouping
        counts.setdefault(signature, [ch, 0])[1] += 1
    return [(first, count) for first, count in counts.values()]


def _change_lines(changes: Sequence[Change]) -> list[str]:
    """One line per change; elements joining (or leaving) the same list together share one line."""
    lines: list[str] = []
    run: list[Change] = []

    def flush() -> None:
        if run:
            verb = "added" if run[0].old == MISSING else "removed"
            items = [f"`{_cut(c.item)}`" for c in run]
            more = f", … ({len(items) - MAX_NAMES} more)" if len(items) > MAX_NAMES else ""
            count = f"{len(items)}: " if len(items) > 1 else ""
            lines.append(f"  - `{run[0].within}`: {verb} {count}{', '.join(items[:MAX_NAMES])}{more}")
            run.clear()

    for ch, places in _same_changes(changes):
        if ch.within and run and (ch.within, ch.old == MISSING) != (run[0].within, run[0].old == MISSING):
            flush()
        if ch.within:
            run.append(ch)
            continue
        flush()
        old, new = values(ch.old, ch.new)
        where = f" (in {places} places)" if places > 1 else ""
        lines.append(f"  - `{_generic(ch.path) if places > 1 else ch.path}`: `` {old} `` → `` {new} ``{where}")
    flush()
    return lines


def _groups(changed: Sequence[Changed]) -> list[list[Changed]]:
    """Resources of one type with identical changes, in first-seen order."""
    groups: dict[tuple[Any, ...], list[Changed]] = {}
    for c in changed:
        signature = (c.type, c.moved, c.replaced_by, json.dumps([vars(ch) for ch in c.changes], sort_keys=True))
        groups.setdefault(signature, []).append(c)
    return list(groups.values())


def _changed(changed: Sequence[Changed]) -> list[str]:
    lines = []
    groups = _groups(changed)
    per_type: dict[str, list[list[Changed]]] = {}
    for group in groups:
        per_type.setdefault(group[0].type, []).append(group)
    summarised: set[str] = set()
    for group in groups:
        first = group[0]
        if len(per_type[first.type]) > MAX_ENTRIES_PER_TYPE:
            if first.type not in summarised:  # many resources of one type, each changed its own way
                summarised.add(first.type)
                lines += _summary(first.type, [c for g in per_type[first.type] for c in g])
            continue
        names = _names([c.name for c in group])
        replaced = f" — **replaced** ({', '.join(f'`{p}`' for p in first.replaced_by)} changes)"
        lines.append(f"- `{first.type}` {names}{replaced if first.replaced_by else ''}")
        shown = _change_lines(first.changes)
        lines += shown[:MAX_LINES_PER_RESOURCE]
        if len(shown) > MAX_LINES_PER_RESOURCE:
            lines.append(f"  - … and {len(shown) - MAX_LINES_PER_RESOURCE} more lines (see diff.json)")
        if first.moved:
            lines.append(f"  - {first.moved} widget{'s' if first.moved != 1 else ''} moved on the grid")
    return lines


def _summary(type_: str, changed: Sequence[Changed]) -> list[str]:
    """``N × type`` and which paths change in how many of them (the values are in diff.json)."""
    counts: dict[str, int] = {}
    for c in changed:
        for path in dict.fromkeys(c.within or _generic(c.path) for c in c.changes):
            counts[path] = counts.get(path, 0) + 1
    replaced = [c.name for c in changed if c.replaced_by]
    head = f"- {len(changed)} × `{type_}`, each its own way (values in diff.json): {_names([c.name for c in changed])}"
    lines = [head + (f"; **{len(replaced)} replaced**" if replaced else "")]
    lines += [f"  - `{path}` in {count}" for path, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    return lines[: MAX_LINES_PER_RESOURCE + 1]


def section(diff: Diff, against: str) -> list[str]:
    head = [f"## Diff against {against}", ""]
    if diff.sides is not None:
        old, new = diff.sides
        head += [
            f"Stack and Region differ (`{old.stack}` in {old.region or '?'} before, `{new.stack}` in "
            f"{new.region or '?'} now): values below write them as `<stack>` and `<region>`.",
            "",
        ]
    if diff.empty:
        return [*head, "No resource is added, removed or changed."]
    replaced = sum(1 for c in diff.changed if c.replaced_by)
    counts = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
    lines = [*head, counts + (f" ({replaced} replaced)." if replaced else "."), ""]
    if diff.warnings:
        lines += ["### Warnings", "", *(f"- ⚠ {w}" for w in diff.warnings), ""]
    for title, resources in (("Added", diff.added), ("Removed", diff.removed)):
        if resources:
            lines += [f"### {title}", "", *_by_type(resources), ""]
    if diff.changed:
        lines += ["### Changed", "", *_changed(diff.changed)]
    return lines


def terminal(diff: Diff, against: str) -> str:
    replaced = sum(1 for c in diff.changed if c.replaced_by)
    count = len(diff.warnings)
    warned = f"; {count} warning{'s' if count != 1 else ''} in summary.md" if count else ""
    return (
        f"Diff against {against}: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
        + (f" ({replaced} replaced)" if replaced else "")
        + f"{warned}."
    )
