"""Scale benchmark: the offline preview for 1 to 2,000 models, with and without pictures.

    venv/bin/python -m benchmarks.scale [--sizes 1 10 100 500 1000 2000] [--repeat 3] [--json results.json]
                                        [--plot docs/benchmark-scale.png]

Each size runs ``python -m llm_monitor preview`` in fresh processes, without and with its
dashboard pictures (``--repeat`` times each, alternating; medians reported), on the prod stack file
with its model list replaced by generated models. Reported per size: processor time (user +
system, what the targets are checked on: wall time on a shared machine mostly measures the other
jobs) and wall time of the whole process, peak memory (its maximum resident set), resources,
dashboards, widgets, metrics and body bytes per dashboard, alarms per model, the monitoring's
monthly cost (the preview's own ``cost.json``), and whether every CloudWatch limit and API
constraint still holds (the checks of ``tests/aws_constraints.py`` and
``tests/test_dashboard_schema.py``). Then the growth targets: t(1,000) ≤ 11 × t(100),
t(2,000) ≤ 2.2 × t(1,000), and pictures adding at most 50 %. Not a test: timings depend on the
machine; ``tests/test_scale.py`` counts operations instead (``call_counts``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from llm_monitor.resource_types import COMPOSITE_ALARM, DASHBOARD, METRIC_ALARM

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 10, 100, 500, 1000, 2000)
#: The issue's targets: (smaller size, larger size, largest allowed time ratio).
GROWTH_TARGETS = ((100, 1000, 11.0), (1000, 2000, 2.2))
PICTURE_OVERHEAD_TARGET = 0.5


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


def write_stack(count: int, folder: Path) -> Path:
    """``Pulumi.bench.yaml`` in ``folder``: the prod stack's config with ``count`` generated models."""
    from tests.program import stack_config

    config = stack_config("prod")
    config["llm-monitor:models"] = generated_models(count)
    stack_file = folder / "Pulumi.bench.yaml"
    stack_file.write_text(json.dumps({"config": config}), encoding="utf-8")  # JSON is YAML
    return stack_file


def preview_command(stack_file: Path, out: Path, pictures: bool) -> list[str]:
    command = [
        "preview",
        "--stack",
        "bench",
        "--stack-file",
        str(stack_file),
        "--out",
        str(out),
        "--program",
        str(ROOT),
    ]
    return command + ([] if pictures else ["--no-pictures"])


# --- one measured preview ------------------------------------------------------------------------------


def run_preview(stack_file: Path, out: Path, pictures: bool) -> dict[str, float]:
    """Wall time, processor time and peak memory of one preview process (its own rusage, from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "llm_monitor", *preview_command(stack_file, out, pictures)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the preview failed (exit {process.returncode})")
    # Linux reports ru_maxrss in KiB.
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def measure(count: int, repeat: int = 1) -> dict[str, Any]:
    """Previews without and with pictures, alternating, ``repeat`` times each; the medians."""
    with tempfile.TemporaryDirectory() as tmp:
        stack_file = write_stack(count, Path(tmp))
        runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
        for _ in range(repeat):
            for pictures in (False, True):
                runs[pictures].append(run_preview(stack_file, Path(tmp) / f"out-{pictures}", pictures=pictures))
        result = analyse(Path(tmp) / "out-False", count)
    median = {
        pictures: {key: statistics.median(r[key] for r in found) for key in found[0]}
        for pictures, found in runs.items()
    }
    return result | {"without_pictures": median[False], "with_pictures": median[True]}


def dashboard_bodies(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each dashboard's body, parsed, by dashboard name."""
    return {
        r["inputs"]["dashboardName"]: json.loads(r["inputs"]["dashboardBody"])
        for r in resources
        if r["type"] == DASHBOARD
    }


def request_problems(resources: list[dict[str, Any]], bodies: dict[str, dict[str, Any]]) -> list[str]:
    """What AWS would refuse: every request against botocore's models, every dashboard body against
    its schema and grid."""
    from tests import aws_constraints
    from tests.test_dashboard_schema import layout_errors, schema_errors

    problems = [p for r in resources if r["type"].startswith("aws:") for p in aws_constraints.violations(r)]
    return problems + [f"{name}{p}" for name, body in bodies.items() for p in schema_errors(body) + layout_errors(body)]


def markdown_table(columns: list[str], rows: list[tuple[str, Any]], results: list[dict[str, Any]], align: str) -> str:
    """One column per result, one row per (label, cell function); ``align`` is the column's rule (``---:``)."""
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + f"{align}|" * len(results)]
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |" for label, cell in rows]
    return "\n".join(lines)


