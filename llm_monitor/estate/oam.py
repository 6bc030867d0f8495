"""CloudWatch cross-account observability (OAM): the sink policy and the link a stack needs (pure).

- Sink policy, as the OAM user guide and the pulumi-aws ``oam.SinkPolicy`` example write it: the
  source accounts (``Principal.AWS``) or any principal of an organization (``aws:PrincipalOrgID``)
  may ``oam:CreateLink``/``oam:UpdateLink``, for metrics and log groups only
  (``ForAllValues:StringEquals`` on ``oam:ResourceTypes``).
- Link filters (OAM API ``LogGroupConfiguration``/``MetricConfiguration``, 1-2000 characters):
  single-quoted names, ``=``/``!=``, ``LIKE``/``NOT LIKE`` (prefix only), ``IN``/``NOT IN``,
  ``AND``/``OR``; "each filter has a limit of five conditional operands. Conditional operands are
  AND and OR". Whether the five count the conditions or the ANDs and ORs between them is not said;
  ``check_filter`` counts the conditions, the stricter reading (five conditions have four ANDs/ORs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from llm_monitor.aws import safe_name

#: What a link shares and a sink admits: metrics and log groups only (no traces, no Application Insights).
RESOURCE_TYPES = ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup")
MAX_FILTER_OPERANDS = 5
MAX_FILTER_LENGTH = 2000
#: Shown for each source account in the monitoring account's console (OAM ``LabelTemplate`` variables).
LABEL_TEMPLATE = "$AccountName"
_SEARCH_SCHEMA = re.compile(r"\{([^,{}]+)[,}]")
_CONDITION = re.compile(r"\b(NOT\s+LIKE|LIKE|NOT\s+IN|IN)\b|!=|=")


def sink_name(project: str, stack: str, region: str) -> str:
    """The sink's name (OAM sink names: 1-255 letters, digits, ``_``, ``.`` and ``-``)."""
    return safe_name(f"{project}-{stack}-{region}")[:255]


def sink_policy(accounts: Sequence[str], organization_id: str | None) -> dict[str, Any]:
    """Who may link to the sink: the listed accounts, or the organization; metrics and log groups only."""
    condition: dict[str, Any] = {"ForAllValues:StringEquals": {"oam:ResourceTypes": list(RESOURCE_TYPES)}}
    principal: Any = {"AWS": sorted(accounts)}
    if organization_id is not None:
        principal = "*"
        condition["ForAnyValue:StringEquals"] = {"aws:PrincipalOrgID": [organization_id]}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SourceAccountsLinkMetricsAndLogGroups",
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["oam:CreateLink", "oam:UpdateLink"],
                "Resource": "*",
                "Condition": condition,
            }
        ],
    }


def admits(policy: dict[str, Any], account: str, organization_of: str | None = None) -> bool:
    """Whether ``policy`` (as ``sink_policy`` writes it) lets ``account`` link metrics and log groups."""
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow" or "oam:CreateLink" not in statement.get("Action", []):
            continue
        types = statement.get("Condition", {}).get("ForAllValues:StringEquals", {}).get("oam:ResourceTypes", [])
        if not set(RESOURCE_TYPES) <= set(types):
            continue
        principal = statement.get("Principal")
        orgs = statement.get("Condition", {}).get("ForAnyValue:StringEquals", {}).get("aws:PrincipalOrgID", [])
        if principal == "*" and organization_of is not None and organization_of in orgs:
            return True
        if isinstance(principal, dict) and account in principal.get("AWS", []):
            return True
    return False


@dataclass(frozen=True)
class LinkFilters:
    """What a source's link shares: its namespaces and its log groups (OAM link filters)."""

    metrics: str
    log_groups: str | None
    """None: the stack has no log group (no logs part), and the link shares metrics only."""

    @property
    def resource_types(self) -> list[str]:
        return list(RESOURCE_TYPES if self.log_groups else RESOURCE_TYPES[:1])

    def inputs(self) -> dict[str, Any]:
        """``link_configuration`` of ``aws.oam.Link``."""
        configuration: dict[str, Any] = {"metric_configuration": {"filter": self.metrics}}
        if self.log_groups:
            configuration["log_group_configuration"] = {"filter": self.log_groups}
        return configuration


def link_filters(namespaces: Iterable[str], log_groups: Iterable[str]) -> LinkFilters:
    """Only what this product publishes and reads: ``Namespace IN (...)``, ``LogGroupName IN (...)``."""
    spaces, groups = sorted(set(namespaces)), sorted(set(log_groups))
    if not spaces:
        raise ValueError("the link would share no namespace")
    metrics = f"Namespace IN ({_quoted(spaces)})"
    log_filter = f"LogGroupName IN ({_quoted(groups)})" if groups else None
    for text in (metrics, log_filter):
        if text is not None:
            check_filter(text)
    return LinkFilters(metrics, log_filter)


def namespaces_in(bodies: Iterable[dict[str, Any]], alarm_namespaces: Iterable[str]) -> set[str]:
    """The namespaces the dashboard bodies read (metric entries and SEARCH schemas) and the alarms watch."""
    found = set(alarm_namespaces)
    for body in bodies:
        for widget in body.get("widgets", []):
            for entry in widget.get("properties", {}).get("metrics", []) if widget.get("type") == "metric" else []:
                if entry and isinstance(entry[0], dict):
                    found.update(_SEARCH_SCHEMA.findall(entry[0].get("expression", "")))
                elif entry and isinstance(entry[0], str) and entry[0] != ".":
                    found.add(entry[0])
    return found


def check_filter(text: str) -> None:
    """Raise ValueError for a filter OAM refuses: more than 5 conditions, or over 2,000 characters."""
    outside_quotes = re.sub(r"'[^']*'", "''", text)
    conditions = len(_CONDITION.findall(outside_quotes))
    if conditions > MAX_FILTER_OPERANDS:
        raise ValueError(
            f"link filter {text!r} has {conditions} conditions; OAM allows {MAX_FILTER_OPERANDS} per filter"
        )
    if not 1 <= len(text) <= MAX_FILTER_LENGTH:
        raise ValueError(f"link filter of {len(text)} characters; OAM allows 1-{MAX_FILTER_LENGTH}")


def _quoted(values: Sequence[str]) -> str:
    for value in values:
        if "'" in value:
            raise ValueError(f"{value!r}: a name in a link filter cannot hold a single quote")
    return ", ".join(f"'{v}'" for v in values)
