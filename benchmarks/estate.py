"""Estate benchmark: one monitoring account watching 50 source accounts × 3 Regions × 20 models.

    venv/bin/python -m benchmarks.estate [--accounts 50] [--regions us-east-1 us-west-2 eu-west-1]
                                         [--models 20] [--json results.json]

What grows with an estate is the monitoring account: one monitoring stack per Region reads every
source of its Region and builds their dashboards and alarms. Each source stack is a standalone
stack plus its link (its size is ``benchmarks.scale``'s at 20 models), so sources are planned with
the pure layer (``build_plan``: every limit it checks, the link filters among them) and exported as
a source stack exports (``estateSource``, with numbers as doubles, as stack outputs carry them).
Each Region's monitoring stack then runs the whole program under mocks in a fresh process, fed those
outputs through its stack references, as ``preview --estate`` runs it.

Reported per Region: wall time, program time, peak memory, resources, dashboards, widgets and
metrics per dashboard and per widget (CloudWatch: 500 widgets and 2,500 metrics per dashboard, 500
metrics per widget), metric and composite alarms, anomaly-detection models (500 per Region and
account), the monthly cost, and every API, schema and layout problem (``tests/aws_constraints.py``,
``tests/test_dashboard_schema.py``). Exits non-zero on any problem. Not a test: timings depend on
the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.scale import dashboard_bodies, generated_models, markdown_table, request_problems
from llm_monitor.estate.central import MAX_ANOMALY_MODELS
from llm_monitor.resource_types import COMPOSITE_ALARM, METRIC_ALARM

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
MONITORING_ACCOUNT = "100000000000"
#: CloudWatch quotas (user guide, "CloudWatch service quotas"): metrics per widget and per dashboard;
#: widgets per dashboard (body reference). Anomaly detection models: ``MAX_ANOMALY_MODELS``.
MAX_METRICS_PER_WIDGET = 500
MAX_METRICS_PER_DASHBOARD = 2500
MAX_WIDGETS_PER_DASHBOARD = 500


def account(n: int) -> str:
    return f"{200000000000 + n:012d}"


def source_config(n: int, region: str, models: int) -> dict[str, Any]:
    return {
        "aws:region": region,
        "aws:allowedAccountIds": json.dumps([account(n)]),
        "llm-monitor:models": generated_models(models),
        "llm-monitor:estate": {"role": "source", "monitoringStack": f"monitoring-{region}"},
        "llm-monitor:logs": {"invocationLogging": {"enabled": True}},
    }


def monitoring_config(region: str, accounts: int) -> dict[str, Any]:
    return {
        "aws:region": region,
        "aws:allowedAccountIds": json.dumps([MONITORING_ACCOUNT]),
        "llm-monitor:models": [],
        "llm-monitor:estate": {
            "role": "monitoring",
            "sourceAccounts": [account(n) for n in range(accounts)],
            "sourceStacks": [f"source-{n:03d}-{region}" for n in range(accounts)],
        },
        "llm-monitor:notifications": {"emails": ["oncall@example.com"]},
        # The sources keep their own anomaly alarms; centrally they would pass the Region's 500 models.
        "llm-monitor:alarms": {"latencyAnomaly": {"enabled": False}},
    }


def plan_sources(region: str, accounts: int, models: int) -> tuple[dict[str, Any], float]:
    """Every source of the Region planned (pure) and exported; the seconds it took."""
    from llm_monitor.config import parse_settings
    from llm_monitor.estate.central import SOURCE_OUTPUT, source_export
    from llm_monitor.plan import build_plan

    started = time.perf_counter()
    outputs = {}
    for n in range(accounts):
        stack = f"source-{n:03d}-{region}"
        settings = parse_settings(source_config(n, region, models), project="llm-monitor", stack=stack)
        plan = build_plan(settings, project="llm-monitor", stack=stack)
        groups = [g.name for g in plan.logs.groups] if plan.logs else []
        exported = json.loads(json.dumps(source_export(settings, groups, {})), parse_int=float)
        outputs[stack] = {SOURCE_OUTPUT: exported}
    return outputs, time.perf_counter() - started


def child(stack_file: Path, outputs_file: Path, out: Path) -> None:
    started = time.perf_counter()
    from llm_monitor.preview import runner, stackconfig

    config = stackconfig.load(ROOT, "bench", stack_file)
    outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
    program_started = time.perf_counter()
    result = runner.run(ROOT, config, outputs)
    finished = time.perf_counter()
    if result.error:
        raise SystemExit(f"the program failed: {result.error}")
    out.write_text(
        json.dumps(
            {
                "program_seconds": finished - program_started,
                "process_seconds": finished - started,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
                "resources": [r.as_json() for r in result.resources],
            }
        ),
        encoding="utf-8",
    )


def run_region(region: str, accounts: int, models: int) -> dict[str, Any]:
    outputs, plan_seconds = plan_sources(region, accounts, models)
    with tempfile.TemporaryDirectory() as tmp:
        stack_file, given, out = Path(tmp) / "Pulumi.bench.yaml", Path(tmp) / "outputs.json", Path(tmp) / "run.json"
        stack_file.write_text(json.dumps({"config": monitoring_config(region, accounts)}), encoding="utf-8")
        given.write_text(json.dumps(outputs), encoding="utf-8")
        started = time.perf_counter()
        command = [sys.executable, "-m", "benchmarks.estate", "--child", str(stack_file), str(given), str(out)]
        subprocess.run(command, cwd=ROOT, check=True)
        report = json.loads(out.read_text(encoding="utf-8"))
    report |= {"wall_seconds": time.perf_counter() - started, "region": region, "source_plan_seconds": plan_seconds}
    return report


def analyse(report: dict[str, Any], accounts: int, models: int) -> dict[str, Any]:
    from llm_monitor.preview import cost, prices

    resources = report["resources"]
    types = Counter(r["type"] for r in resources)
    bodies = dashboard_bodies(resources)
    widgets = [len(b["widgets"]) for b in bodies.values()]
    per_widget = [len(w["properties"].get("metrics", [])) for b in bodies.values() for w in b["widgets"]]
    per_dashboard = [sum(len(w["properties"].get("metrics", [])) for w in b["widgets"]) for b in bodies.values()]
    alarms = [r for r in resources if r["type"] == METRIC_ALARM]
    anomaly = sum(1 for a in alarms if a["inputs"].get("thresholdMetricId"))
    problems = request_problems(resources, bodies)
    limits = (
        (max(widgets), MAX_WIDGETS_PER_DASHBOARD, "widgets on a dashboard"),
        (max(per_dashboard), MAX_METRICS_PER_DASHBOARD, "metrics on a dashboard"),
        (max(per_widget), MAX_METRICS_PER_WIDGET, "metrics in a widget"),
        (anomaly, MAX_ANOMALY_MODELS, "anomaly-detection models in the Region"),
    )
    problems += [f"{what}: {found} > {limit}" for found, limit, what in limits if found > limit]
    watched = {a["inputs"]["metricQueries"][0]["accountId"] for a in alarms}
    if len(watched) != accounts:
        problems.append(f"central alarms watch {len(watched)} accounts, not {accounts}")
    estimate = cost.estimate(resources, (), cost.Assumptions(), prices.load())
    return {
        "region": report["region"],
        "wall_seconds": report["wall_seconds"],
        "program_seconds": report["program_seconds"],
        "source_plan_seconds": report["source_plan_seconds"],
        "peak_mib": report["peak_mib"],
        "resources": len(resources),
        "dashboards": len(bodies),
        "widgets_max": max(widgets),
        "metrics_per_dashboard_max": max(per_dashboard),
        "metrics_per_widget_max": max(per_widget),
        "metric_alarms": types[METRIC_ALARM],
        "composite_alarms": types[COMPOSITE_ALARM],
        "anomaly_models": anomaly,
        "alarms_per_model": types[METRIC_ALARM] / (accounts * models),
        "monthly_cost": estimate.total(),
        "problems": problems,
    }


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("sources planned and exported, pure (s)", lambda r: f"{r['source_plan_seconds']:.1f}"),
        ("monitoring stack: wall time, process (s)", lambda r: f"{r['wall_seconds']:.1f}"),
        ("monitoring stack: program under mocks (s)", lambda r: f"{r['program_seconds']:.1f}"),
        ("monitoring stack: peak memory (MiB)", lambda r: f"{r['peak_mib']:.0f}"),
        ("resources", lambda r: f"{r['resources']:,}"),
        ("dashboards", lambda r: f"{r['dashboards']}"),
        (f"widgets per dashboard, max (≤ {MAX_WIDGETS_PER_DASHBOARD})", lambda r: f"{r['widgets_max']}"),
        (f"metrics per dashboard, max (≤ {MAX_METRICS_PER_DASHBOARD})", lambda r: f"{r['metrics_per_dashboard_max']}"),
        (f"metrics per widget, max (≤ {MAX_METRICS_PER_WIDGET})", lambda r: f"{r['metrics_per_widget_max']}"),
        ("metric alarms", lambda r: f"{r['metric_alarms']:,}"),
        ("composite (roll-up) alarms", lambda r: f"{r['composite_alarms']:,}"),
        ("metric alarms per model", lambda r: f"{r['alarms_per_model']:.2f}"),
        (f"anomaly-detection models (≤ {MAX_ANOMALY_MODELS})", lambda r: f"{r['anomaly_models']}"),
        ("monitoring account's cost per month (USD)", lambda r: f"{r['monthly_cost']:,.2f}"),
        ("API / schema / limit problems", lambda r: f"{len(r['problems'])}"),
    ]
    return markdown_table([r["region"] for r in results], rows, results, "---")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.estate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--regions", nargs="+", default=list(REGIONS))
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    results = []
    for region in args.regions:
        print(f"{region}: {args.accounts} sources × {args.models} models...", file=sys.stderr, flush=True)
        results.append(analyse(run_region(region, args.accounts, args.models), args.accounts, args.models))
    print(table(results))
    for r in results:
        for problem in r["problems"][:20]:
            print(f"{r['region']}: {problem}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