def analyse(out: Path, count: int) -> dict[str, Any]:
    from tests.test_dashboard_schema import catalogue_problems

    resources = json.loads((out / "resources.json").read_text(encoding="utf-8"))
    estimate = json.loads((out / "cost.json").read_text(encoding="utf-8"))
    types = Counter(r["type"] for r in resources)
    bodies = dashboard_bodies(resources)
    body_bytes = [len(r["inputs"]["dashboardBody"].encode()) for r in resources if r["type"] == DASHBOARD]
    widgets = [len(b["widgets"]) for b in bodies.values()]
    metrics = [sum(len(w["properties"].get("metrics", [])) for w in b["widgets"]) for b in bodies.values()]
    problems = request_problems(resources, bodies) + catalogue_problems(resources)
    totals = estimate["totals"]
    return {
        "models": count,
        "resources": len(resources),
        "dashboards": len(bodies),
        "widgets_per_dashboard": (min(widgets), max(widgets)),
        "metrics_per_dashboard_max": max(metrics),
        "body_kib_per_dashboard": (min(body_bytes) / 1024, max(body_bytes) / 1024),
        "metric_alarms_per_model": types[METRIC_ALARM] / count,
        "composite_alarms": types[COMPOSITE_ALARM],
        "own_cost_per_model_month": sum(totals["byModel"].values()) / count,
        "shared_cost_month": totals["shared"],
        "problems": problems,
    }


# --- operation counts, for tests/test_scale.py -------------------------------------------------------


def call_counts(count: int) -> dict[str, int]:
    """Calls of every function during one preview (with pictures) of ``count`` models, by function.

    In a fresh process (the SDK keeps global state). Counts, unlike times, do not depend on the
    machine: a step that does work for each pair of models shows as a function whose calls grow
    with the square of the model count."""
    with tempfile.TemporaryDirectory() as tmp:
        stack_file, counts = write_stack(count, Path(tmp)), Path(tmp) / "counts.json"
        command = preview_command(stack_file, Path(tmp) / "out", pictures=True)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.scale", "--count-calls", str(counts), *command],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result: dict[str, int] = json.loads(counts.read_text(encoding="utf-8"))
    return result


def _count_calls(out: Path, preview: list[str]) -> None:
    from llm_monitor.preview import cli

    profile = cProfile.Profile()
    profile.enable()
    code = cli.main(preview)
    profile.disable()
    if code != 0:
        raise SystemExit(code)
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    calls: Counter[str] = Counter()
    for (file, line, name), value in stats.items():
        # Built-ins are named with their address ("<method ... at 0x7f...>"), which differs per run.
        calls[re.sub(r" at 0x[0-9a-f]+", "", f"{file}:{line}({name})")] += int(value[1])
    out.write_text(json.dumps(calls), encoding="utf-8")


def superlinear(small: dict[str, int], large: dict[str, int], factor: float, at_least: int = 500) -> dict[str, float]:
    """Functions called more than ``factor`` times as often in the ``large`` run as in the ``small``
    one (and at least ``at_least`` times): with twice the models, linear work is called at most
    twice as often (a fixed part makes it less), work per pair of models four times. Thread locks
    are left out: how often a thread waits depends on timing, not on the work; so are built-ins
    (``~:0(...)``), which cProfile sometimes names after the object they were called on, so the same
    call can be counted under a name that differs from run to run (seen: ``~:0(<function
    ....__getitem__>)`` in one of two identical runs). The Python functions that call them are counted."""
    return {
        name: calls / small.get(name, 1)
        for name, calls in large.items()
        if calls >= at_least
        and calls > factor * small.get(name, 0)
        and "_thread." not in name
        and not name.startswith("~:")
    }


# --- the report -------------------------------------------------------------------------------------


#: The measure the targets are checked on: processor time (user + system) of the preview process.
#: On a machine shared with other jobs, wall time mostly measures the neighbours (docs/benchmarks.md).
MEASURE = "cpu_seconds"


