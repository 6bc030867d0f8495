"""Run CrossGuard policies over recorded resources the way the CrossGuard runtime calls them.

``policy.validate(ResourceValidationArgs(...), report)`` for resource policies and
``StackValidationArgs`` for stack policies (pulumi/pulumi.md §3.2), with the properties wrapped in
CrossGuard's unknown-checking proxy as the real analyzer does.
"""

from __future__ import annotations

from typing import Any

import policies as pp
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

Resource = dict[str, Any]
BY_NAME = {p.name: p for p in pp.POLICIES}


def _options(resource: Resource) -> PolicyResourceOptions:
    options = resource.get("options", {})
    return PolicyResourceOptions(
        protect=bool(options.get("protect")),
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.get("parent") or None,
    )


def urn_of(resource: Resource) -> str:
    return str(resource.get("urn") or f"urn:pulumi:test::llm-monitor::{resource['type']}::{resource['name']}")


def violations(policy: ResourceValidationPolicy | StackValidationPolicy, resources: list[Resource]) -> list[str]:
    """Messages ``policy`` reports for ``resources`` (resources.json records), each prefixed by its resource."""
    found: list[str] = []
    if isinstance(policy, ResourceValidationPolicy):
        for r in resources:
            args = ResourceValidationArgs(
                r["type"], unknown_checking_proxy(r["inputs"]), urn_of(r), r["name"], _options(r), None
            )

            def report(message: str, urn: str | None = None, name: str = r["name"]) -> None:
                found.append(f"{name}: {message}")

            policy.validate(args, report)
        return found
    stack = {
        urn_of(r): PolicyResource(
            r["type"], unknown_checking_proxy(r["inputs"]), urn_of(r), r["name"], _options(r), None, None, [], {}
        )
        for r in resources
    }
    for r in resources:
        # The recording monitor keeps each registration's dependencies (explicit and from inputs).
        stack[urn_of(r)].dependencies = [stack[u] for u in r.get("options", {}).get("dependsOn", []) if u in stack]
    names = {urn: r.name for urn, r in stack.items()}

    def report_stack(message: str, urn: str | None = None) -> None:
        found.append(f"{names.get(urn or '', 'stack')}: {message}")

    policy.validate(StackValidationArgs(list(stack.values())), report_stack)
    return found
