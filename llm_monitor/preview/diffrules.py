"""What a diff means for the deployed resources: replacements, and changes that lose data or protection.

**Replacements.** pulumi-aws is bridged from the Terraform AWS provider; an input the provider
cannot update in place is ``ForceNew`` in its schema, and Pulumi plans a change to it as a
replacement (delete and create). Neither the installed ``pulumi_aws`` package nor its Pulumi schema
carries that flag, so the table below is taken from the provider's source
(hashicorp/terraform-provider-aws ``internal/service/...``), for every type this program registers,
with the Terraform names in Pulumi's camelCase:

- ``logGroup:LogGroup``: ``name``, ``namePrefix``, ``logGroupClass`` (``logs/group.go``);
- ``dashboard:Dashboard``: ``dashboardName`` (``cloudwatch/dashboard.go``);
- ``metricAlarm:MetricAlarm``: ``name``, Terraform's ``alarm_name`` (``cloudwatch/metric_alarm.go``);
- ``compositeAlarm:CompositeAlarm``: ``alarmName`` (``cloudwatch/composite_alarm.go``);
- ``logDataProtectionPolicy:LogDataProtectionPolicy``: ``logGroupName`` (``logs/data_protection_policy.go``);
- ``logMetricFilter:LogMetricFilter``: ``name``, ``logGroupName`` (``logs/metric_filter.go``);
- ``kms/alias:Alias``: ``name``, ``namePrefix`` (``kms/alias.go``);
- ``sns/topic:Topic``: ``name``, ``namePrefix``, ``fifoTopic`` (``sns/topic.go``);
- ``sns/topicSubscription:TopicSubscription``: ``topic``, ``protocol``, ``endpoint`` (``sns/topic_subscription.go``);
- ``sns/topicPolicy:TopicPolicy``: ``arn`` (``sns/topic_policy.go``);
- ``iam/role:Role``: ``name``, ``namePrefix`` (``iam/role.go``, the one file not re-read for this table;
  the program lets Pulumi name the role anyway);
- ``iam/rolePolicy:RolePolicy``: ``name``, ``namePrefix``, ``role`` (``iam/role_policy.go``);
- ``bedrock/inferenceProfile:InferenceProfile``: ``name``, ``description``, ``modelSource``
  (``bedrock/inference_profile.go``: only tags update in place; Bedrock has no
  UpdateInferenceProfile). A replaced profile gets a new ID: its graphs and alarms follow, but
  callers must switch to the new ARN, and the old ID's history stays behind.

Every other input of these types (and every input of KMS keys, query definitions and the invocation
logging configuration that this program sets) is updated in place.

**Warnings** name what a reviewer must not miss: a retention that drops (old events are deleted), a
data-protection policy that masks fewer identifiers, protection switched off (``protect``,
``retainOnDelete``, ``deletionProtectionEnabled``, ``skipDestroy``), a log group or key that is
replaced or removed, and Bedrock invocation logging (one setting per account and Region) changing
hands between stacks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from llm_monitor import resource_types as rt

if TYPE_CHECKING:
    from llm_monitor.preview.diff import Changed, Diff

FORCE_NEW: dict[str, frozenset[str]] = {
    rt.LOG_GROUP: frozenset({"name", "namePrefix", "logGroupClass"}),
    rt.DASHBOARD: frozenset({"dashboardName"}),
    rt.METRIC_ALARM: frozenset({"name"}),
    rt.COMPOSITE_ALARM: frozenset({"alarmName"}),
    rt.DATA_PROTECTION: frozenset({"logGroupName"}),
    rt.METRIC_FILTER: frozenset({"name", "logGroupName"}),
    rt.KMS_ALIAS: frozenset({"name", "namePrefix"}),
    rt.TOPIC: frozenset({"name", "namePrefix", "fifoTopic"}),
    rt.TOPIC_SUBSCRIPTION: frozenset({"topic", "protocol", "endpoint"}),
    rt.TOPIC_POLICY: frozenset({"arn"}),
    rt.ROLE: frozenset({"name", "namePrefix"}),
    rt.ROLE_POLICY: frozenset({"name", "namePrefix", "role"}),
    rt.INFERENCE_PROFILE: frozenset({"name", "description", "modelSource"}),
}
MISSING = "<absent>"
"""Stands for a value one side of a diff does not have."""
#: Options and inputs that protect a resource from deletion: switching one off earns a warning.
PROTECTION = ("options.protect", "options.retainOnDelete", "inputs.deletionProtectionEnabled", "inputs.skipDestroy")
#: Resources whose replacement or removal loses what they hold.
_HOLDS_DATA = {rt.LOG_GROUP: "its log events", rt.KMS_KEY: "the key that decrypts the logs or the topic"}


def replacing(type_: str, changed_paths: Sequence[str]) -> tuple[str, ...]:
    """The top-level inputs among ``changed_paths`` that make the provider replace a ``type_``."""
    names = FORCE_NEW.get(type_, frozenset())
    found = {p.split(".")[1].split("[")[0] for p in changed_paths if p.startswith("inputs.")}
    return tuple(sorted(found & names))


def warnings(diff: Diff) -> Iterator[str]:
    for c in diff.changed:
        yield from _changed(c)
    for r in diff.removed:
        if r["type"] in _HOLDS_DATA and not r.get("options", {}).get("retainOnDelete"):
            yield f"`{r['name']}` is removed, and {_HOLDS_DATA[r['type']]} with it (no retainOnDelete)."
        if r["type"] == rt.DATA_PROTECTION:
            yield f"`{r['name']}` is removed: the log group's data is no longer audited or masked."
        if r["type"] == rt.INVOCATION_LOGGING:
            yield (
                "Bedrock invocation logging is no longer configured here: `pulumi up` deletes the account's "
                "logging configuration in this Region; configure it in the stack that takes it over first."
            )
    for r in diff.added:
        if r["type"] == rt.INVOCATION_LOGGING:
            yield (
                "This stack now configures Bedrock invocation logging, one setting per account and Region: "
                "make sure no other stack does (README, invocation logging)."
            )


def _changed(c: Changed) -> Iterator[str]:
    by_path = {ch.path: ch for ch in c.changes}
    for path in PROTECTION:
        ch = by_path.get(path)
        if ch is not None and ch.old is True and ch.new is not True:
            yield f"`{c.name}`: `{path.split('.', 1)[1]}` is switched off, so it can be deleted."
    retention = by_path.get("inputs.retentionInDays")
    if retention and _number(retention.old) and _number(retention.new) and retention.new < retention.old:
        yield (
            f"`{c.name}`: retention drops from {retention.old:g} to {retention.new:g} days; "
            f"events older than {retention.new:g} days are deleted."
        )
    if c.type == rt.DATA_PROTECTION:
        fewer = [ch.old for ch in c.changes if ".DataIdentifier" in ch.path and ch.new == MISSING]
        if fewer:
            names = ", ".join(sorted({str(f).rsplit("/", 1)[-1] for f in fewer}))
            yield f"`{c.name}`: masks fewer identifiers; no longer {names}."
    if c.replaced_by and c.type in _HOLDS_DATA:
        yield (
            f"`{c.name}` is replaced ({', '.join(c.replaced_by)} changes): a new, empty one is created, "
            f"and {_HOLDS_DATA[c.type]} stay with the old one."
        )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
