"""Traffic alarms: a model expected to be busy that goes quiet (page), and unusual volume (notify)."""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms.context import ModelContext, per_minute
from llm_monitor.alarms.specs import BAND_COMPARISONS, BELOW, MetricAlarmSpec, Query, duration
from llm_monitor.config.alarm_kinds import DAYS, Schedule
from llm_monitor.dashboard import model as board
from llm_monitor.mathexpr import ATTEMPTS, number


def schedule_condition(schedule: Schedule, id: str) -> str:
    """Metric math that is 1 inside the schedule, from the period's timestamp (UTC).

    DAY() (1 = Monday ... 7 = Sunday) and HOUR() (0-23) "take the period and range of the time
    series and return a new non-sparse time series": they have a value for every period, even one
    in which ``id`` has no data, which is what lets a silent period be judged at all.
    """
    terms = []
    days = sorted(DAYS.index(d) + 1 for d in schedule.days)
    if len(days) < 7:
        runs: list[list[int]] = []
        for day in days:
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        parts = [
            f"DAY({id}) == {r[0]}" if len(r) == 1 else f"(DAY({id}) >= {r[0]} AND DAY({id}) <= {r[-1]})" for r in runs
        ]
        terms.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    start, end = schedule.start_hour, schedule.end_hour
    if (start, end) != (0, 24):
        joint = "AND" if start < end else "OR"
        parts = [p for p in (f"HOUR({id}) >= {start}" if start else "", f"HOUR({id}) < {end}" if end < 24 else "") if p]
        terms.append(parts[0] if len(parts) == 1 else f"({parts[0]} {joint} {parts[1]})")
    return " AND ".join(terms) if terms else "1"


def schedule_text(schedule: Schedule | None) -> str:
    if schedule is None:
        return ""
    days = ", ".join(d.capitalize() for d in schedule.days)
    return f" ({days}, {schedule.start_hour:02d}:00-{schedule.end_hour % 24:02d}:00 UTC)"


def traffic_loss(ctx: ModelContext) -> MetricAlarmSpec | None:
    """Fewer requests than the floor reach Bedrock, while the model is expected to be busy.

    Bedrock publishes nothing for a minute without requests, so the silence itself is the
    signal: the series is FILL()ed with 0, and missing data is *breaching*. Outside the schedule
    the value is the threshold itself, which never breaches ("below" is strict).
    """
    rule = ctx.rules.traffic_loss
    if not rule.enabled or rule.threshold is None:
        return None
    p = rule.period_seconds
    ctx.line(
        board.ACTIVITY,
        f"Traffic floor: {rule.threshold} per {duration(p)}",
        per_minute(rule.threshold, p),
    )
    value = "att" if rule.schedule is None else f"IF({schedule_condition(rule.schedule, 'inv')}, att, {rule.threshold})"
    queries = (
        ctx.metric("inv", cat.INVOCATIONS, p, "Invocations"),
        ctx.metric("th", cat.INVOCATION_THROTTLES, p, "Throttles"),
        Query("att", "Requests reaching Bedrock", expression=ATTEMPTS),
        Query("traffic", "Requests (the floor outside the schedule)", expression=value, return_data=True),
    )
    return ctx.spec(
        "traffic-loss",
        rule,
        (
            f"fewer than {rule.threshold} requests reached Bedrock{schedule_text(rule.schedule)}",
            "Callers stopped reaching Bedrock: a crashed or broken client, IAM AccessDenied, DNS or VPC-endpoint "
            "trouble, or callers switched to another model ID",
            "The callers' own health and the 'Recent application errors' table; the invocation graphs of the "
            "other models (all quiet: the shared path; only this one: its callers or its ID).",
        ),
        comparison=BELOW,
        threshold=rule.threshold,
        queries=queries,
        treat_missing_data="breaching",
    )


def invocation_anomaly(ctx: ModelContext) -> MetricAlarmSpec | None:
    rule = ctx.rules.invocation_anomaly
    if not rule.enabled:
        return None
    # The band alarm returns both the watched series and its band (the documented shape). The
    # series is FILL(inv, 0): Bedrock publishes nothing for a minute without calls, so without it
    # traffic dropping to zero would be missing data, never "below the band".
    inv = ctx.metric("inv", cat.INVOCATIONS, rule.period_seconds, "Invocations")
    filled = Query("calls", "Invocations (0 when none)", expression="FILL(inv,0)", return_data=True)
    band = Query(
        "band",
        "Expected invocations",
        expression=f"ANOMALY_DETECTION_BAND(calls, {number(rule.band_width)})",
        return_data=True,
    )
    return ctx.spec(
        "invocation-anomaly",
        rule,
        (
            f"Invocations {rule.direction} the expected band ({rule.band_width:g} standard deviations)",
            "Traffic is unusual for this time of day and week",
            "Recent releases or new callers (identity.arn in the invocation logs); a drop can mean callers "
            "fail before they reach Bedrock.",
        ),
        comparison=BAND_COMPARISONS[rule.direction],
        queries=(inv, filled, band),
        threshold_metric_id=band.id,
    )
