"""Pieces of CloudWatch metric-math expressions shared by dashboards and alarms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric


def number(value: float) -> str:
    """A plain decimal (no exponent, which metric math might not read): 8e-05 → 0.00008."""
    return format(Decimal(repr(value)).normalize(), "f")


def fill_sum(ids: Iterable[str]) -> str:
    """Sum of series that may be missing: ``FILL(a,0)+FILL(b,0)``.

    Used for metrics AWS publishes under two names (the prompt-cache token metrics), so the sum
    is right whichever name an account receives.
    """
    return "+".join(f"FILL({i},0)" for i in ids)


# Rates, shared by the dashboard's rate graph and the rate alarms so both say the same thing. They
# read the ids inv (Invocations), ce and se (client and server errors), th (throttles), and err.
#
# Errors are a share of requests. The current user guide counts in Invocations every request
# Bedrock accepted, including those that later failed; an older revision says "successful
# requests", under which a total outage has errors and no Invocations. The larger of the two is
# right under both readings (and reads 100% in that outage instead of nothing).
ERRORS = "FILL(ce,0)+FILL(se,0)"
REQUESTS = "MAX([FILL(inv,0), err])"
#: Throttled requests are not in Invocations: the throttle rate is a share of all attempts.
ATTEMPTS = "FILL(inv,0)+FILL(th,0)"
#: AWS's output tokens per second (Bedrock user guide, "Monitor output tokens per second"):
#: OutputTokenCount / (InvocationLatency − TimeToFirstToken) × 1000, all three at p50 (ids out,
#: lat, ttft). Only streaming calls publish TimeToFirstToken; a period without one has no value.
OTPS = "IF(lat > ttft, 1000*out/(lat-ttft))"


def gated_rate(count: str, total: str, minimum: int) -> str:
    """``count`` as a percentage of ``total``, read as 0 unless there are at least ``minimum`` of
    them or every call of the period failed.

    The gate counts the failures themselves, not the requests: a few unlucky calls among many
    never breach, and a quiet model whose every call fails still does (2 failures of 2 calls is
    100 %, whatever ``minimum`` says).
    """
    return f"IF({count} >= {minimum} OR ({count} > 0 AND {count} >= {total}), 100*{count}/{total}, 0)"


def per_minute(id: str) -> str:
    """A count series as a per-minute rate, whatever period the console picks for the graph."""
    return f"{id}/(PERIOD({id})/60)"


@dataclass(frozen=True)
class TokenKind:
    """A priced kind of token, as the dashboards' cost graphs and the cost alarm both count it."""

    price: str
    """Key in ``ModelSettings.prices`` (USD per 1,000 tokens)."""
    label: str
    id_prefix: str
    """Metric-math ids of its series: the prefix, then 0, 1, ... per metric."""
    metrics: tuple[Metric, ...]
    """Catalogue metrics that count it; several when AWS publishes it under more than one name."""

    @property
    def ids(self) -> list[str]:
        return [f"{self.id_prefix}{i}" for i in range(len(self.metrics))]

    @property
    def total(self) -> str:
        """The kind's token count: its series (``ids``) added up."""
        return fill_sum(self.ids)


INPUT_TOKENS = TokenKind("input", "input", "tin", (cat.INPUT_TOKEN_COUNT,))
OUTPUT_TOKENS = TokenKind("output", "output", "tout", (cat.OUTPUT_TOKEN_COUNT,))
# The prompt-cache metrics exist under two names (see catalogue.py); both are added.
CACHE_READ_TOKENS = TokenKind("cacheRead", "cache read", "cr", cat.CACHE_READ_METRICS)
CACHE_WRITE_TOKENS = TokenKind("cacheWrite", "cache write", "cw", cat.CACHE_WRITE_METRICS)
TOKEN_KINDS = (INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS)
