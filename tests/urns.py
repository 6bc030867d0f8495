"""URNs as the Pulumi engine writes them, from the preview's records.

Pulumi's mock monitor keeps only the parent's type in a URN's type (``pulumi:pulumi:Stack$T`` at the
top); the engine writes the whole chain of parent types, none at the top. Aliases are written in
the engine's form, so tests compare them with these.
"""

from __future__ import annotations

from typing import Any


def engine_urns(resources: list[dict[str, Any]]) -> dict[str, str]:
    """Recorded URN → the engine's URN, for every recorded resource (its parents' types followed)."""
    by_urn = {r["urn"]: r for r in resources}
    found: dict[str, str] = {}

    def chain(urn: str) -> str:
        resource = by_urn.get(urn)
        if resource is None:  # the root stack (not recorded): top-level resources have no parent type
            return ""
        parent = chain(resource.get("parent") or "")
        return f"{parent}${resource['type']}" if parent else resource["type"]

    for urn, resource in by_urn.items():
        stack, project = urn.removeprefix("urn:pulumi:").split("::")[:2]
        found[urn] = f"urn:pulumi:{stack}::{project}::{chain(urn)}::{resource['name']}"
    return found
