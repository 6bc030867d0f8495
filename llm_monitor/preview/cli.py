"""Command line: ``python -m llm_monitor preview --stack dev --out DIR``.

Writes ``DIR/summary.md`` (resource counts, alarms per model, the monthly cost of the monitoring,
the dashboard pictures and, with ``--diff``, what changes), ``resources.json``, ``outputs.json``
and ``dashboards/<name>.json`` + ``.png``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm_monitor import __version__
from llm_monitor.config import NAMESPACE, ConfigError
from llm_monitor.config.root import REGION_KEY, SECTIONS
from llm_monitor.config.sensitive import kept_secret
from llm_monitor.preview import cost, diff, pictures, prices, report, runner, stackconfig
from llm_monitor.preview.output import OutputError, PreviewDir
from llm_monitor.preview.progress import Progress
from llm_monitor.preview.secrets import Secrets
from llm_monitor.resource_types import DASHBOARD
from llm_monitor.simulate import cli as alarm_tests

#: Every config key the program reads (named to a stack whose values come from an ESC environment).
PROGRAM_KEYS = (REGION_KEY, *(f"{NAMESPACE}:{name}" for name in SECTIONS))


class CliError(Exception):
    """A problem to report in one line, without a traceback."""


# --- argument types: argparse turns their errors into a usage message and exit code 2 ---------


def _positive_int(text: str) -> int:
    value = _number(text)
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 1")
    return int(value)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number ≥ 0")
    return value


def _named(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` → (NAME, VALUE); a bare VALUE → ("*", VALUE)."""
    name, sep, value = text.rpartition("=")
    if sep and not name:
        raise argparse.ArgumentTypeError(f"{text!r}: the name before '=' is empty")
    return (name if sep else "*"), value


def _log_volume(text: str) -> tuple[str, float]:
    name, value = _named(text)
    return name, _number(value)


def _dimension_values(text: str) -> tuple[str, int]:
    name, value = _named(text)
    if name == "*":
        raise argparse.ArgumentTypeError(f"{text!r}: write DIMENSION=COUNT, e.g. App=3")
    return name, _positive_int(value)


