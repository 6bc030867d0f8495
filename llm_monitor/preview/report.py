"""``summary.md`` (readable on its own as a pull-request comment) and the short terminal summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llm_monitor.preview import diffreport
from llm_monitor.preview.cost import ALARM_CATEGORIES, Assumptions, Estimate
from llm_monitor.preview.diff import Diff
from llm_monitor.preview.prices import PriceTable
from llm_monitor.resource_types import DASHBOARD


@dataclass(frozen=True)
class DashboardPicture:
    """A picture written for one dashboard."""

    name: str
    path: str
    """Relative to the preview directory."""
    widgets: int
    problems: tuple[str, ...]
    """``<widget title>: <problem>`` for every widget drawn with a problem."""


@dataclass(frozen=True)
class Report:
    """Everything the summary shows."""

    stack: str
    region: str
    resources: Sequence[dict[str, Any]]
    estimate: Estimate
    assumptions: Assumptions
    prices: PriceTable
    pictures: Sequence[DashboardPicture]
    diff: Diff | None
    diff_against: str
    notes: Sequence[str] = ()
    """Things to know about the configuration: names derived from labels, secrets that cannot stay secret."""


def money(value: float) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _quantity(value: float) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".") or "0"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    return [f"| {' | '.join(header)} |", f"| {' | '.join(align)} |", *(f"| {' | '.join(r)} |" for r in rows)]


def _resources(report: Report) -> list[str]:
    counts = Counter(r["type"] for r in report.resources)
    rows = [[f"`{t}`", str(n)] for t, n in sorted(counts.items())]
    return ["## Resources by type", "", *_table(["Type", "Count"], rows)]


def _alarms(report: Report) -> list[str]:
    e = report.estimate
    alarms = [line for line in e.lines if line.category in ALARM_CATEGORIES]
    if not alarms:
        return ["## Alarms per model", "", "The stack creates no alarms."]
    kinds = [c for c in ALARM_CATEGORIES if any(line.category == c for line in alarms)]
    # Counted in one pass: filtering the alarms once per model made this quadratic.
    counted = Counter((line.model, line.category) for line in alarms)
    mine = Counter(line.model for line in alarms)
    rows = [
        [model or "shared (stack)", *(str(counted[model, c]) for c in kinds), str(mine[model])]
        for model in [*e.models, None]
        if mine[model] or model is not None
    ]
    return ["## Alarms per model", "", *_table(["Model", *kinds, "All"], rows)]


def _cost(report: Report) -> list[str]:
    e, p = report.estimate, report.prices
    columns: list[str | None] = [*e.models, None]
    header = ["Per month", *e.models, "Shared", "Total"]
    rows = [
        [category, *(money(e.total(m, category)) for m in columns), f"**{money(e.total(category=category))}**"]
        for category in e.categories
    ]
    rows.append(["**Total** (worst case)", *(f"**{money(e.total(m))}**" for m in columns), f"**{money(e.total())}**"])
    if report.assumptions.traffic:
        rows.append(["Expected with the traffic given", *(money(e.expected(m)) for m in columns), money(e.expected())])
    if e.models:
        rows.append(
            [
                "Total with shared costs split evenly",
                *(money(e.total(m) + e.shared_share) for m in e.models),
                "",
                "",
            ]
        )
    lines = [
        "## Monthly cost of the monitoring",
        "",
        f"Estimated from the resources above at {p.region} list prices taken {p.taken} (before the free tier).",
        "",
        *_table(header, rows),
        "",
    ]
    if e.free_tier:
        credit = "; ".join(f"{line.item}: {money(line.monthly)}" for line in e.free_tier)
        lines += [
            f"Free tier, if nothing else in the account used it: {money(e.free_tier_credit)} ({credit}), "
            f"leaving {money(max(0.0, e.total() + e.free_tier_credit))}.",
            "",
        ]
    lines += ["### Assumptions", "", *(f"- {a}" for a in report.assumptions.describe(p, report.region))]
    lines += [f"- {note}" for note in (*p.notes, *e.notes)]
    lines += [
        "",
        "<details><summary>Line items: quantity × unit price</summary>",
        "",
        *_table(
            ["Category", "Item", "Model", "Quantity", "Unit", "Unit price", "Per month"],
            [
                [
                    line.category,
                    f"`{line.item}`",
                    line.model or "shared",
                    _quantity(line.quantity),
                    line.unit,
                    f"${line.unit_price:g}",
                    money(line.monthly),
                ]
                for line in e.lines
            ],
            right_from=3,
        ),
        "",
        "</details>",
    ]
    if e.bedrock:
        rows = [
            [
                s.model,
                f"{s.traffic.requests_per_day:,g}",
                f"{s.traffic.input_tokens:,g} / {s.traffic.output_tokens:,g}",
                money(s.monthly) if s.monthly is not None else "no input/output price in config",
            ]
            for s in e.bedrock
        ]
        total = sum(s.monthly or 0.0 for s in e.bedrock)
        rows.append(["**Total**", "", "", f"**{money(total)}**"])
        lines += [
            "",
            "### Bedrock spend the cost widgets and alarms watch",
            "",
            "On-demand token prices from the stack config; cache reads and writes are not modelled.",
            "",
            *_table(["Model", "Requests/day", "Tokens in / out per request", "Per month"], rows),
        ]
    return lines


def _pictures(report: Report) -> list[str]:
    lines = ["## Dashboards", ""]
    for picture in report.pictures:
        lines += [f"### {picture.name}", "", f"{plural(picture.widgets, 'widget')}.", ""]
        if picture.problems:
            lines += ["Widgets a reviewer should look at:", *(f"- {p}" for p in picture.problems), ""]
        lines += [f"![{picture.name}]({picture.path})", ""]
    if not report.pictures:
        lines.append("No pictures were drawn (`--no-pictures`, or the stack has no dashboard).")
    return lines


def _diff(report: Report) -> list[str]:
    return diffreport.section(report.diff, report.diff_against) if report.diff is not None else []


def markdown(report: Report) -> str:
    dashboards = sum(1 for r in report.resources if r["type"] == DASHBOARD)
    head = [
        f"# Preview of stack `{report.stack}` ({report.region})",
        "",
        f"{plural(len(report.resources), 'resource')}, {plural(dashboards, 'dashboard')}. Monitoring cost: "
        f"{headline(report)}.",
        "",
    ]
    notes = ["## Notes", "", *(f"- {n}" for n in report.notes)] if report.notes else []
    sections = [notes, _resources(report), _alarms(report), _cost(report), _pictures(report), _diff(report)]
    return "\n".join(head + [line for s in sections if s for line in [*s, ""]]).rstrip() + "\n"


def headline(report: Report) -> str:
    """The expected monthly figure with its assumptions, the worst case, and what one more model
    and one more tenant add, in one line."""
    e, a, p = report.estimate, report.assumptions, report.prices
    traffic = "traffic as --traffic gives" if a.traffic else "no --traffic, so every series counted every hour"
    return (
        f"about {money(e.expected())}/month expected ({a.applications} applications, {a.tenants} tenants, "
        f"{a.log_gb_per_month:g} GB of logs per group, {traffic}; {p.region} prices of {p.taken}, before the "
        f"free tier), worst case {money(e.total())}; one more model adds {_per_model(e)}, one more "
        f"tenant {money(e.per_tenant)}"
    )


def _per_model(e: Estimate) -> str:
    """What one more model like this stack's adds: one figure, or the range of the models' own."""
    own = sorted(e.expected(m) for m in e.models)
    if not own or money(own[0]) == money(own[-1]):
        return money(own[0] if own else 0.0)
    return f"{money(own[0])} to {money(own[-1])}"


def terminal(report: Report, out: str) -> str:
    """A few lines; the details are in summary.md."""
    lines = [
        f"Stack {report.stack} ({report.region}): {plural(len(report.resources), 'resource')} would be created.",
        f"Monitoring cost: {headline(report)} (assumptions in summary.md).",
    ]
    problems = sum(len(p.problems) for p in report.pictures)
    if report.pictures:
        warn = f"; {plural(problems, 'widget problem')} listed in summary.md" if problems else ""
        lines.append(f"Dashboards: {plural(len(report.pictures), 'picture')} in {out}/dashboards/{warn}.")
    if report.diff is not None:
        lines.append(diffreport.terminal(report.diff, report.diff_against))
    if report.notes:
        lines.append(f"{plural(len(report.notes), 'note')} on the configuration in summary.md.")
    lines.append(f"Written to {out}/: summary.md, resources.json, outputs.json, dashboards/")
    return "\n".join(lines)
