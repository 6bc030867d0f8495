"""The estate overview: every source account of a Region side by side (pure).

One line per account in each graph: invocations, server and client errors, throttles and average
latency, each the SUM (or AVG) of a SEARCH over the account's models (``:aws.AccountId``, with the
account and Region in the expression's options too), and the cost of each account's listed models
at their Standard prices (the token series of every priced model, per account: the same prices and
token kinds as each model's cost graph; tier adjustments are on the account's own pages).

Sharding: a widget holds at most 500 entries, a page 500 widgets and 2,500 entries
(``MAX_METRICS_PER_WIDGET``, ``MAX_WIDGETS_PER_DASHBOARD``, ``MAX_METRICS_PER_DASHBOARD``); accounts
are split over widgets and the widgets over pages (``_pack``) before any limit is passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.aws import dashboard_url, safe_name
from llm_monitor.config import Settings
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard import Dashboard, expression, graph, layout, metric_entry, search, text
from llm_monitor.dashboard.widgets import (
    GRID_COLUMNS,
    MAX_METRICS_PER_DASHBOARD,
    MAX_METRICS_PER_WIDGET,
    MAX_WIDGETS_PER_DASHBOARD,
    Section,
    Widget,
)
from llm_monitor.estate.source import Source
from llm_monitor.mathexpr import TOKEN_KINDS, fill_sum, number

#: Accounts per graph of the activity rows (one line each; a legend of 100 is already hard to read).
ACCOUNTS_PER_GRAPH = 100
_GRAPHS = (
    ("Invocations", cat.INVOCATIONS, "Sum"),
    ("Server errors", cat.INVOCATION_SERVER_ERRORS, "Sum"),
    ("Client errors", cat.INVOCATION_CLIENT_ERRORS, "Sum"),
    ("Throttles", cat.INVOCATION_THROTTLES, "Sum"),
    ("Latency, average (ms)", cat.INVOCATION_LATENCY, "Average"),
)


def overview_dashboards(
    settings: Settings, pages: Sequence[tuple[Source, Dashboard]], *, project: str, stack: str
) -> list[Dashboard]:
    """The overview pages of a monitoring stack: activity and cost by account, and links to each account's pages."""
    if not pages:
        return []
    region, period = settings.region, settings.dashboard.period_seconds
    sections: list[Section] = []
    for start in range(0, len(pages), ACCOUNTS_PER_GRAPH):
        chunk = pages[start : start + ACCOUNTS_PER_GRAPH]
        links = " | ".join(f"[{s.account} ({s.stack})]({d.url})" for s, d in chunk)
        rows = [[text(f"# Bedrock estate in {region}: accounts {start + 1}-{start + len(chunk)}\n{links}", height=3)]]
        widgets = [
            graph(
                f"{title} by account",
                [_activity(metric, stat, period, s, n) for n, (s, _) in enumerate(chunk)],
                region,
                period,
                width=GRID_COLUMNS // 2,
            )
            for title, metric, stat in _GRAPHS
        ]
        rows += [widgets[i : i + 2] for i in range(0, len(widgets), 2)]
        sections.append(Section(f"accounts:{start}", rows))
    sections += [Section(f"cost:{n}", [[w]]) for n, w in enumerate(_cost_widgets([s for s, _ in pages], settings))]
    packed = _pack(sections)
    base = safe_name(f"{settings.dashboard.name_prefix or project}-{stack}-{region}-estate")
    names = [base] + [f"{base}-{n}" for n in range(2, len(packed) + 1)]
    return [
        Dashboard(
            name,
            {"start": settings.dashboard.start, "periodOverride": "auto", "widgets": layout(page)},
            (),
            dashboard_url(region, name),
        )
        for name, page in zip(names, packed, strict=True)
    ]


