"""Pieces of CloudWatch metric-math expressions shared by dashboards and alarms."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def number(value: float) -> str:
    """A plain decimal (no exponent, which metric math might not read): 8e-05 → 0.00008."""
    return format(Decimal(repr(value)).normalize(), "f")


def fill_sum(ids: Iterable[str]) -> str:
    """Sum of series that may be missing: ``FILL(a,0)+FILL(b,0)``.

    Used for metrics AWS publishes under two names (the prompt-cache token metrics), so the sum
    is right whichever name an account receives.
    """
    return "+".join(f"FILL({i},0)" for i in ids)
