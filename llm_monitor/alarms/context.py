"""What every per-model alarm builder shares: the model, its effective rules, names, graph lines."""

from __future__ import annotations

from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.alarms.specs import MAX_ALARM_NAME, Dimensions, MetricAlarmSpec, Query, alarm_name, window
from llm_monitor.catalogue import Metric
from llm_monitor.config import LimitError, Settings
from llm_monitor.config.alarm_kinds import AlarmRule
from llm_monitor.config.alarms import AlarmSettings
from llm_monitor.config.models import ModelSettings

THRESHOLD_COLOUR = "#d62728"
Annotations = dict[tuple[str, str], list[dict[str, Any]]]
"""Threshold lines for the dashboards, keyed by (model name, graph key of ``llm_monitor.dashboard.model``)."""


#: The longest kind a model's alarm name ends with (tests/test_plan.py checks that none is longer): the
#: room for a model's name is what is left of 255 characters with it.
LONGEST_KIND = len("output-tokens-per-second")


def model_alarm_name(prefix: str, model: ModelSettings, kind: str, path: str) -> str:
    """``<prefix>/<model name>-<kind>``, or LimitError naming ``path`` (the model's name or label)
    when it is longer than CloudWatch allows; without a path when the prefix alone is too long."""
    name = alarm_name(prefix, f"{model.name}-{kind}")
    if len(name) <= MAX_ALARM_NAME:
        return name
    room = MAX_ALARM_NAME - len(prefix) - max(len(kind), LONGEST_KIND) - 2
    if room < 1:
        raise LimitError(f"alarm name {name!r} has {len(name)} characters; CloudWatch allows {MAX_ALARM_NAME}")
    which = f"the name {model.name!r} derived from the label" if model.name_derived else "the name"
    raise LimitError(
        f"{which} makes the alarm name {name!r} {len(name)} characters long; CloudWatch allows "
        f"{MAX_ALARM_NAME}, so in this stack (alarm names start with {prefix!r}) a model's name can have at "
        f"most {room} characters: set a shorter name",
        path,
    )


def per_minute(count: float, period_seconds: int) -> float:
    """A count per period as the per-minute rate the dashboards graph."""
    return count * 60 / period_seconds


class ModelContext:
    """One model, its override-merged rules, and the threshold lines its alarms draw."""

    def __init__(
        self, settings: Settings, model: ModelSettings, prefix: str, rules: AlarmSettings, path: str = ""
    ) -> None:
        self.model = model
        self.prefix = prefix
        self.rules = rules
        self.path = path
        """Config key path of the model's name (its label when the name was derived)."""
        self.region = settings.region
        self.application_namespace = settings.logs.application_namespace
        self.logs = settings.builds("logs")
        """The stack builds the log groups and metric filters that application alarms read."""
        self.dims: Dimensions = ((cat.MODEL_ID, model.id),)
        self.annotations: Annotations = {}

    def spec(self, kind: str, rule: AlarmRule, text: tuple[str, str, str], **fields: Any) -> MetricAlarmSpec:
        """``text``: the condition, what it means, what to check first."""
        condition, consequence, check_first = text
        clock = fields.get("evaluation_window") is not None
        when = window(rule.period_seconds, rule.evaluation_periods, rule.datapoints_to_alarm, clock)
        return MetricAlarmSpec(
            key=f"{self.model.name}-{kind}",
            name=model_alarm_name(self.prefix, self.model, kind, self.path),
            kind=kind,
            model=self.model.name,
            urgency=rule.urgency,
            meaning=f"{self.model.display}: {condition}, {when}. {consequence}.",
            check_first=check_first,
            evaluation_periods=rule.evaluation_periods,
            datapoints_to_alarm=rule.datapoints_to_alarm,
            **fields,
        )

    def line(self, graph: str, label: str, value: float | str) -> None:
        """A threshold line on one of the model's graphs (``llm_monitor.dashboard.model``), in its unit
        (a string: a deploy-time placeholder, ``llm_monitor.deployvalues``)."""
        entry = {"label": label, "value": value, "color": THRESHOLD_COLOUR}
        self.annotations.setdefault((self.model.name, graph), []).append(entry)

    def metric(self, id: str, metric: Metric, period: int, label: str, stat: str = "Sum") -> Query:
        """One of the model's Bedrock metrics (Sum by default: counts and tokens add up over a period)."""
        return Query(id, label, metric=metric, dimensions=self.dims, stat=stat, period=period)