def _pack(sections: Sequence[Section]) -> list[list[Section]]:
    """Sections onto pages in order, a new page before one would pass a page's widgets or metrics."""
    pages: list[list[Section]] = [[]]
    for section in sections:
        page = pages[-1]
        widgets = sum(len(s.widgets) for s in page) + len(section.widgets)
        metrics = sum(s.metric_count for s in page) + section.metric_count
        if page and (widgets > MAX_WIDGETS_PER_DASHBOARD or metrics > MAX_METRICS_PER_DASHBOARD):
            pages.append([])
        pages[-1].append(section)
    return pages


def _activity(metric: cat.Metric, stat: str, period: int, source: Source, n: int) -> list[Any]:
    """One account's line: every model's series of ``metric`` in the account, added up (or averaged)."""
    query = search(metric, cat.BY_MODEL, stat, period, f':aws.AccountId="{source.account}"')
    how = "SUM" if stat == "Sum" else "AVG"
    entry = expression(f"{how}({query})", f"a{n}", source.account)
    return [{**entry[0], "accountId": source.account, "region": source.region}]


def _cost_widgets(sources: Sequence[Source], settings: Settings) -> list[Widget]:
    """USD per hour by account, as many accounts per widget as its 500 entries hold."""
    region, period = settings.region, settings.dashboard.period_seconds
    widgets: list[Widget] = []
    entries: list[list[Any]] = []
    first = 0
    for n, source in enumerate(sources):
        account = _account_cost(source, n)
        if not account:
            continue
        if len(account) > MAX_METRICS_PER_WIDGET:
            raise ValueError(
                f"account {source.account} ({source.stack}) has too many priced models for one cost line: "
                f"{len(account)} entries; a widget holds {MAX_METRICS_PER_WIDGET}"
            )
        if len(entries) + len(account) > MAX_METRICS_PER_WIDGET:
            widgets.append(_cost_graph(entries, first, n - 1, region, period))
            entries, first = [], n
        entries += account
    if entries:
        widgets.append(_cost_graph(entries, first, len(sources) - 1, region, period))
    return widgets


def _cost_graph(entries: list[list[Any]], first: int, last: int, region: str, period: int) -> Widget:
    title = f"Cost of the listed models by account (USD per hour, Standard prices), accounts {first + 1}-{last + 1}"
    return graph(title, entries, region, period, width=GRID_COLUMNS, y_label="USD/hour")


def _account_cost(source: Source, n: int) -> list[list[Any]]:
    """Hidden token series of each priced model, a hidden USD/hour per model, and the account's total."""
    where = {"accountId": source.account, "region": source.region}
    entries: list[list[Any]] = []
    totals: list[str] = []
    for m, model in enumerate(source.models):
        terms, series = _model_terms(model, f"a{n}m{m}", where)
        if not terms:
            continue
        entries += series
        first_id = series[0][-1]["id"]
        hourly = f"({'+'.join(terms)})*3600/PERIOD({first_id})"  # USD per hour whatever the period, as per model
        entries.append(expression(hourly, f"c{n}m{m}", model.name, visible=False))
        totals.append(f"c{n}m{m}")
    if totals:
        entries.append(expression("+".join(totals), f"cost{n}", source.account))
    return entries


def _model_terms(model: ModelSettings, key: str, where: dict[str, str]) -> tuple[list[str], list[list[Any]]]:
    """USD terms of one model (tokens/1000 × price per priced kind) and the hidden series they read."""
    terms: list[str] = []
    series: list[list[Any]] = []
    for kind in TOKEN_KINDS:
        price = model.prices[kind.price]
        if price is None or not model.id:
            continue
        ids = [f"{kind.id_prefix}{i}{key}" for i in range(len(kind.metrics))]
        for i, metric in zip(ids, kind.metrics, strict=True):
            series.append(metric_entry(metric, [(cat.MODEL_ID, model.id)], id=i, stat="Sum", visible=False, **where))
        terms.append(f"({fill_sum(ids)})*{number(price)}/1000")
    return terms, series