def _traffic(text: str) -> tuple[str, cost.Traffic]:
    # The model's name ends at the first '=' before the first ':' (tier shares have '=' too).
    head, colon, rest = text.partition(":")
    name, value = _named(head)
    parts = [value, *rest.split(":")] if colon else [value]
    if len(parts) not in (3, 4):
        raise argparse.ArgumentTypeError(
            f"{text!r}: write [MODEL=]REQUESTS_PER_DAY:INPUT_TOKENS:OUTPUT_TOKENS[:TIER=SHARE,...], "
            "e.g. 20000:1500:300 or 20000:1500:300:priority=0.2,flex=0.3"
        )
    requests, tokens_in, tokens_out = (_number(p) for p in parts[:3])
    tiers: dict[str, float] = {}
    for item in parts[3].split(",") if len(parts) == 4 else []:
        tier, _, share = item.partition("=")
        if tier not in ("reserved", "priority", "flex") or not share:
            raise argparse.ArgumentTypeError(f"{text!r}: tier shares are reserved=, priority= or flex= a fraction")
        tiers[tier] = _number(share)
    if sum(tiers.values()) > 1:
        raise argparse.ArgumentTypeError(f"{text!r}: the tier shares add up to more than 1")
    return name, cost.Traffic(requests, tokens_in, tokens_out, tiers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m llm_monitor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"llm-monitor {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    preview = commands.add_parser(
        "preview",
        help="run the program under Pulumi's mock runtime and write what `pulumi up` would create",
        description="Run the program under Pulumi's mock runtime; write resources, dashboard pictures, "
        "the monthly cost of the monitoring and (with --diff) what changes, summed up in DIR/summary.md.",
    )
    preview.add_argument(
        "--program",
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the Pulumi project to preview: the directory of its Pulumi.yaml, program and stack files "
        "(default: the current directory; this project's own, or a program of yours that uses BedrockMonitoring)",
    )
    preview.add_argument("--stack", help="stack name: reads Pulumi.<stack>.yaml (required unless --estate)")
    preview.add_argument(
        "--estate",
        action="store_true",
        help="preview every Pulumi.<stack>.yaml of the project in dependency order, as one estate of accounts and "
        "Regions; one folder per stack and an estate summary.md",
    )
    # The estate preview's: what each stack a StackReference reads exports (JSON: stack name -> outputs).
    preview.add_argument("--stack-outputs", type=Path, help=argparse.SUPPRESS)
    preview.add_argument("--out", required=True, type=Path, help="directory to write the preview to")
    preview.add_argument("--stack-file", type=Path, help="use this stack file instead of Pulumi.<stack>.yaml")
    preview.add_argument(
        "--diff",
        metavar="STACK_OR_DIR",
        help="compare with another stack (e.g. dev) or an earlier preview directory (one holding resources.json)",
    )
    preview.add_argument("--no-pictures", action="store_true", help="skip the dashboard PNGs (faster)")
    preview.add_argument(
        "--picture-dir",
        type=Path,
        help="also copy the pictures to DIR/<stack>-dashboard[-<page>].png (the README's picture: --picture-dir docs)",
    )
    estimate = preview.add_argument_group("cost assumptions (printed beside the figures in summary.md)")
    defaults = cost.Assumptions()
    estimate.add_argument(
        "--tenants",
        type=_positive_int,
        default=defaults.tenants,
        help="distinct values of each metric-filter dimension other than the model's and the application's "
        "(default %(default)s)",
    )
    estimate.add_argument(
        "--applications",
        type=_positive_int,
        default=defaults.applications,
        help="distinct values of the Application dimension: applications writing the application log "
        "(default %(default)s)",
    )
    estimate.add_argument(
        "--dimension-values",
        type=_dimension_values,
        action="append",
        default=[],
        metavar="DIMENSION=COUNT",
        help="distinct values of one named metric-filter dimension, instead of --tenants (repeatable)",
    )
    estimate.add_argument(
        "--log-gb-per-month",
        type=_log_volume,
        action="append",
        default=[],
        metavar="[LOG_GROUP=]GB",
        help=f"GB ingested per month into each log group, or into the named one (repeatable; "
        f"default {defaults.log_gb_per_month:g})",
    )
    estimate.add_argument(
        "--dashboard-loads-per-day",
        type=_number,
        default=defaults.dashboard_loads_per_day,
        help="loads of each dashboard per day; each runs every log widget's query (default %(default)s; "
        "a tab auto-refreshing every 5 minutes is 288)",
    )
    estimate.add_argument(
        "--traffic",
        type=_traffic,
        action="append",
        default=[],
        metavar="[MODEL=]REQUESTS_PER_DAY:INPUT_TOKENS:OUTPUT_TOKENS[:TIER=SHARE,...]",
        help="expected Bedrock traffic (every model, or the named one; repeatable): adds the Bedrock spend; "
        "shares of the requests on the Reserved, Priority or Flex tier (the rest Standard) are priced at "
        "those tiers' prices",
    )
    estimate.add_argument(
        "--prices", type=Path, default=prices.DEFAULT_FILE, help="price table (JSON; default: us-east-1's)"
    )
    alarm_tests.add_commands(commands, Path("."))
    commands.add_parser(
        "schema",
        help="print the component package's Pulumi schema (provider/schema.json)",
        description="Print the schema Pulumi infers for BedrockMonitoring, as provider/__main__.py serves it.",
    )
    return parser


