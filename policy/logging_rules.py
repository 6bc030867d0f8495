"""Log groups that receive Bedrock invocation logs (prompts and completions): kept and masked.

Plain check functions (see ``policies.py`` for the policy objects built from them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pack_types import DATA_PROTECTION, INVOCATION_LOGGING, LOG_GROUP
from policy_documents import document, many, statements
from pulumi_policy import PolicyResource


def invocation_log_groups(resources: list[PolicyResource]) -> Iterator[PolicyResource]:
    """The stack's log groups that an invocation-logging configuration writes to (by name or dependency)."""
    for config in (r for r in resources if r.resource_type == INVOCATION_LOGGING):
        cloudwatch = (config.props.get("loggingConfig") or {}).get("cloudwatchConfig") or {}
        name = cloudwatch.get("logGroupName")
        for group in (r for r in resources if r.resource_type == LOG_GROUP):
            if group.props.get("name") == name or group in config.property_dependencies.get("loggingConfig", []):
                yield group


def invocation_log_groups_protected(resources: Iterable[PolicyResource]) -> list[tuple[str, str]]:
    """(urn, message) for each log group receiving Bedrock invocation logs that nothing protects.

    Protected means any of: Pulumi ``protect``, CloudWatch Logs deletion protection
    (``deletionProtectionEnabled``), or ``skipDestroy`` (destroy leaves the group in AWS).
    ``retainOnDelete`` has the effect of ``skipDestroy`` but CrossGuard does not show it to policies.
    """
    problems = []
    for group in invocation_log_groups(list(resources)):
        props = group.props
        if not (group.opts.protect or props.get("deletionProtectionEnabled") or props.get("skipDestroy")):
            problems.append(
                (
                    group.urn,
                    f"log group {props.get('name')!r} holds Bedrock invocation logs (prompts and completions) "
                    "but nothing stops its deletion: set protect, deletionProtectionEnabled or skipDestroy",
                )
            )
    return problems


def _operation(statement: Mapping[str, Any]) -> Mapping[str, Any]:
    operation = statement.get("Operation")
    return operation if isinstance(operation, Mapping) else {}


def audits_and_masks(doc: Mapping[str, Any]) -> bool:
    """An Audit statement and a Deidentify/MaskConfig statement over the same, non-empty identifiers:
    what PutDataProtectionPolicy requires of a policy that masks (CloudWatch Logs user guide,
    "Understanding data protection policies")."""
    audited, masked = [], []
    for statement in statements(doc):
        identifiers = frozenset(str(i) for i in many(statement.get("DataIdentifier")))
        operation = _operation(statement)
        if "Audit" in operation:
            audited.append(identifiers)
        deidentify = operation.get("Deidentify")
        if isinstance(deidentify, Mapping) and "MaskConfig" in deidentify:
            masked.append(identifiers)
    return any(a and a == m for a in audited for m in masked)


def invocation_log_groups_masked(resources: Iterable[PolicyResource]) -> list[tuple[str, str]]:
    """(urn, message) for each log group receiving invocation logs that no data-protection policy masks."""
    resources = list(resources)
    policies = [r for r in resources if r.resource_type == DATA_PROTECTION]
    problems = []
    for group in invocation_log_groups(resources):
        attached = [
            p
            for p in policies
            if p.props.get("logGroupName") == group.props.get("name")
            or group in p.property_dependencies.get("logGroupName", [])
            or group in p.dependencies
        ]
        if not any(audits_and_masks(document(p.props.get("policyDocument"))) for p in attached):
            problems.append(
                (
                    group.urn,
                    f"log group {group.props.get('name')!r} receives Bedrock invocation logs (prompts and "
                    "completions) but no data-protection policy on it both audits and masks the same identifiers: "
                    "add an aws.cloudwatch.LogDataProtectionPolicy with an Audit and a Deidentify/MaskConfig "
                    "statement over one DataIdentifier list",
                )
            )
    return problems
