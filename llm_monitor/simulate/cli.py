"""``python -m llm_monitor test-alarms`` and ``history-queries``: unit tests for alarms.

``test-alarms`` runs scenario files (the shipped incident library by default) against one or
more stacks' own alarms and prints a timeline per scenario. Exit codes: 0 when every
expectation holds, 1 when one fails (a picture of each failing scenario is written), 2 for a bad
scenario file, stack or flag (one message naming the key).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from llm_monitor.alarms import AlarmPlan, build_alarms
from llm_monitor.config import ConfigError, Settings, parse_settings
from llm_monitor.preview import stackconfig
from llm_monitor.simulate import engine, replay
from llm_monitor.simulate.report import markdown, timeline
from llm_monitor.simulate.scenario import Scenario, ScenarioError
from llm_monitor.simulate.scenario import load as load_scenario
from llm_monitor.simulate.verdict import Verdict, judge

LIBRARY = Path(__file__).resolve().parents[1] / "incidents"
"""The shipped incident library."""


class UsageError(Exception):
    """A problem with the command line or a stack: one line, exit code 2."""


@dataclass(frozen=True)
class Stack:
    name: str
    settings: Settings
    plan: AlarmPlan


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser], project_dir: Path) -> None:
    test = commands.add_parser(
        "test-alarms",
        help="run incident scenarios against a stack's alarms (the shipped library by default)",
        description="Replay incidents (YAML scenario files) against the stacks' own alarms, minute by minute as "
        "CloudWatch evaluates them, and check the expected pages and e-mails. Exit code 1 when an expectation "
        "fails, 2 for a bad scenario file.",
    )
    test.add_argument(
        "scenarios",
        nargs="*",
        type=Path,
        help="scenario files or directories of them (default: the shipped incident library)",
    )
    test.add_argument(
        "--stack",
        action="append",
        default=[],
        help="run against this stack (Pulumi.<stack>.yaml; repeatable); default: each scenario's own `stack`",
    )
    test.add_argument("--out", type=Path, default=Path("build/test-alarms"), help="where pictures of failures go")
    test.add_argument("--report", type=Path, help="also write a Markdown summary (docs/incidents.md)")
    test.add_argument("--quiet", action="store_true", help="one line per passing scenario")
    test.add_argument(
        "--seed",
        help="draw the traffic's noise from another seed (every scenario's own seed, with this appended): "
        "a result that holds for several seeds does not depend on lucky noise",
    )
    test.add_argument("--project-dir", type=Path, default=project_dir, help=argparse.SUPPRESS)
    history = commands.add_parser(
        "history-queries",
        help="write the get-metric-data input that fetches what a stack's alarms read, to replay it",
        description="Print the JSON for `aws cloudwatch get-metric-data --cli-input-json file://FILE` that "
        "fetches, minute by minute, every metric and statistic the stack's alarms read. Save the command's "
        "output and name it in a scenario's `replay:` key.",
    )
    history.add_argument("--stack", required=True)
    history.add_argument("--start", required=True, type=_moment, help="ISO 8601, e.g. 2026-11-23T00:00:00Z")
    history.add_argument("--end", required=True, type=_moment)
    history.add_argument("--project-dir", type=Path, default=project_dir, help=argparse.SUPPRESS)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time (2026-11-23T00:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "history-queries":
            stack = _stack(args.project_dir, args.stack, {})
            if args.end <= args.start:
                raise UsageError("--end must be after --start")
            print(json.dumps(replay.history_queries(stack.plan, args.start, args.end), indent=2))
            return 0
        return _test(args)
    except (UsageError, ScenarioError, ConfigError, stackconfig.StackConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _test(args: argparse.Namespace) -> int:
    files = _scenario_files(args.scenarios or [LIBRARY])
    scenarios = [(path, load_scenario(path)) for path in files]
    if args.seed:
        scenarios = [(p, s.model_copy(update={"seed": f"{s.seed or s.name}:{args.seed}"})) for p, s in scenarios]
    stacks: dict[str, Stack] = {}
    verdicts: list[Verdict] = []
    for path, scenario in scenarios:
        names = args.stack or ([scenario.stack] if scenario.stack else [])
        if not names:
            raise UsageError(f"{path}: no stack; give --stack or set `stack:` in the scenario")
        for name in names:
            stack = _stack(args.project_dir, name, stacks)
            verdicts.append(judge(_simulate(path, scenario, stack), stack.settings))
    failed = [v for v in verdicts if not v.passed]
    for verdict in verdicts:
        if verdict.not_applicable:
            print(timeline(verdict))
        elif args.quiet and verdict.passed:
            print(f"PASS {verdict.run.scenario.name} on {verdict.run.stack}")
        else:
            print(timeline(verdict) + "\n")
    if failed:
        from llm_monitor.simulate.picture import render  # matplotlib is slow to import: only for failures

        args.out.mkdir(parents=True, exist_ok=True)
        for verdict in failed:
            picture = args.out / f"{verdict.run.stack}-{verdict.run.scenario.name}.png"
            picture.write_bytes(render(verdict))
            print(f"picture of the failure: {picture}", file=sys.stderr)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(markdown(verdicts), encoding="utf-8")
    skipped = sum(1 for v in verdicts if v.not_applicable)
    ran = len(verdicts) - skipped
    note = f" ({skipped} not applicable: the stack lacks what they exercise)" if skipped else ""
    print(f"{ran - len(failed)} of {ran} scenario runs passed{note}.")
    return 1 if failed else 0


def _scenario_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.yaml"))
            if not found:
                raise UsageError(f"{path}: no scenario files (*.yaml) there")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such scenario file or directory")
    return files


def _stack(project_dir: Path, name: str, cache: dict[str, Stack]) -> Stack:
    if name not in cache:
        config = stackconfig.load(project_dir, name)
        settings = parse_settings(config.values)
        cache[name] = Stack(name, settings, build_alarms(settings, project=config.project, stack=name))
    return cache[name]


def _simulate(path: Path, scenario: Scenario, stack: Stack) -> engine.Run:
    if scenario.replay is None:
        return engine.simulate(stack.plan, stack.settings, scenario, stack.name)
    store, origin, duration = replay.load(path.parent / scenario.replay, engine.warm_up(stack.plan))
    timed = scenario.model_copy(update={"start": origin, "duration": duration})
    return engine.simulate(stack.plan, stack.settings, timed, stack.name, store=store)