def _assumptions(args: argparse.Namespace, models: list[str]) -> cost.Assumptions:
    volumes = dict(args.log_gb_per_month)
    traffic = dict(args.traffic)
    unknown = sorted(set(traffic) - {"*", *models})
    if unknown:
        raise CliError(f"--traffic names {', '.join(unknown)}, not a model of this stack ({', '.join(models)})")
    return cost.Assumptions(
        tenants=args.tenants,
        applications=args.applications,
        dimension_values=dict(args.dimension_values),
        log_gb_per_month=volumes.pop("*", cost.Assumptions().log_gb_per_month),
        log_gb_by_group=volumes,
        dashboard_loads_per_day=args.dashboard_loads_per_day,
        traffic=traffic,
    )


@dataclass
class _Run:
    """What one preview needs besides its arguments; ``secrets`` scrubs every error message too."""

    args: argparse.Namespace
    progress: Progress
    secrets: Secrets = field(default_factory=Secrets)


def entry_point() -> None:
    """The ``llm-monitor`` console script (same as ``python -m llm_monitor``)."""
    sys.exit(main())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from llm_monitor.components.package import component_schema

        print(json.dumps(component_schema(), indent=2, sort_keys=True))
        return 0
    if args.command != "preview":
        return alarm_tests.run(args)
    if args.estate or args.stack is None:
        from llm_monitor.preview import estate

        return estate.main(args)
    error = None
    with Progress() as progress:
        run = _Run(args, progress)
        try:
            lines = _preview(run)
        except (CliError, ConfigError, stackconfig.StackConfigError, prices.PriceError, OutputError) as exc:
            error = str(exc)
        except OSError as exc:
            error = f"cannot write the preview to {exc.filename or args.out}: {exc.strerror or exc}"
    if error is not None:
        print(f"error: {run.secrets.explain(error)}", file=sys.stderr)
        return 2
    print(lines)
    return 0


def _preview(run: _Run) -> str:
    """Run the program, write the preview directory (all at once), return the terminal summary."""
    args, progress = run.args, run.progress
    progress.step("reading the stack configuration")
    table = prices.load(args.prices)
    config = stackconfig.load(args.program, args.stack, args.stack_file, reads=PROGRAM_KEYS)
    run.secrets = config.secrets
    progress.step(f"running the program for stack {args.stack} under Pulumi's mock runtime")
    result = runner.run(args.program, config, _stack_outputs(args.stack_outputs))
    if result.error:
        raise CliError(result.error)
    # What the program's BedrockMonitoring components were built from (a program of yours may build several).
    models = result.models
    region = result.settings[0].region if result.settings else str(config.values.get("aws:region") or "us-east-1")
    assumptions = _assumptions(args, [m.name for m in models])
    if args.diff:
        progress.step(f"reading {args.diff} to compare with")
    baseline = _baseline(args.diff, args.program) if args.diff else None
    resources = [r.as_json() for r in result.resources]
    with PreviewDir(args.out, config.secrets) as out:
        drawn = write(out, result, draw=not args.no_pictures, progress=progress)
        progress.step("estimating the monthly cost")
        estimate = cost.estimate(resources, models, assumptions, table)
        summary = report.Report(
            stack=args.stack,
            region=region,
            resources=resources,
            estimate=estimate,
            assumptions=assumptions,
            prices=table,
            pictures=drawn,
            diff=diff.compare(baseline[1], resources) if baseline else None,
            diff_against=baseline[0] if baseline else "",
            notes=notes(result, config),
        )
        out.write_text("summary.md", report.markdown(summary))
        described = assumptions.describe(table, region)
        priced = {"region": table.region, "taken": table.taken}
        out.write_json("cost.json", {**estimate.as_json(), "assumptions": described, "prices": priced})
        if summary.diff is not None:
            out.write_json("diff.json", {"against": summary.diff_against, **summary.diff.as_json()})
        out.publish()
    if args.picture_dir:
        publish(drawn, args.out, args.picture_dir, args.stack)
    return config.secrets.scrub(report.terminal(summary, str(args.out)))


