"""A model's quota and prompt-cache graphs (pure): which quota applies, today's tokens, cache hits.

Quotas known only at deploy time (looked up from their Service Quotas code) are placeholders here
(``llm_monitor.deployvalues``), replaced in the dashboard body by the Pulumi layer.
"""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard.widgets import COLOURS, Widget, expression, graph, model_metric
from llm_monitor.deployvalues import daily_operand, line_value, minute_operand
from llm_monitor.mathexpr import CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, fill_sum, per_minute
from llm_monitor.quotas import daily_label, minute_label

Notes = list[dict[str, Any]]
DAY = 86_400
#: Tokens since 00:00 UTC of the latest day in the graph's range. In metric math (CloudWatch user
#: guide, "Metric math syntax and functions"), EPOCH(m) is each point's time in seconds, MAX of a
#: single series is a scalar over the whole range, so ``FLOOR(MAX(EPOCH(dq))/86400)*86400`` is that
#: midnight, and RUNNING_SUM adds up the day's periods. Needs a time range that reaches midnight.
TODAY = f"RUNNING_SUM(IF(EPOCH(dq) >= FLOOR(MAX(EPOCH(dq))/{DAY})*{DAY}, FILL(dq,0), 0))"


def quota_header(model: ModelSettings) -> str:
    """``, cross-Region TPM quota 400,000`` for the section's header line."""
    label = minute_label(model.scope)
    label = label[0].lower() + label[1:] if model.scope else label
    code = model.tokens_per_minute_quota_code
    if code is not None:
        return f", {label} from Service Quotas {code}"
    return f", {label} {model.tokens_per_minute_quota:,}" if model.tokens_per_minute_quota else ""


def quota_graph(model: ModelSettings, region: str, period: int, notes: Notes) -> Widget:
    """Estimated tokens per minute against the per-minute quota the model's calls draw on."""
    metrics = [
        model_metric(cat.ESTIMATED_TPM_QUOTA_USAGE, model, id="q", stat="Sum", visible=False),
        # Per-minute rate whatever period the console picks (the quota is per minute).
        expression(per_minute("q"), "tpm", "Estimated tokens/min"),
        # The per-minute sum at 1-minute resolution shows the peaks the average hides.
        model_metric(cat.ESTIMATED_TPM_QUOTA_USAGE, model, stat="Sum", period=60, label="1-minute usage"),
    ]
    operand = minute_operand(model)
    lines = list(notes)
    if operand is not None:
        value = model.tokens_per_minute_quota if model.tokens_per_minute_quota_code is None else line_value(operand)
        lines = [{"label": minute_label(model.scope), "value": value, "color": COLOURS["quota"]}, *lines]
    return graph("Estimated TPM quota usage", metrics, region, period, y_label="Tokens/min", annotations=lines)


def daily_quota_graph(model: ModelSettings, region: str, period: int, notes: Notes) -> Widget | None:
    """Tokens used since midnight UTC against the daily token quota; for models that state a daily
    quota or alarm on it (``notes``: the daily alarm's line)."""
    explicit = model.tokens_per_day_quota is not None or model.tokens_per_day_quota_code is not None
    operand = daily_operand(model)
    if operand is None or not (explicit or notes):
        return None
    metrics = [
        model_metric(cat.ESTIMATED_TPM_QUOTA_USAGE, model, id="dq", stat="Sum", visible=False),
        expression(TODAY, "today", "Tokens since 00:00 UTC (within the time range)"),
    ]
    lines = [{"label": daily_label(model.scope), "value": line_value(operand), "color": COLOURS["quota"]}, *notes]
    return graph("Daily token quota: used today (UTC)", metrics, region, period, y_label="Tokens", annotations=lines)


def cache_hit_graph(model: ModelSettings, region: str, period: int) -> Widget:
    """Input tokens read from the prompt cache as a share of all input tokens.

    ``InputTokenCount`` counts the tokens neither read from nor written to the cache ("Any tokens
    not read from or written to cache are charged at the standard input token rate", Bedrock user
    guide, prompt-caching.html), so all input is input + cache read + cache write; both spellings
    of each cache metric are added (``catalogue.py``).
    """
    read_ids = [f"hr{i}" for i in range(len(CACHE_READ_TOKENS.metrics))]
    write_ids = [f"hw{i}" for i in range(len(CACHE_WRITE_TOKENS.metrics))]
    read, write = fill_sum(read_ids), fill_sum(write_ids)
    metrics = [
        model_metric(cat.INPUT_TOKEN_COUNT, model, id="hin", stat="Sum", visible=False),
        *[
            model_metric(m, model, id=i, stat="Sum", visible=False)
            for i, m in zip(read_ids, CACHE_READ_TOKENS.metrics, strict=True)
        ],
        *[
            model_metric(m, model, id=i, stat="Sum", visible=False)
            for i, m in zip(write_ids, CACHE_WRITE_TOKENS.metrics, strict=True)
        ],
        expression(f"FILL(hin,0)+{read}+{write}", "allin", "All input tokens", visible=False),
        expression(f"100*({read})/allin", "hit", "Cache hit rate (%)", color=COLOURS["cacheRead"]),
        expression(f"100*({write})/allin", "wrote", "Written to the cache (%)", color=COLOURS["cacheWrite"]),
    ]
    return graph("Prompt-cache hit rate (% of input tokens)", metrics, region, period, y_label="Percent")
