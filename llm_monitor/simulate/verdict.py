"""Whether a run did what its scenario expects: pages and e-mails, how soon, how many."""

from __future__ import annotations

from dataclasses import dataclass

from llm_monitor.config import Settings
from llm_monitor.config.errors import Problem
from llm_monitor.simulate.engine import Notification, Run
from llm_monitor.simulate.scenario import Count, Event, Expectation, ScenarioError, Within
from llm_monitor.simulate.selectors import Selection


@dataclass(frozen=True)
class Check:
    """One expectation and what happened."""

    expectation: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    run: Run
    checks: tuple[Check, ...]

    @property
    def not_applicable(self) -> str | None:
        """Why the scenario says nothing about this stack (it lacks a model or surface the scenario needs)."""
        return self.run.not_applicable

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def judge(run: Run, settings: Settings) -> Verdict:
    if run.not_applicable:
        return Verdict(run, ())
    selection = Selection(settings, run.scenario.name)
    checks = [_check(run, selection, e, f"expect[{i}]") for i, e in enumerate(run.scenario.expect)]
    return Verdict(run, tuple(checks))


def incident_start(
    run: Run, event_name: str | None = None, path: str = "expect"
) -> tuple[Event, tuple[str, ...]] | None:
    """The event a timing is measured from: the named one, or the first."""
    if event_name is None:
        return run.events[0] if run.events else None
    for event, models in run.events:
        if event.name == event_name:
            return event, models
    raise ScenarioError(run.scenario.name, [Problem(f"{path}.event", f"no event named {event_name!r}")])


def _models(
    run: Run, selection: Selection, selector: str | int | None, default: tuple[str, ...] | None, path: str
) -> set[str] | None:
    """The models a notification must be about (None: any alarm, the stack's own included)."""
    if selector is not None:
        return {m.name for m in selection.models(selector, f"{path}.model")}
    if default is not None and len(default) < len(selection.models_in_order):
        return set(default)
    return None


def _matches(n: Notification, models: set[str] | None) -> bool:
    return models is None or n.model in models


def _check(run: Run, selection: Selection, expectation: Expectation, path: str) -> Check:
    kind = expectation.kind
    rule = getattr(expectation, kind)
    if isinstance(rule, Within):
        return _within(run, selection, kind, rule, f"{path}.{kind}")
    assert isinstance(rule, Count)
    return _count(run, selection, kind, rule, f"{path}.{kind}")


def _within(run: Run, selection: Selection, kind: str, rule: Within, path: str) -> Check:
    found = incident_start(run, rule.event, path)
    if found is None:
        raise ScenarioError(run.scenario.name, [Problem(path, "measures from an event, and the scenario has none")])
    event, event_models = found
    models = _models(run, selection, rule.model, event_models, path)
    sent = run.pages if kind == "page" else [n for n in run.emails if n.state == "ALARM"]
    after = [n for n in sent if _matches(n, models) and n.minute >= event.start]
    about = f" about {', '.join(sorted(models))}" if models else ""
    label = f"{'a page' if kind == 'page' else 'an e-mail'}{about} within {rule.within} min of {_event_name(event)}"
    if not after:
        return Check(label, False, "none came")
    delay = after[0].minute - event.start
    return Check(label, delay <= rule.within, f"first after {delay} min ({run.short(after[0].alarm)})")


def _count(run: Run, selection: Selection, kind: str, rule: Count, path: str) -> Check:
    models = _models(run, selection, rule.model, None, path)
    sent = [n for n in (run.pages if kind == "pages" else run.emails) if _matches(n, models)]
    bounds = (
        f"{rule.min}-{rule.max}"
        if rule.max is not None and rule.min
        else (f"at most {rule.max}" if rule.max is not None else f"at least {rule.min}")
    )
    if rule.max is not None and rule.min == rule.max:
        bounds = f"exactly {rule.max}"
    about = f" about {', '.join(sorted(models))}" if models else ""
    label = f"{kind}{about}: {bounds}"
    passed = len(sent) >= rule.min and (rule.max is None or len(sent) <= rule.max)
    return Check(label, passed, f"{len(sent)} sent")


def _event_name(event: Event) -> str:
    return event.name or f"the event at minute {event.start}"
