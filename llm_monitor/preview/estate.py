"""``python -m llm_monitor preview --estate --out DIR``: every stack of a project, as one estate.

Stacks run in the order they deploy in (README, "Many accounts and Regions"), each in a fresh
process (the Pulumi SDK keeps global state), each reading the outputs of the stacks it references:

1. the monitoring stacks, for their sinks (their sources export nothing yet);
2. the source and standalone stacks, whose links read ``sinkArn`` from their monitoring stack;
3. the monitoring stacks again, reading every source's ``estateSource``: this run is their preview.

``DIR/<stack>/`` holds each stack's usual preview; ``DIR/summary.md`` the estate: stacks, accounts,
Regions, resources and monthly cost per account and in total, and the estate dashboards' pictures.
The estate is then checked as a whole; each problem is one line, and any problem exits with 2.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm_monitor.config.estate import ACCOUNTS_KEY, SINK_ARN, pinned_accounts
from llm_monitor.estate.oam import admits
from llm_monitor.preview import report, stackconfig
from llm_monitor.preview.mocks import MOCK_ACCOUNT
from llm_monitor.resource_types import DASHBOARD, INVOCATION_LOGGING, OAM_LINK, OAM_SINK_POLICY

ESTATE_KEY = "llm-monitor:estate"


class EstateError(Exception):
    """Problems with the estate as a whole, one per line."""


@dataclass
class EstateStack:
    name: str
    role: str
    account: str
    region: str
    estate: dict[str, Any]
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    cost: float = 0.0
    error: str | None = None

    @property
    def pinned(self) -> bool:
        return self.account != MOCK_ACCOUNT

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_]


def main(args: argparse.Namespace) -> int:
    if args.estate == (args.stack is not None):
        print("error: give --stack STACK (one stack) or --estate (every stack of the project)", file=sys.stderr)
        return 2
    single = [flag for flag, given in (("--diff", args.diff), ("--stack-file", args.stack_file)) if given]
    single += ["--picture-dir"] if args.picture_dir else []
    if single:
        print(f"error: {', '.join(single)} preview one stack; not with --estate", file=sys.stderr)
        return 2
    try:
        stacks = discover(args.program)
        print(run(stacks, args))
    except (EstateError, stackconfig.StackConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def discover(project: Path) -> list[EstateStack]:
    """Every ``Pulumi.<stack>.yaml`` of the project, with its role, account and Region."""
    directory = stackconfig.stack_dir(project, stackconfig.read_yaml(project / "Pulumi.yaml"))
    names = stackconfig.known_stacks(directory)
    if not names:
        raise EstateError(f"no Pulumi.<stack>.yaml in {directory}")
    stacks = []
    for name in names:
        values = stackconfig.load(project, name).values
        given = values.get(ESTATE_KEY)
        estate: dict[str, Any] = given if isinstance(given, dict) else {}
        pinned = pinned_accounts(values.get(ACCOUNTS_KEY)) or []
        account = pinned[0] if len(pinned) == 1 else MOCK_ACCOUNT
        role = str(estate.get("role", "standalone"))
        stacks.append(EstateStack(name, role, account, str(values.get("aws:region") or "us-east-1"), estate))
    return stacks


def run(stacks: list[EstateStack], args: argparse.Namespace) -> str:
    """Preview the stacks in deployment order, write the estate summary, check the estate."""
    monitoring = [s for s in stacks if s.role == "monitoring"]
    others = [s for s in stacks if s.role != "monitoring"]
    args.out.mkdir(parents=True, exist_ok=True)
    # The first run of a monitoring stack stays in its folder should the second fail: its sink is checked.
    first = {s.name: _preview(s, args, args.out / s.name, {}, draw=False) for s in monitoring}
    sinks = {name: outputs for name, outputs in first.items() if outputs}
    for stack in others:
        stack.outputs = _preview(stack, args, args.out / stack.name, sinks, draw=not args.no_pictures)
    exported = {s.name: s.outputs for s in others if s.outputs}
    for stack in monitoring:
        stack.outputs = _preview(stack, args, args.out / stack.name, exported, draw=not args.no_pictures)
        stack.outputs = stack.outputs or first[stack.name]
    for stack in stacks:
        _read(stack, args.out / stack.name)
    (args.out / "summary.md").write_text(summary(stacks, args.out), encoding="utf-8")
    problems = check(stacks)
    if problems:
        raise EstateError(
            f"the estate has {report.plural(len(problems), 'problem')} (previews in {args.out}):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    accounts = {s.account for s in stacks}
    return (
        f"Estate of {report.plural(len(stacks), 'stack')} in {report.plural(len(accounts), 'account')}: "
        f"{sum(len(s.resources) for s in stacks)} resources, about {report.money(sum(s.cost for s in stacks))}/month.\n"
        f"Written to {args.out}/: summary.md and one folder per stack"
    )


def _preview(
    stack: EstateStack, args: argparse.Namespace, out: Path, outputs: dict[str, Any], *, draw: bool
) -> dict[str, Any]:
    """One stack's preview in a fresh process; its outputs, or {} (and ``stack.error``) when it fails."""
    out.parent.mkdir(parents=True, exist_ok=True)
    given = out.parent / f".{stack.name}.stack-outputs.json"
    given.write_text(json.dumps(outputs), encoding="utf-8")
    command = ["preview", "--program", str(args.program), "--stack", stack.name, "--out", str(out)]
    command += ["--stack-outputs", str(given), "--prices", str(args.prices)]
    command += [] if draw else ["--no-pictures"]
    completed = subprocess.run(
        [sys.executable, "-m", "llm_monitor", *command], capture_output=True, text=True, check=False
    )
    given.unlink()
    if completed.returncode != 0:
        stack.error = completed.stderr.strip().removeprefix("error: ")
        return {}
    stack.error = None
    found: dict[str, Any] = json.loads((out / "outputs.json").read_text(encoding="utf-8"))
    return found


