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
