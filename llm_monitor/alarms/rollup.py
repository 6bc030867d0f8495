"""Health roll-ups: one composite alarm over the paging alarms of one subject (a model, a surface).

The roll-up alone pages: its children lose their actions, so one incident is one page however
many of them fire, and a second subject failing pages again through its own roll-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from llm_monitor.alarms.specs import CompositeAlarmSpec, MetricAlarmSpec, alarm_name


def roll_up(
    prefix: str,
    key: str,
    subject: str,
    specs: Sequence[MetricAlarmSpec],
    *,
    enabled: bool,
    model: str | None = None,
    name: str | None = None,
    where: str = "",
) -> tuple[list[MetricAlarmSpec], CompositeAlarmSpec | None]:
    """``specs`` with the paging ones silenced under ``<key>-health`` (or ``name``), and that roll-up;
    ``specs`` unchanged and no roll-up when roll-ups are off or nothing pages."""
    paging = [s for s in specs if s.urgency == "page"]
    if not enabled or not paging:
        return list(specs), None
    kinds = ", ".join(s.kind for s in paging)
    rollup = CompositeAlarmSpec(
        key=f"{key}-health",
        name=name or alarm_name(prefix, f"{key}-health"),
        children=tuple(s.name for s in paging),
        model=model,
        meaning=f"{subject}: at least one of its paging alarms is in ALARM ({kinds}). This one page covers "
        "all of them until every one is OK again.",
        check_first="The alarm named in the notification's TriggeringChildren; its description says what to "
        f"check.{' ' + where if where else ''}",
    )
    return [replace(s, actions=False) if s.urgency == "page" else s for s in specs], rollup