def overhead(r: dict[str, Any]) -> float:
    plain, drawn = r["without_pictures"][MEASURE], r["with_pictures"][MEASURE]
    return drawn / plain - 1


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("processor time, no pictures (s)", lambda r: f"{r['without_pictures']['cpu_seconds']:.1f}"),
        ("processor time, with pictures (s)", lambda r: f"{r['with_pictures']['cpu_seconds']:.1f}"),
        ("pictures add (processor time)", lambda r: f"{overhead(r):.0%}"),
        (
            "processor time per model, no pictures (ms)",
            lambda r: f"{1000 * r['without_pictures']['cpu_seconds'] / r['models']:.0f}",
        ),
        ("wall time, no pictures (s)", lambda r: f"{r['without_pictures']['seconds']:.1f}"),
        ("wall time, with pictures (s)", lambda r: f"{r['with_pictures']['seconds']:.1f}"),
        ("peak memory, no pictures (MiB)", lambda r: f"{r['without_pictures']['peak_mib']:,.0f}"),
        ("peak memory, with pictures (MiB)", lambda r: f"{r['with_pictures']['peak_mib']:,.0f}"),
        ("resources", lambda r: f"{r['resources']:,}"),
        ("dashboards", lambda r: f"{r['dashboards']}"),
        ("widgets per dashboard (min–max)", lambda r: "{}–{}".format(*r["widgets_per_dashboard"])),
        ("metrics per dashboard (max)", lambda r: f"{r['metrics_per_dashboard_max']:,}"),
        ("body KiB per dashboard (min–max)", lambda r: "{:.0f}–{:.0f}".format(*r["body_kib_per_dashboard"])),
        ("metric alarms per model", lambda r: f"{r['metric_alarms_per_model']:.2f}"),
        ("composite alarms", lambda r: f"{r['composite_alarms']}"),
        ("monitoring USD per model-month, own", lambda r: f"{r['own_cost_per_model_month']:.2f}"),
        ("monitoring USD per month, shared", lambda r: f"{r['shared_cost_month']:.2f}"),
        ("API / schema / catalogue problems", lambda r: f"{len(r['problems'])}"),
    ]
    return markdown_table([f"{r['models']:,} models" for r in results], rows, results, "---:")


def verdicts(results: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """The issue's targets, each with whether these results meet it."""
    by_size = {r["models"]: r for r in results}
    found = []
    for small, large, limit in GROWTH_TARGETS:
        if small in by_size and large in by_size:
            for key, label in (("without_pictures", "no pictures"), ("with_pictures", "with pictures")):
                ratio = by_size[large][key][MEASURE] / by_size[small][key][MEASURE]
                found.append(
                    (f"t({large:,}) = {ratio:.2f} × t({small:,}), {label} (target ≤ {limit:g})", ratio <= limit)
                )
    for r in results:
        found.append(
            (
                f"{r['models']:,} models: pictures add {overhead(r):.0%} (target ≤ 50 %)",
                overhead(r) <= PICTURE_OVERHEAD_TARGET,
            )
        )
    return found


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Preview time and peak memory against the model count, with and without pictures."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    models = [r["models"] for r in results]
    figure = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(figure)
    time_axes, memory_axes = figure.subplots(1, 2)
    for key, label, style in (("without_pictures", "no pictures", "o-"), ("with_pictures", "with pictures", "s--")):
        time_axes.plot(models, [r[key][MEASURE] for r in results], style, label=label)
        memory_axes.plot(models, [r[key]["peak_mib"] for r in results], style, label=label)
    time_axes.set(title="Preview processor time (median)", xlabel="models", ylabel="seconds")
    memory_axes.set(title="Peak memory", xlabel="models", ylabel="MiB")
    for axes in (time_axes, memory_axes):
        axes.grid(True, alpha=0.3)
        axes.legend()
        axes.set_xlim(left=0)
        axes.set_ylim(bottom=0)
    figure.tight_layout()
    figure.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0], allow_abbrev=False
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each preview; the medians are reported")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--plot", type=Path, help="also draw time and memory against models (PNG)")
    parser.add_argument("--count-calls", type=Path, help=argparse.SUPPRESS)
    args, preview = parser.parse_known_args(argv)
    if args.count_calls:
        _count_calls(args.count_calls, preview)
        return 0
    results = []
    for count in args.sizes:
        print(f"running {count} models...", file=sys.stderr, flush=True)
        results.append(measure(count, args.repeat))
    print(table(results))
    print()
    checks = verdicts(results)
    for text, ok in checks:
        print(f"- {'met' if ok else 'MISSED'}: {text}")
    for r in results:
        for problem in r["problems"][:20]:
            print(f"{r['models']} models: {problem}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.plot:
        plot(results, args.plot)
    return 1 if any(r["problems"] for r in results) or not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
