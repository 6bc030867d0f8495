"""CloudWatch alarms for the stack's Bedrock models, generated from the metric catalogue and settings.

Pure: no Pulumi imports. ``build_alarms`` returns an ``AlarmPlan``: one spec per alarm (the
arguments of ``PutMetricAlarm`` / ``PutCompositeAlarm``), who each one notifies, the threshold
lines the dashboards draw, and the alarm ARNs for the dashboards' alarm-status widget. The
Pulumi layer only turns the specs into resources; ``llm_monitor.simulate`` replays incidents
against the same specs.

Modules: ``specs`` (the two spec types and CloudWatch's rules), ``plan`` (the stack's alarms,
roll-ups and routing), and one module per concern of the per-model kinds: ``latency``,
``errors``, ``traffic``, ``spend``.
"""

from llm_monitor.alarms.plan import TOPIC_TOKEN, AlarmPlan, build_alarms
from llm_monitor.alarms.specs import AlarmSpec, CompositeAlarmSpec, MetricAlarmSpec, Query

__all__ = [
    "TOPIC_TOKEN",
    "AlarmPlan",
    "AlarmSpec",
    "CompositeAlarmSpec",
    "MetricAlarmSpec",
    "Query",
    "build_alarms",
]
