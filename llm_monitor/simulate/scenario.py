"""Scenario files for ``python -m llm_monitor test-alarms``: traffic, incidents and what should happen.

A scenario is YAML (see the README, "Testing alarms against incidents"): a stack, the traffic
each model carries minute by minute, events that change it, and expectations about pages and
e-mails. Models are named by selector, so one scenario runs on any stack:

- a model's ``name`` (``claude-sonnet``);
- ``first`` or ``last`` (in the stack's ``models`` list), or a position (``1``, ``2``, ``-1``);
- ``busy``: the first model the stack expects to carry traffic (``alarms.trafficLoss``);
- ``idle``: the last model it does not;
- ``priority``, ``flex``, ``reserved``: the first model whose ``serviceTiers`` declare that tier.

A scenario that ``needs`` such a model does not apply to a stack that has none: it is reported as
not applicable there instead of failing.

Invalid files end in ``ScenarioError``, which names the key path of every problem
(``events[1].serverErrors``), like the stack config's errors.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator

from llm_monitor.config.base import Section
from llm_monitor.config.errors import Problem

DEFAULT_START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
"""A Tuesday at 10:00 UTC: business hours, for schedules."""
_MULTIPLIER = re.compile(r"x(?P<factor>[0-9]+(\.[0-9]+)?)")


class ScenarioError(Exception):
    """A scenario file that cannot be run: every problem, each with its key path."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source, self.problems = source, sorted(set(problems))
        count = len(self.problems)
        lines = [f"invalid scenario {source} ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def _share(value: Any) -> Any:
    """``"30%"`` or a fraction ``0.3``; a bare number above 1 is refused rather than guessed at."""
    if isinstance(value, str) and value.endswith("%"):
        try:
            number = float(value[:-1])
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage") from None
        if not 0 <= number <= 100:
            raise ValueError(f"{value!r} is not between 0% and 100%")
        return number / 100
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value <= 1:
            raise ValueError(f"{value!r}: write a share as a fraction from 0 to 1 or as a percentage ('30%')")
        return float(value)
    raise ValueError(f"{value!r}: write a share as a fraction from 0 to 1 or as a percentage ('30%')")


Share = Annotated[float, BeforeValidator(_share)]
Positive = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Tier = Literal["reserved", "priority", "default", "flex"]


def _tier_mix(mix: dict[str, float]) -> dict[str, float]:
    if sum(mix.values()) > 1 + 1e-9:
        raise ValueError(f"the tiers' shares add up to {sum(mix.values()):.0%}; at most 100% (the rest is Standard)")
    return mix


class Spread(Section):
    """A per-request distribution, by its median and 90th percentile (lognormal between them)."""

    p50: float = Field(gt=0, allow_inf_nan=False)
    p90: float = Field(gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Spread:
        if self.p90 < self.p50:
            raise ValueError(f"p90 ({self.p90:g}) is below p50 ({self.p50:g})")
        return self


class Profile(Section):
    """One model's traffic per minute. Every field has a default (a steady, healthy model)."""

    requests: Positive = 20
    """Calls per minute the callers make (before throttling)."""
    client_errors: Share = 0.003
    """Share of accepted calls that fail with a 4xx (counted in InvocationClientErrors)."""
    server_errors: Share = 0.0005
    """Share of accepted calls that fail with a 5xx."""
    throttles: Share = 0.0
    """Share of calls Bedrock throttles (InvocationThrottles; not in Invocations)."""
    pre_bedrock_failures: Share = 0.0
    """Share of calls that fail before reaching Bedrock (IAM AccessDenied, DNS, a broken client):
    only the application logs see them."""
    input_tokens: Positive = 1500
    """Mean input tokens per call."""
    output_tokens: Spread = Spread(p50=300, p90=700)
    cache_read_tokens: Positive = 0
    cache_write_tokens: Positive = 0
    time_to_first_token_ms: Spread = Spread(p50=450, p90=900)
    output_tokens_per_second: float = Field(default=80, gt=0, allow_inf_nan=False)
    """Decode speed: latency = time to first token + output tokens / this."""
    streaming: Share = 0.6
    """Share of successful calls that stream (only they publish TimeToFirstToken)."""
    quota_burndown: float = Field(default=1, gt=0, allow_inf_nan=False)
    """Output tokens count this many times in EstimatedTPMQuotaUsage (5 for recent Anthropic models)."""
    noise: Share = 0.1
    """Relative minute-to-minute variation of the call rate (on top of Poisson noise)."""
    applications: dict[str, Share] = Field(default_factory=lambda: {"app": 1.0})
    """Applications calling the model and their shares of its calls (they write the application logs)."""
    application_logs: bool = True
    hourly: dict[str, Positive] = Field(default_factory=dict)
    """The daily shape of the call rate: multipliers by UTC hour, keyed ``"20"`` or ``"20-7"``
    (end exclusive, across midnight). Part of the model's normal: the anomaly model knows it."""
    tiers: dict[Tier, Share] = Field(default_factory=dict)
    """Shares of the calls that request each service tier; the rest request Standard. Only tiers the
    model's ``serviceTiers`` declare are requested (its callers use what the stack says they use)."""
    reserved_tokens_per_minute: Positive | None = None
    """The Reserved tier's capacity (input + output tokens a minute); calls beyond it overflow to Standard."""

    _mix = field_validator("tiers")(classmethod(lambda cls, v: _tier_mix(v)))

    @field_validator("hourly")
    @classmethod
    def _hours(cls, shape: dict[str, float]) -> dict[str, float]:
        for key in shape:
            hour_range(key)
        return shape

    def rate_factor(self, hour: int) -> float:
        factor = 1.0
        for key, value in self.hourly.items():
            if hour in hour_range(key):
                factor *= value
        return factor


class GuardrailProfile(Section):
    """Guardrail evaluations per minute in the Region (``ApplyGuardrail``, and guardrails on model calls).

    Published only on stacks that turn on ``llm-monitor:surfaces.guardrails``; the defaults are a
    healthy day.
    """

    requests: Positive = 30
    client_errors: Share = 0.002
    server_errors: Share = 0.0005
    throttles: Share = 0.0
    interventions: Share = 0.05
    """Share of successful evaluations in which a guardrail intervened."""
    latency_ms: Spread = Spread(p50=250, p90=600)
    noise: Share = 0.1


def hour_range(key: str) -> set[int]:
    """``"20-7"`` → {20, 21, 22, 23, 0, ..., 6}; ``"9"`` → {9}."""
    match = re.fullmatch(r"(\d{1,2})(?:-(\d{1,2}))?", key)
    if not match or int(match.group(1)) > 23 or (match.group(2) and not 0 <= int(match.group(2)) <= 24):
        raise ValueError(f"{key!r} is not an hour (0-23) or a range of hours ('20-7')")
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else (start + 1) % 24
    return set(range(start, end)) if start < end else set(range(start, 24)) | set(range(0, end))


class Pulse(Section):
    """``minutes`` on at the start of ``every`` minutes (``on``/``off`` would be booleans in YAML)."""

    minutes: int = Field(ge=1)
    every: int = Field(ge=2)

    @model_validator(mode="after")
    def _shorter(self) -> Pulse:
        if self.minutes >= self.every:
            raise ValueError(f"minutes ({self.minutes}) must be fewer than every ({self.every})")
        return self


class Event(Section):
    """A change to the traffic of one model (or every model) from minute ``from`` to ``to``."""

    name: str | None = None
    model: str | int | None = None
    """Selector (see the module doc); every model when omitted."""
    start: int = Field(alias="from", ge=0)
    end: int | None = Field(default=None, alias="to", gt=0)
    """Exclusive; the end of the scenario when omitted."""
    requests: str | Positive | None = None
    """Calls per minute, or a multiplier ``x0.1``."""
    client_errors: Share | None = None
    server_errors: Share | None = None
    throttles: Share | None = None
    pre_bedrock_failures: Share | None = None
    no_traffic: bool = False
    """Callers stop calling altogether (no Bedrock metrics and no application logs)."""
    latency: str | None = None
    """Multiplier of time to first token and generation time, ``x5``."""
    output_tokens: str | None = None
    """Multiplier of output tokens per call, ``x20``."""
    tier: Tier | None = None
    """``latency`` and ``outputTokens`` apply only to the calls this service tier serves."""
    tiers: dict[Tier, Share] | None = None
    """Another mix of requested service tiers (see ``Profile.tiers``)."""
    invocation_log_delivery_failures: Share | None = None
    """Share of invocation-log records Bedrock fails to deliver to CloudWatch Logs (stack-wide)."""
    invocation_logging_stopped: bool = False
    """Bedrock stops writing records here at all: logging switched off, or another stack took it over (stack-wide)."""
    notification_delivery_failures: Positive | None = None
    """Notifications the alarm topic fails to deliver per minute (a subscriber rejecting them; stack-wide)."""
    guardrail_client_errors: Share | None = None
    """Share of guardrail evaluations that fail with a 4xx (stack-wide, like every guardrail_ field)."""
    guardrail_server_errors: Share | None = None
    guardrail_interventions: Share | None = None
    guardrail_latency: str | None = None
    """Multiplier of guardrail latency, ``x5``."""
    pulse: Pulse | None = None
    """On and off in turns (flapping): the change holds for ``minutes`` of ``every`` minutes."""

    @field_validator("requests", "latency", "output_tokens", "guardrail_latency", mode="before")
    @classmethod
    def _multiplier(cls, value: Any) -> Any:
        if isinstance(value, str) and not _MULTIPLIER.fullmatch(value):
            raise ValueError(f"{value!r} is not a multiplier; write x followed by a number, e.g. x5 or x0.5")
        return value

    @model_validator(mode="after")
    def _window(self) -> Event:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"'to' ({self.end}) must be after 'from' ({self.start})")
        return self

    def active(self, minute: int) -> bool:
        if minute < self.start or (self.end is not None and minute >= self.end):
            return False
        return self.pulse is None or (minute - self.start) % self.pulse.every < self.pulse.minutes


def multiplier(text: str | None) -> float:
    """``x5`` → 5.0; None → 1.0."""
    if text is None:
        return 1.0
    match = _MULTIPLIER.fullmatch(text)
    assert match, text
    return float(match.group("factor"))


class Within(Section):
    """At least one such notification, the first within ``within`` minutes of the event's start."""

    within: int = Field(ge=1)
    event: str | None = None
    """The event whose start counts (its name); the first event when omitted."""
    model: str | int | None = None
    """Only notifications of alarms about this model; the event's model when omitted."""


class Count(Section):
    """How many such notifications the whole run may send."""

    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=0)
    model: str | int | None = None