def _read(stack: EstateStack, out: Path) -> None:
    if (out / "resources.json").is_file():
        stack.resources = json.loads((out / "resources.json").read_text(encoding="utf-8"))
        stack.cost = float(json.loads((out / "cost.json").read_text(encoding="utf-8"))["totals"]["total"])


# --- checks ------------------------------------------------------------------------------------


def check(stacks: Sequence[EstateStack]) -> list[str]:
    """Every problem of the estate as a whole, each naming its stacks."""
    problems = [f"stack {s.name}: its preview failed: {s.error}" for s in stacks if s.error]
    problems += _missing_sources(stacks)
    problems += _links(stacks)
    problems += _logging_owners(stacks)
    problems += _dashboard_names(stacks)
    return problems


def _missing_sources(stacks: Sequence[EstateStack]) -> list[str]:
    """Every source a monitoring stack names is a source stack of the project."""
    roles = {s.name: s.role for s in stacks}
    problems = []
    for stack in stacks:
        for index, reference in enumerate(stack.estate.get("sourceStacks") or []):
            name = str(reference).rsplit("/", 1)[-1]
            if roles.get(name) != "source":
                what = "is not a source stack" if name in roles else "does not exist in this project"
                problems.append(
                    f"stack {stack.name}: {ESTATE_KEY}.sourceStacks[{index}] names {reference}, which {what}"
                )
    return problems


def _links(stacks: Sequence[EstateStack]) -> list[str]:
    """Every link targets a sink of the estate in its own Region, whose policy admits its account."""
    sinks: dict[str, EstateStack] = {}
    for stack in stacks:
        arn = stack.outputs.get("sinkArn")
        if stack.role == "monitoring" and isinstance(arn, str):
            sinks[arn] = stack
    problems = []
    for stack in stacks:
        for link in stack.of_type(OAM_LINK):
            arn = str(link["inputs"].get("sinkIdentifier"))
            match = SINK_ARN.fullmatch(arn)
            owner = sinks.get(arn)
            if match and match.group("region") != stack.region:
                problems.append(
                    f"stack {stack.name}: its link targets a sink in {match.group('region')}; an OAM link "
                    f"reaches only a sink in its own Region {stack.region}"
                )
            elif owner is None:
                problems.append(
                    f"stack {stack.name}: its link targets {arn}, which no monitoring stack of the estate owns"
                )
            elif not _admitted(owner, stack.account):
                problems.append(
                    f"stack {owner.name}: its sink policy does not admit account {stack.account}, "
                    f"whose stack {stack.name} links to it (add it to {ESTATE_KEY}.sourceAccounts)"
                )
    return problems