def _stack_outputs(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read --stack-outputs {path}: {exc}") from None
    return found if isinstance(found, dict) else {}


def notes(result: runner.RunResult, config: stackconfig.StackConfig) -> list[str]:
    """Names derived from labels, and secrets at paths the program cannot keep secret."""
    found = [
        f"`{m.display}`: no name given, so its resources and alarms use the name `{m.name}` derived from "
        "the label; set `name` to choose another"
        for m in result.models
        if m.name_derived
    ]
    found += [
        f"`{s.path}` is a secret, but it becomes part of resource names, dashboards or alarm definitions, which "
        "Pulumi stores in plain text: only e-mail addresses, HTTPS endpoints, topic ARNs, tag values and the "
        "large-data bucket stay secret"
        for s in config.secrets.found
        if s.path.startswith(f"{NAMESPACE}:") and not kept_secret(s.path)
    ]
    return found


def _baseline(target: str, project_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    """(label, resources) of an earlier preview directory, or of a fresh preview of another stack."""
    path = Path(target)
    if (path / "resources.json").is_file():
        try:
            resources: list[dict[str, Any]] = json.loads((path / "resources.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read {path / 'resources.json'}: {exc}") from None
        return f"the preview in {path}", resources
    try:
        stackconfig.load(project_dir, target, reads=PROGRAM_KEYS)
    except stackconfig.StackConfigError as exc:
        raise CliError(f"--diff {target}: not a preview directory (no resources.json there), and {exc}") from None
    # Another stack needs a run of its own in a fresh process: the Pulumi SDK keeps global state.
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "preview"
        command = ["preview", "--stack", target, "--out", str(out), "--no-pictures", "--program", str(project_dir)]
        completed = subprocess.run(
            [sys.executable, "-m", "llm_monitor", *command],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise CliError(f"--diff {target}: the preview of stack {target} failed: {completed.stderr.strip()}")
        return f"stack `{target}`", json.loads((out / "resources.json").read_text(encoding="utf-8"))


def write(
    out: PreviewDir, result: runner.RunResult, *, draw: bool = True, progress: Progress | None = None
) -> list[report.DashboardPicture]:
    """resources.json, outputs.json, and per dashboard its body (JSON) and picture (PNG)."""
    out.write_json("resources.json", [r.as_json() for r in result.resources])
    out.write_json("outputs.json", result.outputs)
    dashboards = [
        (str(r.inputs["dashboardName"]), str(r.inputs["dashboardBody"]))
        for r in result.resources
        if r.type == DASHBOARD
    ]
    for name, body in dashboards:
        out.write_json(f"dashboards/{name}.json", json.loads(body))
    if not draw or not dashboards:
        return []
    if progress:
        progress.step(f"drawing {len(dashboards)} dashboard{'s' if len(dashboards) > 1 else ''}")
    drawn = []
    for (name, _), picture in zip(dashboards, pictures.render_all(dashboards), strict=True):
        out.write_bytes(f"dashboards/{name}.png", picture.png)
        problems = tuple(
            f"{w.title or w.kind} (x={w.x:g}, y={w.y:g}): {p}" for w in picture.widgets for p in w.problems
        )
        drawn.append(report.DashboardPicture(name, f"dashboards/{name}.png", len(picture.widgets), problems))
    return drawn


def publish(drawn: list[report.DashboardPicture], out: Path, picture_dir: Path, stack: str) -> None:
    """Copy the pictures to ``<picture_dir>/<stack>-dashboard.png`` (page 1), ``-2.png``, … (the README's)."""
    picture_dir.mkdir(parents=True, exist_ok=True)
    for stale in picture_dir.glob(f"{stack}-dashboard*.png"):
        stale.unlink()
    for page, picture in enumerate(drawn, start=1):
        suffix = "" if page == 1 else f"-{page}"
        shutil.copyfile(out / picture.path, picture_dir / f"{stack}-dashboard{suffix}.png")
