"""Scale benchmark: the whole program under mocks for 1, 10, 100 and 500 models.

    venv/bin/python -m benchmarks.scale [--sizes 1 10 100 500] [--json results.json]

Each size runs ``__main__.py`` through the offline preview's runner (the same mock runtime the
``preview`` command and the tests use) in a fresh process, starting from the prod stack file
with its model list replaced by generated models. Reported per size: wall time (process start
to finish, and the program run alone), peak memory, resources, dashboards, widgets and body
bytes per dashboard, alarms per model, estimated monitoring cost per model-month
(``llm_monitor.preview.cost`` with its default assumptions), and whether every CloudWatch limit
and API constraint still holds (the checks of ``tests/aws_constraints.py`` and
``tests/test_dashboard_schema.py``). Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from llm_monitor.resource_types import COMPOSITE_ALARM, DASHBOARD, METRIC_ALARM

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 10, 100, 500)


def generated_models(count: int) -> list[dict[str, Any]]:
    """Deterministic, varied models: priced text models, some with a TPM quota and cache prices, some image models."""
    result = []
    for i in range(count):
        model: dict[str, Any] = {"name": f"model-{i:03d}", "id": f"provider{i:03d}.model-v1:0"}
        if i % 10 == 9:
            model["outputImages"] = True
        else:
            model |= {"inputTokenPrice": 0.001, "outputTokenPrice": 0.005}
            if i % 3 == 0:
                model |= {"cacheReadTokenPrice": 0.0001, "cacheWriteTokenPrice": 0.00125}
            if i % 2 == 0:
                model["tokensPerMinuteQuota"] = 400_000
        result.append(model)
    return result


# --- child: one run in a fresh process -----------------------------------------------------------------


def child(stack_file: Path, out: Path) -> None:
    started = time.perf_counter()
    from llm_monitor.preview import runner, stackconfig

    config = stackconfig.load(ROOT, "bench", stack_file)
    program_started = time.perf_counter()
    result = runner.run(ROOT, config)
    finished = time.perf_counter()
    if result.error:
        raise SystemExit(f"the program failed: {result.error}")
    report = {
        "program_seconds": finished - program_started,
        "process_seconds": finished - started,
        # Linux reports ru_maxrss in KiB.
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "resources": [r.as_json() for r in result.resources],
    }
    out.write_text(json.dumps(report), encoding="utf-8")


# --- parent: run each size, measure, check --------------------------------------------------------------


def run_size(count: int) -> dict[str, Any]:
    from tests.program import stack_config

    config = stack_config("prod")
    config["llm-monitor:models"] = generated_models(count)
    with tempfile.TemporaryDirectory() as tmp:
        stack_file, out = Path(tmp) / "Pulumi.bench.yaml", Path(tmp) / "run.json"
        stack_file.write_text(json.dumps({"config": config}), encoding="utf-8")  # JSON is YAML
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "benchmarks.scale", "--child", str(stack_file), str(out)], cwd=ROOT, check=True
        )
        wall = time.perf_counter() - started
        report = json.loads(out.read_text(encoding="utf-8"))
    report["wall_seconds"] = wall
    report["models"] = count
    report["config"] = config
    return report


def analyse(report: dict[str, Any]) -> dict[str, Any]:
    from llm_monitor.config import parse_settings
    from llm_monitor.preview import cost, prices
    from tests import aws_constraints
    from tests.test_dashboard_schema import catalogue_problems, layout_errors, schema_errors

    resources = report["resources"]
    count = report["models"]
    types = Counter(r["type"] for r in resources)
    bodies = {
        r["inputs"]["dashboardName"]: json.loads(r["inputs"]["dashboardBody"])
        for r in resources
        if r["type"] == DASHBOARD
    }
    body_bytes = [len(r["inputs"]["dashboardBody"].encode()) for r in resources if r["type"] == DASHBOARD]
    widgets = [len(b["widgets"]) for b in bodies.values()]
    metrics = [sum(len(w["properties"].get("metrics", [])) for w in b["widgets"]) for b in bodies.values()]
    settings = parse_settings(report["config"])
    estimate = cost.estimate(resources, settings.models, cost.Assumptions(), prices.load())

    started = time.perf_counter()
    problems = [p for r in resources if r["type"].startswith("aws:") for p in aws_constraints.violations(r)]
    problems += [f"{name}{p}" for name, body in bodies.items() for p in schema_errors(body) + layout_errors(body)]
    problems += catalogue_problems(resources)
    check_seconds = time.perf_counter() - started
    return {
        "models": count,
        "wall_seconds": report["wall_seconds"],
        "process_seconds": report["process_seconds"],
        "program_seconds": report["program_seconds"],
        "peak_mib": report["peak_mib"],
        "resources": len(resources),
        "dashboards": len(bodies),
        "widgets_per_dashboard": (min(widgets), max(widgets)),
        "metrics_per_dashboard_max": max(metrics),
        "body_kib_per_dashboard": (min(body_bytes) / 1024, max(body_bytes) / 1024),
        "metric_alarms_per_model": types[METRIC_ALARM] / count,
        "composite_alarms": types[COMPOSITE_ALARM],
        "cost_per_model_month": estimate.total() / count,
        "own_cost_per_model_month": sum(estimate.total(m.name) for m in settings.models) / count,
        "problems": problems,
        "check_seconds": check_seconds,
    }


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("models", lambda r: f"{r['models']}"),
        ("wall time, process (s)", lambda r: f"{r['wall_seconds']:.1f}"),
        ("program run under mocks (s)", lambda r: f"{r['program_seconds']:.1f}"),
        ("program time per model (ms)", lambda r: f"{1000 * r['program_seconds'] / r['models']:.0f}"),
        ("peak memory (MiB)", lambda r: f"{r['peak_mib']:.0f}"),
        ("resources", lambda r: f"{r['resources']}"),
        ("dashboards", lambda r: f"{r['dashboards']}"),
        ("widgets per dashboard (min–max)", lambda r: "{}–{}".format(*r["widgets_per_dashboard"])),
        ("metrics per dashboard (max)", lambda r: f"{r['metrics_per_dashboard_max']}"),
        ("body KiB per dashboard (min–max)", lambda r: "{:.0f}–{:.0f}".format(*r["body_kib_per_dashboard"])),
        ("metric alarms per model", lambda r: f"{r['metric_alarms_per_model']:.2f}"),
        ("composite alarms", lambda r: f"{r['composite_alarms']}"),
        ("monitoring USD per model-month (all)", lambda r: f"{r['cost_per_model_month']:.2f}"),
        ("of which the model's own resources", lambda r: f"{r['own_cost_per_model_month']:.2f}"),
        ("API / schema / catalogue problems", lambda r: f"{len(r['problems'])}"),
    ]
    lines = ["| | " + " | ".join(f"{r['models']} models" for r in results) + " |"]
    lines.append("|---|" + "---|" * len(results))
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |" for label, cell in rows[1:]]
    return "\n".join(lines)


def growth(results: list[dict[str, Any]]) -> list[str]:
    """Marginal program time per added model between consecutive sizes: flat or falling means linear."""
    lines = []
    for before, after in itertools.pairwise(results):
        added = after["models"] - before["models"]
        marginal = (after["program_seconds"] - before["program_seconds"]) / added
        lines.append(f"{before['models']}→{after['models']} models: {1000 * marginal:.0f} ms per added model")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    results = []
    for count in args.sizes:
        print(f"running {count} models...", file=sys.stderr, flush=True)
        results.append(analyse(run_size(count)))
    print(table(results))
    print()
    for line in growth(results):
        print(f"- {line}")
    for r in results:
        for problem in r["problems"][:20]:
            print(f"{r['models']} models: {problem}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
