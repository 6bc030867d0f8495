"""Command line: ``python -m llm_monitor preview --stack dev --out DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from llm_monitor.preview import runner, stackconfig

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m llm_monitor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    preview = commands.add_parser(
        "preview",
        help="run the program under Pulumi's mock runtime and write what `pulumi up` would create",
    )
    preview.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    preview.add_argument("--out", required=True, type=Path, help="directory to write the preview to")
    preview.add_argument("--stack-file", type=Path, help="use this stack file instead of Pulumi.<stack>.yaml")
    preview.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = stackconfig.load(args.project_dir, args.stack, args.stack_file)
        result = runner.run(args.project_dir, config)
    except stackconfig.StackConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.error:
        print(f"error: {result.error}", file=sys.stderr)
        return 2
    try:
        write(args.out, result)
    except OSError as exc:
        print(f"error: cannot write the preview to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(summary(args.stack, args.out, result))
    return 0


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write(out: Path, result: runner.RunResult) -> None:
    """resources.json, outputs.json and one dashboards/<name>.json per dashboard body."""
    dashboards_dir = out / "dashboards"
    dashboards_dir.mkdir(parents=True, exist_ok=True)
    for old in dashboards_dir.glob("*.json"):
        old.unlink()
    _dump(out / "resources.json", [r.as_json() for r in result.resources])
    _dump(out / "outputs.json", result.outputs)
    for r in result.resources:
        if r.type == "aws:cloudwatch/dashboard:Dashboard":
            _dump(dashboards_dir / f"{r.inputs['dashboardName']}.json", json.loads(r.inputs["dashboardBody"]))


def summary(stack: str, out: Path, result: runner.RunResult) -> str:
    counts: dict[str, int] = {}
    for r in result.resources:
        counts[r.type] = counts.get(r.type, 0) + 1
    lines = [f"Stack {stack}: {len(result.resources)} resources would be created"]
    lines += [f"  {n:5d}  {t}" for t, n in sorted(counts.items())]
    for name, url in zip(
        result.outputs.get("dashboardNames", []), result.outputs.get("dashboardUrls", []), strict=False
    ):
        lines.append(f"Dashboard {name}: {url}")
    lines.append(f"Written to {out}/ (resources.json, outputs.json, dashboards/)")
    return "\n".join(lines)
