"""A picture of a failed scenario: each relevant alarm's watched value, threshold, state and pages.

Drawn with matplotlib's Agg canvas (no screen needed), like the dashboard pictures.
"""

from __future__ import annotations

import io

from llm_monitor.simulate.engine import Run, Trace
from llm_monitor.simulate.verdict import Verdict

MAX_PANELS = 6


def relevant(run: Run) -> list[Trace]:
    """The alarms worth drawing: those about the events' models (paging first), then any that changed state."""
    models = {m for _, names in run.events for m in names} if len(run.events) else set()
    changed = {alarm for _, alarm, _, _ in run.transitions}
    traces = [t for t in run.traces.values() if t.values or t.name in changed]
    about = [t for t in traces if t.model in models and t.kind != "health"]
    about.sort(key=lambda t: (t.urgency != "page", t.name not in changed, t.name))
    others = [t for t in traces if t not in about and t.name in changed and t.kind != "health"]
    return (about + others)[:MAX_PANELS]


def render(verdict: Verdict) -> bytes:
    """PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    run = verdict.run
    traces = relevant(run) or list(run.traces.values())[:1]
    figure, axes = pyplot.subplots(len(traces), 1, figsize=(11, 2.2 * len(traces) + 0.8), sharex=True, squeeze=False)
    minutes = list(range(1, run.scenario.duration + 1))
    failed = [c for c in verdict.checks if not c.passed]
    title = f"{run.scenario.name} on {run.stack}: " + (
        "; ".join(f"{c.expectation}: {c.detail}" for c in failed) or "passed"
    )
    figure.suptitle(title, fontsize=9, wrap=True)
    for axis, trace in zip((a[0] for a in axes), traces, strict=True):
        values = [v if v is not None else float("nan") for v in trace.values]
        axis.plot(minutes[: len(values)], values, color="#1f77b4", linewidth=1, label="watched value")
        thresholds = [t if t is not None else float("nan") for t in trace.thresholds]
        axis.plot(
            minutes[: len(thresholds)], thresholds, color="#d62728", linestyle="--", linewidth=1, label="threshold"
        )
        for minute, state in zip(minutes, trace.states, strict=False):
            if state == "ALARM":
                axis.axvspan(minute - 1, minute, color="#d62728", alpha=0.15, linewidth=0)
        for event, names in run.events:
            if trace.model in names or trace.model is None:
                axis.axvline(event.start, color="grey", linewidth=0.8)
                if event.end is not None:
                    axis.axvline(event.end, color="grey", linewidth=0.8, linestyle=":")
        for page in run.pages:
            if page.model == trace.model:
                axis.axvline(page.minute, color="#d62728", linewidth=1.5)
        axis.set_title(f"{run.short(trace.name)} ({trace.urgency})", fontsize=8, loc="left")
        axis.tick_params(labelsize=7)
    axes[-1][0].set_xlabel(
        "minutes from the scenario's start (grey: events; red line: a page; shaded: ALARM)", fontsize=8
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    pyplot.close(figure)
    return buffer.getvalue()
