"""Contributor Insights rules on the invocation log group, as specs (pure): the high-cardinality
breakdowns (tenants) without a custom metric per value.

A metric filter with a ``Tenant`` dimension publishes one custom metric per tenant and metric
($0.30 a month each: 1,000 tenants × 3 metrics is $900); a rule costs $0.50 a month plus $0.02
per million log events it matches, whatever the number of tenants, and its dashboard widget
shows the top contributors. Alarms can read a rule's aggregate figures (the top contributor's
value, the number of contributors) with the ``INSIGHT_RULE_METRIC`` metric-math function.

Rule syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html
(``Schema`` is always CloudWatchLogRule version 1; ``Keys`` at most 4 JSON selectors; ``ValueOf``
with ``AggregateOn: Sum``, else ``Count``; ``Filters`` with ``Match`` and ``In``). PutInsightRule
limits (botocore ``cloudwatch`` model): RuleName 1-128 printable ASCII characters, RuleDefinition
1-8,192 ASCII characters.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from llm_monitor.config.logs import INVOCATIONS, LogSettings

MAX_RULE_NAME = 128
MAX_RULE_DEFINITION = 8192
MAX_KEYS = 4

_RULE_NAME = re.compile(r"[\x20-\x7E]+")


@dataclass(frozen=True)
class ContributorRuleSpec:
    """One rule: what it counts (``value_of`` summed, or events counted) by which keys."""

    key: str
    name: str
    group: str
    title: str
    keys: tuple[str, ...]
    """JSON selectors whose values identify a contributor."""
    value_of: str | None
    """JSON selector summed per contributor; None: events counted."""
    match: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(selector, accepted values) conditions every counted event meets."""

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= len(self.name) <= MAX_RULE_NAME or not _RULE_NAME.fullmatch(self.name):
            problems.append(f"rule name must be 1-{MAX_RULE_NAME} printable ASCII characters")
        if not 1 <= len(self.keys) <= MAX_KEYS:
            problems.append(f"{len(self.keys)} keys (1 to {MAX_KEYS})")
        if problems:
            raise ValueError(f"contributor rule {self.key!r}: " + "; ".join(problems))

    @property
    def aggregate(self) -> str:
        return "Sum" if self.value_of else "Count"

    def definition(self, log_group: str) -> str:
        """The rule body (JSON, keys sorted: the same settings give the same bytes)."""
        contribution: dict[str, object] = {
            "Keys": list(self.keys),
            "Filters": [{"Match": selector, "In": list(values)} for selector, values in self.match],
        }
        if self.value_of:
            contribution["ValueOf"] = self.value_of
        body = json.dumps(
            {
                "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
                "LogGroupNames": [log_group],
                "LogFormat": "JSON",
                "Contribution": contribution,
                "AggregateOn": self.aggregate,
            },
            sort_keys=True,
        )
        if len(body) > MAX_RULE_DEFINITION or not body.isascii():
            raise ValueError(f"contributor rule {self.key!r}: the definition must be ASCII, at most 8,192 characters")
        return body


def rule_name(prefix: str, key: str) -> str:
    """``<prefix>-<key>``; past RuleName's 128 characters, the prefix is shortened and a digest of
    it keeps names of different stacks apart (the same prefix always gives the same name)."""
    name = f"{prefix}-{key}"
    if len(name) <= MAX_RULE_NAME:
        return name
    digest = hashlib.sha256(prefix.encode()).hexdigest()[:8]
    return f"{prefix[: MAX_RULE_NAME - len(key) - len(digest) - 2]}-{digest}-{key}"


def contributor_rules(logs: LogSettings, prefix: str) -> list[ContributorRuleSpec]:
    """Input tokens by tenant, when a tenant key is configured: one rule (the tokens are what a
    tenant costs; its calls are a saved query away), so that the stack's shared part stays within
    its $15 with up to the 9 models the delivery-stopped alarm watches."""
    if not logs.tenant_metadata_key:
        return []
    tenant = f"$.requestMetadata.{logs.tenant_metadata_key}"
    records = (("$.schemaType", ("ModelInvocationLog",)),)
    return [
        ContributorRuleSpec(
            "tenant-input-tokens",
            rule_name(prefix, "tenant-input-tokens"),
            INVOCATIONS,
            "Top tenants by input tokens",
            (tenant,),
            "$.input.inputTokenCount",
            records,
        ),
    ]
