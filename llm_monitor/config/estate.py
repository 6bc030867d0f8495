"""``llm-monitor:estate``: the stack's role in an estate of accounts and Regions watched from one place.

Built on CloudWatch cross-account observability (Observability Access Manager, OAM): a
``monitoring`` stack owns a sink in its account and Region; each ``source`` stack links its
account's metrics and log groups to the sink of its Region. ``standalone`` (the default) is a stack
on its own, exactly as without this setting.

Who is who: a stack's account is the one pinned by ``aws:allowedAccountIds`` (the AWS provider's own
guard against deploying into the wrong account), required for the ``source`` and ``monitoring`` roles.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import Field

from llm_monitor.config.base import Section, matching, repeated
from llm_monitor.config.errors import Problem

Role = Literal["standalone", "source", "monitoring"]
ACCOUNTS_KEY = "aws:allowedAccountIds"
_ACCOUNT = re.compile(r"[0-9]{12}")
# AWS Organizations IDs: o- and 10-32 lower-case letters or digits (Organizations API, Organization.Id).
_ORGANIZATION = re.compile(r"o-[a-z0-9]{10,32}")
# OAM sink ARN: arn:<partition>:oam:<region>:<account>:sink/<id> (OAM API reference, CreateSink response).
SINK_ARN = re.compile(r"arn:aws[a-z-]*:oam:(?P<region>[a-z]{2}(-[a-z]+)+-[0-9]):(?P<account>[0-9]{12}):sink/[\w-]+")
# A stack reference: <stack>, <project>/<stack> or <organization>/<project>/<stack> (Pulumi stack names).
_STACK_REFERENCE = re.compile(r"([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]{1,100}")


AccountId = Annotated[str, matching(_ACCOUNT, "an AWS account ID (12 digits, as a string)")]
StackReference = Annotated[
    str, matching(_STACK_REFERENCE, "a stack reference (<stack>, <project>/<stack> or <org>/<project>/<stack>)")
]


class EstateSettings(Section):
    """The stack's role in an estate: ``standalone``, a ``source`` linked to a monitoring account, or the
    ``monitoring`` stack of one Region (the OAM sink, the estate dashboards and the central alarms)."""

    role: Role = "standalone"
    """standalone (default), source or monitoring."""
    source_accounts: list[AccountId] = Field(default_factory=list)
    """Monitoring: the accounts the sink admits (or organizationId)."""
    organization_id: Annotated[str, matching(_ORGANIZATION, "an AWS Organizations ID (o-...)")] | None = None
    """Monitoring: admit every account of this organization (aws:PrincipalOrgID) instead of a list."""
    source_stacks: list[StackReference] = Field(default_factory=list)
    """Monitoring: the source stacks whose models, account and Region it watches (stack references)."""
    monitoring_stack: StackReference | None = None
    """Source: the monitoring stack of this Region, whose sinkArn output the link targets."""
    sink_arn: (
        Annotated[str, matching(SINK_ARN, "an OAM sink ARN (arn:aws:oam:<region>:<account>:sink/<id>)")] | None
    ) = None
    """Source: the sink's ARN, instead of monitoringStack."""


def pinned_accounts(raw: Any) -> list[str] | None:
    """``aws:allowedAccountIds`` as the program receives it (JSON text of a list), or None when unset/invalid."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if isinstance(raw, list) and all(isinstance(a, str) for a in raw):
        return list(raw)
    return None


def estate_problems(
    estate: EstateSettings, accounts: Any, region: str | None, models: Any, namespace: str
) -> list[Problem]:
    """What a role needs: its account pinned, a sink to link to or accounts to admit, no stray settings."""
    key = f"{namespace}:estate"
    problems: list[Problem] = []
    source_only: dict[str, object] = {"monitoringStack": estate.monitoring_stack, "sinkArn": estate.sink_arn}
    monitoring_only: dict[str, object] = {
        "sourceAccounts": estate.source_accounts,
        "organizationId": estate.organization_id,
        "sourceStacks": estate.source_stacks,
    }
    strays: dict[str, dict[str, object]] = {
        "standalone": {**source_only, **monitoring_only},
        "source": monitoring_only,
        "monitoring": source_only,
    }
    for name, value in strays[estate.role].items():
        if value:
            problems.append(
                Problem(f"{key}.{name}", f"set, but only a {_role_of(name)} stack uses it (role is {estate.role})")
            )
    if estate.role == "standalone":
        return problems
    pinned = pinned_accounts(accounts)
    if pinned is None or len(pinned) != 1 or not _ACCOUNT.fullmatch(pinned[0]):
        problems.append(
            Problem(
                ACCOUNTS_KEY,
                f"a {estate.role} stack names its one account here (got {accounts!r}), e.g. "
                "`pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012`: the provider refuses "
                "to deploy anywhere else, and the estate knows who is who",
            )
        )
    if estate.role == "source":
        if (estate.sink_arn is None) == (estate.monitoring_stack is None):
            problems.append(
                Problem(
                    f"{key}.sinkArn",
                    "a source stack names exactly one of sinkArn or monitoringStack (the sink to link to)",
                )
            )
        match = SINK_ARN.fullmatch(estate.sink_arn or "")
        if match and region and match.group("region") != region:
            problems.append(
                Problem(
                    f"{key}.sinkArn",
                    f"the sink is in {match.group('region')}; an OAM link targets a sink in its own Region {region}",
                )
            )
        return problems
    if not estate.source_accounts and estate.organization_id is None:
        problems.append(
            Problem(
                f"{key}.sourceAccounts",
                "a monitoring stack admits some accounts: list sourceAccounts or set organizationId",
            )
        )
    for account in repeated(estate.source_accounts):
        problems.append(Problem(f"{key}.sourceAccounts", f"{account} is listed twice"))
    for stack in repeated(estate.source_stacks):
        problems.append(Problem(f"{key}.sourceStacks", f"{stack} is listed twice"))
    if isinstance(models, list) and models:
        problems.append(
            Problem(
                f"{namespace}:models",
                f"lists {len(models)}; a monitoring stack watches the models its source stacks export "
                "(list them in the sources, or deploy a source stack in this account too)",
            )
        )
    return problems


def _role_of(name: str) -> str:
    return "source" if name in ("monitoringStack", "sinkArn") else "monitoring"
