"""Runs a stack's own alarms through a scenario, minute by minute, and records who was told what.

The alarms are the stack's plan (``llm_monitor.alarms.build_alarms``): each metric alarm is read
from the very arguments ``pulumi up`` sends to ``PutMetricAlarm``, each roll-up from its
``AlarmRule``, and each one's notifications from ``AlarmPlan.targets``. Alarms act only on state
transitions, as CloudWatch's do: a transition into ALARM sends the alarm actions, into OK the OK
actions.

A run starts with a warm-up long enough for every alarm's evaluation range (so alarms begin the
scenario in the state its first traffic puts them in, like alarms deployed long ago); nothing
notified during the warm-up counts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from llm_monitor import catalogue as cat
from llm_monitor.alarms import TOPIC_TOKEN, AlarmPlan, CompositeAlarmSpec, MetricAlarmSpec
from llm_monitor.alarms.specs import alarm_name
from llm_monitor.alarms.stack import alarm_topic_name
from llm_monitor.config import Settings
from llm_monitor.deployvalues import placeholders, substitute, typed_quotas
from llm_monitor.simulate import alarm as cw
from llm_monitor.simulate.anomaly import NORMAL_DAYS, AnomalyModel, TrailingAnomalyModel
from llm_monitor.simulate.metrics import Datapoint, MetricStore, metric_key
from llm_monitor.simulate.scenario import Event, Profile, Scenario
from llm_monitor.simulate.selectors import Selection
from llm_monitor.simulate.traffic import (
    Publisher,
    Readings,
    Target,
    delivery,
    draw,
    effective,
    guardrail_profile,
    guardrails,
    tier_factors,
)

MIN_WARM_UP = 30


@dataclass(frozen=True)
class Notification:
    """One state transition that had actions: what the subscribers received."""

    minute: int
    """Minutes after the scenario's start (the evaluation at the end of the minute before)."""
    alarm: str
    model: str | None
    state: str
    page: bool
    """An ALARM from an alarm that pages (the pager topics get it, and the alarm topic)."""
    email: bool
    """Sent to the stack's alarm topic (e-mail and HTTPS subscribers)."""


@dataclass
class Trace:
    """One alarm through the scenario: its state and watched value after each minute's evaluation."""

    name: str
    kind: str
    model: str | None
    urgency: str
    states: list[str] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    thresholds: list[float | None] = field(default_factory=list)


@dataclass
class Run:
    scenario: Scenario
    stack: str
    prefix: str
    """The stack's alarm-name prefix (``<project>-<stack>-<region>``)."""
    events: list[tuple[Event, tuple[str, ...]]]
    """Each event with the models it applies to."""
    traces: dict[str, Trace]
    transitions: list[tuple[int, str, str, str]]
    """(minute, alarm, from, to) for every alarm, with or without actions."""
    notifications: list[Notification]
    not_applicable: str | None = None
    """Why the scenario does not apply to the stack (it ``needs`` a model the stack lacks)."""

    def short(self, alarm: str) -> str:
        """An alarm's name without the stack's prefix."""
        return alarm.removeprefix(alarm_name(self.prefix, ""))

    @property
    def pages(self) -> list[Notification]:
        return [n for n in self.notifications if n.page]

    @property
    def emails(self) -> list[Notification]:
        return [n for n in self.notifications if n.email]


def with_typed_quotas(plan: AlarmPlan, settings: Settings) -> AlarmPlan:
    """The plan with quota placeholders replaced by the typed numbers (the simulator reads no live quota);
    ValueError when a quota is known only by its Service Quotas code."""
    typed = typed_quotas(settings)
    alarms = []
    for alarm in plan.metric_alarms:
        queries = tuple(
            replace(q, expression=substitute(q.expression, typed)) if q.expression and "${" in q.expression else q
            for q in alarm.queries
        )
        left = [t for q in queries if q.expression for t in placeholders(q.expression) if t.startswith("${quota")]
        if left:
            raise ValueError(
                f"alarm {alarm.name}: {', '.join(left)} is read from Service Quotas at deploy time; give the typed "
                "number too (tokensPerMinuteQuota, tokensPerDayQuota), which the simulator uses"
            )
        alarms.append(replace(alarm, queries=queries))
    return replace(plan, metric_alarms=tuple(alarms))