class Expectation(Section):
    """One of: ``page``/``email`` (at least one, soon enough) or ``pages``/``emails`` (how many in all)."""

    page: Within | None = None
    email: Within | None = None
    pages: Count | None = None
    emails: Count | None = None

    @field_validator("pages", "emails", mode="before")
    @classmethod
    def _exactly(cls, value: Any) -> Any:
        """``pages: 0`` is short for ``pages: {min: 0, max: 0}``."""
        if isinstance(value, int) and not isinstance(value, bool):
            return {"min": value, "max": value}
        return value

    @model_validator(mode="after")
    def _one(self) -> Expectation:
        if len(self.model_fields_set) != 1:
            raise ValueError("write exactly one of page, email, pages, emails (e.g. page: {within: 5})")
        return self

    @property
    def kind(self) -> str:
        return next(iter(self.model_fields_set))


class Scenario(Section):
    """One incident (or a quiet day) and what the alarms should do about it."""

    name: str
    description: str = ""
    stack: str | None = None
    start: datetime = DEFAULT_START
    """Wall-clock time (UTC) of minute 0: schedules and HOUR()/DAY() read it."""
    duration: int = Field(default=180, ge=10, le=10_080)
    """Minutes simulated after the alarms' warm-up."""
    seed: str | None = None
    surfaces: list[Literal["guardrails"]] = Field(default_factory=list)
    """Surfaces (``llm-monitor:surfaces``) whose alarms the scenario exercises: it runs only on stacks that
    turn them on, and is reported as not applicable elsewhere."""
    guardrails: GuardrailProfile = GuardrailProfile()
    """Guardrail evaluations, on stacks with the guardrails surface."""
    traffic: dict[str | int, Profile] = Field(default_factory=dict)
    """``default`` for every model, then selectors for single models (their fields win)."""
    events: list[Event] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)
    needs: list[Literal["priority", "flex", "reserved"]] = Field(default_factory=list)
    """Selectors that must find a model; on a stack where one finds none the scenario does not apply."""
    replay: str | None = None
    """A file of ``aws cloudwatch get-metric-data`` output to replay instead of ``traffic`` (see replay.py),
    relative to the scenario file."""

    @model_validator(mode="after")
    def _replay_alone(self) -> Scenario:
        if self.replay is not None and (self.traffic or self.events):
            raise ValueError("a replay brings its own traffic: drop `traffic` and `events`")
        return self

    @field_validator("start", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def load(path: Path) -> Scenario:
    """Read and validate a scenario file; ScenarioError on any problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(str(path), [Problem("(file)", f"cannot be read: {exc.strerror or exc}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(str(path), [Problem("(file)", f"is not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), [Problem("(file)", "must hold a YAML mapping")])
    data.setdefault("name", path.stem)
    return parse(data, str(path))


def parse(data: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            problems.append(Problem(path or "(file)", message))
        raise ScenarioError(source, problems) from None
