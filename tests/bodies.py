"""Walk dashboard bodies the way CloudWatch reads them (shared by dashboard and program tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Widget = dict[str, Any]


def metric_widgets(body: dict[str, Any]) -> list[Widget]:
    return [w for w in body["widgets"] if w["type"] == "metric"]


def titled(body: dict[str, Any], title: str) -> list[Widget]:
    return [w for w in body["widgets"] if w["properties"].get("title") == title]


def plain_metrics(widget: Widget) -> Iterator[tuple[str, str, dict[str, str], dict[str, Any]]]:
    """(namespace, metric name, dimensions, options) of each non-expression entry, resolving "."."""
    previous: list[Any] = []
    for entry in widget["properties"].get("metrics", []):  # none in a Contributor Insights widget
        if isinstance(entry[0], dict):
            continue
        options = entry[-1] if isinstance(entry[-1], dict) else {}
        values = [v for v in entry if not isinstance(v, dict)]
        values = [previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(values)]
        previous = values
        dims = dict(zip(values[2::2], values[3::2], strict=True))
        yield values[0], values[1], dims, options


def expressions(widget: Widget) -> list[dict[str, Any]]:
    return [entry[0] for entry in widget["properties"].get("metrics", []) if isinstance(entry[0], dict)]


def defined_ids(widget: Widget) -> set[str]:
    ids = {e["id"] for e in expressions(widget)}
    ids |= {o["id"] for *_, o in plain_metrics(widget) if "id" in o}
    return ids


def referenced_ids(expression: str) -> set[str]:
    """Identifiers an expression uses (function names, SEARCH strings and numbers excluded)."""
    without_strings = re.sub(r"'[^']*'", "", expression)
    names = set(re.findall(r"\b([a-z][A-Za-z0-9_]*)\b(?!\s*\()", without_strings))
    return names


def model_ids_in(body: dict[str, Any]) -> set[str]:
    return {dims["ModelId"] for w in metric_widgets(body) for _, _, dims, _ in plain_metrics(w) if "ModelId" in dims}