def _admitted(monitoring: EstateStack, account: str) -> bool:
    """Whether the sink policy admits ``account``; an organization's member list is AWS's to check."""
    for policy in monitoring.of_type(OAM_SINK_POLICY):
        document = json.loads(policy["inputs"]["policy"])
        organization = monitoring.estate.get("organizationId")
        if admits(document, account, organization if isinstance(organization, str) else None):
            return True
    return False


def _logging_owners(stacks: Sequence[EstateStack]) -> list[str]:
    """Bedrock invocation logging is one setting per account and Region: one owner each."""
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for stack in stacks:
        if stack.of_type(INVOCATION_LOGGING):
            owners[(stack.account, stack.region)].append(stack.name)
    return [
        f"stacks {', '.join(names)} all own Bedrock invocation logging of account {account} in {region}; "
        "keep llm-monitor:logs.invocationLogging.enabled in one of them"
        for (account, region), names in sorted(owners.items())
        if len(names) > 1
    ]


def _dashboard_names(stacks: Sequence[EstateStack]) -> list[str]:
    """Dashboards are global to an account: two stacks of one account must not name one the same."""
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for stack in stacks:
        for dashboard in stack.of_type(DASHBOARD):
            key = (stack.account, str(dashboard["inputs"]["dashboardName"]))
            if key in seen and seen[key] != stack.name:
                problems.append(
                    f"stacks {seen[key]} and {stack.name} both create the dashboard {key[1]} in account {key[0]}"
                )
            seen.setdefault(key, stack.name)
    return problems


# --- summary -----------------------------------------------------------------------------------


def summary(stacks: Sequence[EstateStack], out: Path) -> str:
    """The estate summary: stacks, accounts, Regions, resources, cost, estate dashboard pictures."""
    lines = ["# Estate preview", ""]
    lines += [
        "| Stack | Role | Account | Region | Resources | Monthly cost |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for s in stacks:
        account = s.account if s.pinned else f"{s.account} (not pinned)"
        resources = "failed" if s.error else str(len(s.resources))
        link = f"[{s.name}]({s.name}/summary.md)"
        lines.append(f"| {link} | {s.role} | {account} | {s.region} | {resources} | {report.money(s.cost)} |")
    lines += [
        "",
        "## Monthly cost by account",
        "",
        "| Account | Stacks | Regions | Monthly cost |",
        "| --- | ---: | --- | ---: |",
    ]
    accounts: dict[str, list[EstateStack]] = defaultdict(list)
    for s in stacks:
        accounts[s.account].append(s)
    for account, members in sorted(accounts.items()):
        regions = ", ".join(sorted({m.region for m in members}))
        lines.append(f"| {account} | {len(members)} | {regions} | {report.money(sum(m.cost for m in members))} |")
    lines.append(f"| **Total** | {len(stacks)} | | **{report.money(sum(s.cost for s in stacks))}** |")
    lines += ["", "Each stack's own summary.md says what its cost assumes.", "", "## Estate dashboards", ""]
    drawn = [p for s in stacks if s.role == "monitoring" for p in sorted((out / s.name / "dashboards").glob("*.png"))]
    if not drawn:
        lines.append("No pictures drawn (`--no-pictures`, or no monitoring stack).")
    for picture in drawn:
        relative = picture.relative_to(out).as_posix()
        lines += [f"### {picture.stem}", "", f"![{picture.stem}]({relative})", ""]
    return "\n".join(lines).rstrip() + "\n"