def warm_up(plan: AlarmPlan) -> int:
    """Minutes before the scenario's start needed to fill every alarm's evaluation range (and band history)."""
    longest = max(
        (a.period_seconds // 60 * (a.evaluation_periods + cw.EXTRA_PERIODS) for a in plan.metric_alarms), default=0
    )
    bands = max((a.period_seconds // 60 * 25 for a in plan.metric_alarms if a.threshold_metric_id), default=0)
    return max(longest, bands, MIN_WARM_UP) + 5


def simulate(
    plan: AlarmPlan,
    settings: Settings,
    scenario: Scenario,
    stack: str,
    readings: Readings | None = None,
    store: MetricStore | None = None,
) -> Run:
    """Run ``scenario`` against ``plan``; ``store`` replaces generated traffic (a replay, whose minute 0
    must be ``scenario.start`` and which must reach back ``warm_up(plan)`` minutes)."""
    readings = readings or Readings()
    selection = Selection(settings, scenario.name)
    missing = selection.missing(scenario.needs, scenario.surfaces)
    if missing:
        return Run(scenario, stack, plan.prefix, [], {}, [], [], not_applicable=missing)
    plan = with_typed_quotas(plan, settings)
    events = [
        (e, tuple(m.name for m in selection.models(e.model, f"events[{i}].model")))
        for i, e in enumerate(scenario.events)
    ]
    start = -warm_up(plan)
    seed = scenario.seed or scenario.name
    has_bands = any(a.threshold_metric_id for a in plan.metric_alarms)
    anomaly: AnomalyModel | TrailingAnomalyModel | None = None
    if store is not None:
        anomaly = TrailingAnomalyModel(store, scenario.start) if has_bands else None
    else:
        profiles = selection.profiles(scenario.traffic)
        store = generate(
            settings,
            profiles,
            events,
            start,
            scenario.duration,
            seed,
            readings,
            scenario.start,
            alarm_topic_name(plan.prefix),
        )
        _guardrails(settings, scenario, store, start, seed, readings)
        if has_bands:
            # What the anomaly model learned: the expected traffic, and how a normal day wobbles around it.
            expected = generate(settings, profiles, [], start, scenario.duration, None, readings, scenario.start)
            normal = [
                generate(
                    settings, profiles, [], start, scenario.duration, f"{seed}:normal:{day}", readings, scenario.start
                )
                for day in range(NORMAL_DAYS)
            ]
            anomaly = AnomalyModel(expected, normal, scenario.start)
    return _evaluate(plan, scenario, stack, events, store, anomaly, start, readings)


def generate(
    settings: Settings,
    profiles: dict[str, Profile],
    events: Sequence[tuple[Event, tuple[str, ...]]],
    start: int,
    duration: int,
    seed: str | None,
    readings: Readings,
    origin: datetime,
    topic: str = "",
) -> MetricStore:
    """The metrics the traffic publishes, minute by minute, from ``start`` to the end of the scenario
    (without ``seed``: the expected traffic, every count at its mean and no jitter)."""
    store = MetricStore(start, duration - 1)
    records = [0] * (duration - start)
    for model in settings.models:
        rng = None if seed is None else random.Random(f"{seed}:{model.name}")
        target = Target(model.name, model.id, model.tiers)
        publisher = Publisher(store, target, readings, settings.logs.application_namespace)
        mine = [e for e, names in events if model.name in names]
        for minute in range(start, duration):
            hour = (origin + timedelta(minutes=minute)).hour
            profile, slow, longer = effective(profiles[model.name], mine, minute, hour)
            calls = draw(rng, profile)
            # Latency wanders from minute to minute as much as the call rate does.
            jitter = 1.0 if rng is None else math.exp(profile.noise * rng.gauss(0, 1))
            publisher.publish(minute, calls, profile, slow * jitter, longer, tier_factors(mine, minute))
            records[minute - start] += calls.accepted
    if settings.logs.invocation_logging.enabled:
        rng = None if seed is None else random.Random(f"{seed}:delivery")
        for minute in range(start, duration):
            active = [e for e, _ in events if e.active(minute)]
            if any(e.invocation_logging_stopped for e in active):
                continue  # nothing is delivered here, and nothing fails either
            failing = max((e.invocation_log_delivery_failures or 0.0 for e in active), default=0.0)
            delivery(store, minute, records[minute - start], failing, rng)
    for minute in range(max(start, 0), duration):
        failed = sum(e.notification_delivery_failures or 0 for e, _ in events if e.active(minute))
        if failed:
            key = metric_key(cat.SNS_NAMESPACE, cat.NOTIFICATIONS_FAILED.name, [(cat.TOPIC_NAME, topic)])
            store.put(key, minute, Datapoint.counted(failed))
    return store


def _guardrails(
    settings: Settings, scenario: Scenario, store: MetricStore, start: int, seed: str, readings: Readings
) -> None:
    """Guardrail evaluations (stack-wide), on stacks that watch them (``llm-monitor:surfaces.guardrails``)."""
    if not settings.surfaces.guardrails.enabled:
        return
    rng = random.Random(f"{seed}:guardrails")
    for minute in range(start, scenario.duration):
        profile, slow = guardrail_profile(scenario.guardrails, scenario.events, minute)
        guardrails(store, minute, profile, slow, rng, readings)


def _evaluate(
    plan: AlarmPlan,
    scenario: Scenario,
    stack: str,
    events: list[tuple[Event, tuple[str, ...]]],
    store: MetricStore,
    anomaly: AnomalyModel | TrailingAnomalyModel | None,
    start: int,
    readings: Readings,
) -> Run:
    origin = scenario.start
    evaluators: list[tuple[MetricAlarmSpec, cw.MetricAlarmEvaluator]] = []
    for spec in plan.metric_alarms:
        definition = cw.metric_alarm(spec.inputs())
        evaluator = cw.MetricAlarmEvaluator(
            definition, store, origin, anomaly.band if anomaly else None, fill_empty=readings.fill_empty
        )
        evaluator.precompute(start, scenario.duration)
        evaluators.append((spec, evaluator))
    rules = [(c, cw.parse_rule(c.rule)) for c in _children_first(plan.composites)]
    states = dict.fromkeys(plan.names, cw.INSUFFICIENT_DATA)
    traces = {a.name: Trace(a.name, _kind(a), a.model, a.urgency) for a in plan.alarms}
    transitions: list[tuple[int, str, str, str]] = []
    notifications: list[Notification] = []

    def transition(end: int, spec: MetricAlarmSpec | CompositeAlarmSpec, new: str) -> None:
        old = states[spec.name]
        states[spec.name] = new
        if new == old or end < 1:
            return
        transitions.append((end, spec.name, old, new))
        targets = plan.insufficient_data_targets(spec) if new == cw.INSUFFICIENT_DATA else plan.targets(spec)
        if targets:
            page = new == cw.ALARM and spec.urgency == "page"
            notifications.append(Notification(end, spec.name, spec.model, new, page, TOPIC_TOKEN in targets))

    for end in range(start + 1, scenario.duration + 1):
        for spec, evaluator in evaluators:
            reading = evaluator.evaluate(end, states[spec.name])
            transition(end, spec, reading.state)
            if end >= 1:
                trace = traces[spec.name]
                trace.values.append(reading.value)
                trace.thresholds.append(reading.threshold)
        for composite, rule in rules:
            transition(end, composite, cw.ALARM if cw.rule_holds(rule, states) else cw.OK)
        if end >= 1:
            for name, trace in traces.items():
                trace.states.append(states[name])
    return Run(scenario, stack, plan.prefix, events, traces, transitions, notifications)


def _kind(alarm: MetricAlarmSpec | CompositeAlarmSpec) -> str:
    return alarm.kind if isinstance(alarm, MetricAlarmSpec) else "health"


def _children_first(composites: Sequence[CompositeAlarmSpec]) -> list[CompositeAlarmSpec]:
    """Composites ordered so that one naming another comes after it."""
    names = {c.name for c in composites}
    done: list[CompositeAlarmSpec] = []
    pending = list(composites)
    while pending:
        ready = [c for c in pending if not (set(c.children) & names - {d.name for d in done})]
        if not ready:
            raise ValueError("composite alarms name each other in a cycle")
        done += ready
        pending = [c for c in pending if c not in ready]
    return done
